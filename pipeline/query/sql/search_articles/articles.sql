-- Articles with what a search result shows, computed from the base table.
SELECT article_id, published, source, language, duplicate_of, title, coalesce(canonical_url, url) AS url,
       snippet(text) AS snippet
FROM articles

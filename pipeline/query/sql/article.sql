-- One article with its source's name, kind and country.
SELECT a.article_id, a.url, a.canonical_url, a.source, s.name AS source_name, s.kind, s.country, a.title, a.author,
       a.published, a.date_source, a.language, a.text, a.duplicate_of, a.fetched_at, a.run_id
FROM articles a LEFT JOIN sources s ON s.source = a.source
WHERE a.article_id = $article_id

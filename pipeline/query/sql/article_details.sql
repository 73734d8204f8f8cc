-- source, title, url and language (and text) of a few articles by id: one parameter per id, so
-- DuckDB answers from the primary-key index (50 or more constants become a hash join over the table).
SELECT article_id, source, title, coalesce(canonical_url, url) AS url, language{text}
FROM articles
WHERE article_id IN ({ids})

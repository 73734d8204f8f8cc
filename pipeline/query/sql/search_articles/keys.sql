-- The passing articles ({where} over {relation} a) newest first (undated last), page $offset..+$limit,
-- with how many pass overall.
WITH hits AS MATERIALIZED (SELECT a.article_id, a.published FROM {relation} a WHERE {where})
SELECT article_id, published, (SELECT count(*) FROM hits) AS total
FROM hits
ORDER BY published DESC NULLS LAST, article_id
LIMIT $limit OFFSET $offset

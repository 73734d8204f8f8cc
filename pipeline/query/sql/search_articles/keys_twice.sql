-- The passing articles ({where} over {relation} a) newest first (undated last), page $offset..+$limit,
-- with how many pass overall: filtered twice, a count and a top-N that reads the date-sorted relation from
-- its newest block (cheaper than holding every passing id when the filter is cheap: no text search).
SELECT a.article_id, a.published, (SELECT count(*) FROM {relation} a WHERE {where}) AS total
FROM {relation} a
WHERE {where}
ORDER BY a.published DESC NULLS LAST, a.article_id
LIMIT $limit OFFSET $offset

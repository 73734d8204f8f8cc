-- When the store last gained an article behind each surge: the latest fetch time of the articles
-- mentioning the entities ($surge_ids) on the days ($days) under the filters ({where} over x).
SELECT x.entity_id, x.published AS day, max(a.fetched_at) AS detected_at
FROM article_entities x JOIN articles a ON a.article_id = x.article_id
WHERE x.entity_id = ANY($surge_ids) AND x.published = ANY($days) AND {where}
GROUP BY ALL

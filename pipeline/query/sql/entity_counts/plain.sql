-- Distinct articles and raw mentions per entity among the articles passing {where} (article_entities x).
SELECT x.entity_id, count(*) AS articles, sum(x.mentions) AS mentions
FROM article_entities x
WHERE {where}
GROUP BY x.entity_id

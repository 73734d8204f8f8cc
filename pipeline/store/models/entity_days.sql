-- Distinct articles and raw mentions per (entity, day, source, language); published NULL = undated.
-- sorted: entity_id, published, source, language
-- upkeep: sums by entity_id, published, source, language
SELECT entity_id, published, source, language, count(*)::BIGINT AS articles, sum(mentions)::BIGINT AS mentions
FROM article_entities
GROUP BY ALL

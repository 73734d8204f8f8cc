-- Mentions and distinct articles per (entity, day, source, language, surface form): the wording chart.
-- sorted: entity_id, published, source, language, surface
-- upkeep: sums by entity_id, published, source, language, surface
SELECT entity_id, published, source, language, surface, count(*)::BIGINT AS mentions,
       count(DISTINCT article_key)::BIGINT AS articles
FROM mention_spans
GROUP BY ALL

-- entity_days over all dates, per (entity, source, language): sidebar options and top lists.
-- sorted: entity_id, source, language
-- upkeep: sums by entity_id, source, language
SELECT entity_id, source, language, sum(articles)::BIGINT AS articles, sum(mentions)::BIGINT AS mentions
FROM entity_days
GROUP BY ALL

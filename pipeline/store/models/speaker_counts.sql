-- Statements per speaker key (entity id, else the raw name) with its label (the entity's name, else the
-- first raw name): the speaker filter's options.
-- sorted: statements DESC, label
-- upkeep: rows per speaker
WITH keyed AS (
    SELECT coalesce(s.speaker_entity_id, s.speaker) AS key, e.name, s.speaker
    FROM statements s LEFT JOIN entities e ON e.entity_id = s.speaker_entity_id
)
SELECT key, coalesce(any_value(name), min(speaker)) AS label, count(*)::BIGINT AS statements
FROM keyed
WHERE key IS NOT NULL
GROUP BY key

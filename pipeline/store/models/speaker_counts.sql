-- Statements per speaker key (entity id, else the raw name) with its label: the speaker filter's options.
-- sorted: statements DESC, label
WITH keyed AS (
    SELECT coalesce(s.speaker_entity_id, s.speaker) AS key, e.name, s.speaker
    FROM statements s LEFT JOIN entities e ON e.entity_id = s.speaker_entity_id
)
SELECT key, coalesce(any_value(name), any_value(speaker)) AS label, count(*)::BIGINT AS statements
FROM keyed
WHERE key IS NOT NULL
GROUP BY key

-- Statements per speaker with its label: the speaker filter's options. A speaker is its entity id, else
-- its speaker key (one key across scripts and spellings: Gasimzade = Qasımzadə = Гасымзаде), else the
-- raw name (stores written before speaker keys); the label is the entity's name, else the spelling used
-- most (ties: the first in sort order).
-- sorted: statements DESC, label
-- upkeep: rows per speaker
WITH keyed AS (
    SELECT coalesce(s.speaker_entity_id, s.speaker_key, s.speaker) AS key, e.name, s.speaker
    FROM statements s LEFT JOIN entities e ON e.entity_id = s.speaker_entity_id
)
SELECT key, coalesce(any_value(name), mode(speaker ORDER BY speaker)) AS label, count(*)::BIGINT AS statements
FROM keyed
WHERE key IS NOT NULL
GROUP BY key

-- Speakers with statement counts: key (entity id, else speaker key, else raw name), label (the entity's
-- name, else the spelling used most), statements.
SELECT coalesce(s.speaker_entity_id, s.speaker_key, s.speaker) AS key,
       coalesce(any_value(e.name), mode(s.speaker ORDER BY s.speaker)) AS label, count(*) AS statements
FROM statements s LEFT JOIN entities e ON e.entity_id = s.speaker_entity_id
WHERE coalesce(s.speaker_entity_id, s.speaker_key, s.speaker) IS NOT NULL
GROUP BY key
ORDER BY statements DESC, label
LIMIT $limit

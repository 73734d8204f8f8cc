-- Speakers with statement counts: key (entity id, else raw name), label, statements.
SELECT coalesce(s.speaker_entity_id, s.speaker) AS key, coalesce(any_value(e.name), min(s.speaker)) AS label,
       count(*) AS statements
FROM statements s LEFT JOIN entities e ON e.entity_id = s.speaker_entity_id
WHERE coalesce(s.speaker_entity_id, s.speaker) IS NOT NULL
GROUP BY key
ORDER BY statements DESC, label
LIMIT $limit

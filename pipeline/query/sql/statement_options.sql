-- The statements-only filters' values with statement counts (statements of non-duplicate articles):
-- facet (by_state, speaker_type, genre, about), value, label (an entity's name), kind (an entity's kind),
-- statements; most first. {ctes} defines `kept` (statement_id, speaker_state_id, speaker_type, genre per
-- statement) and `about` (statement_id, entity_id per statement and entity it is about).
WITH {ctes},
counts AS (
    SELECT 'by_state' AS facet, speaker_state_id AS value, count(*) AS statements
    FROM kept WHERE speaker_state_id IS NOT NULL GROUP BY ALL
    UNION ALL SELECT 'speaker_type', speaker_type, count(*) FROM kept GROUP BY ALL
    UNION ALL SELECT 'genre', genre, count(*) FROM kept GROUP BY ALL
    UNION ALL SELECT 'about', entity_id, count(*) FROM about GROUP BY ALL
)
SELECT c.facet, c.value, coalesce(e.name, c.value) AS label, e.kind, c.statements
FROM counts c LEFT JOIN entities e ON c.facet IN ('by_state', 'about') AND e.entity_id = c.value
ORDER BY c.facet, c.statements DESC, label, c.value

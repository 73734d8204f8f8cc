-- `counts` of statement_options.sql from `kept` (statement_id, speaker_state_id, speaker_type, genre per
-- statement) and `about` (statement_id, entity_id per statement and entity it is about).
counts AS (
    SELECT 'by_state' AS facet, speaker_state_id AS value, count(*) AS statements
    FROM kept WHERE speaker_state_id IS NOT NULL GROUP BY ALL
    UNION ALL SELECT 'speaker_type', speaker_type, count(*) FROM kept GROUP BY ALL
    UNION ALL SELECT 'genre', genre, count(*) FROM kept GROUP BY ALL
    UNION ALL SELECT 'about', entity_id, count(*) FROM about GROUP BY ALL
)

-- Statements per value of each statements-only filter (facet by_state, speaker_type, genre, about;
-- statements of non-duplicate articles): the filters' options without reading every statement.
-- sorted: facet, value
-- upkeep: sums by facet, value
SELECT 'by_state' AS facet, speaker_state_id AS value, count(*)::BIGINT AS statements
FROM statement_facts WHERE speaker_state_id IS NOT NULL GROUP BY ALL
UNION ALL SELECT 'speaker_type', speaker_type, count(*)::BIGINT FROM statement_facts GROUP BY ALL
UNION ALL SELECT 'genre', genre, count(*)::BIGINT FROM statement_facts GROUP BY ALL
UNION ALL SELECT 'about', entity_id, count(*)::BIGINT
FROM (SELECT unnest(about_entities) AS entity_id FROM statement_facts) GROUP BY ALL

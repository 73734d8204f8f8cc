-- `kept` and `about` (then `counts`: counts.sql) of statement_options.sql from statement_facts.
kept AS (SELECT statement_id, speaker_state_id, speaker_type, genre FROM statement_facts),
about AS (SELECT statement_id, unnest(about_entities) AS entity_id FROM statement_facts)

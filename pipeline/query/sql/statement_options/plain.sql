-- `kept` and `about` (then `counts`: counts.sql) of statement_options.sql from the base tables ({about}: statements/about.sql).
kept AS (
    SELECT s.statement_id, s.speaker_state_id, speaker_type(e.type, s.speaker_key) AS speaker_type,
           coalesce(a.genre, 'news') AS genre
    FROM statements s JOIN articles a ON a.article_id = s.article_id AND a.duplicate_of IS NULL
    LEFT JOIN entities e ON e.entity_id = s.speaker_entity_id AND e.kind = 'actor'
),
about AS (SELECT b.statement_id, b.entity_id FROM ({about}) b SEMI JOIN kept USING (statement_id))

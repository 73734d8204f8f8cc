-- What the table shows of the page's statements ($first_ids) from {relation} s ({bound} narrows the dates).
SELECT s.speaker, s.speaker_role, s.speaker_state_id AS state_id, coalesce(e.name, s.speaker_state_id) AS state,
       s.statement_type, s.kind, s.quote, s.statement_id, s.article_id, s.cluster_id
FROM {relation} s LEFT JOIN entities e ON e.entity_id = s.speaker_state_id
WHERE {bound} s.statement_id IN (SELECT unnest($first_ids::VARCHAR[]))

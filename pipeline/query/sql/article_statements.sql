-- One article's statements in text order.
SELECT s.statement_id, s.speaker, s.speaker_role, coalesce(e.name, s.speaker_state_id) AS state, s.statement_type,
       s.kind, s.quote, s.said_on, s.char_start, s.char_end, s.cluster_id
FROM statements s LEFT JOIN entities e ON e.entity_id = s.speaker_state_id
WHERE s.article_id = $article_id
ORDER BY s.char_start, s.statement_id

-- Statements (distinct clusters) and reports per period (date said, else published), speaker state
-- and type among the passing statements ({where}, over statements s and articles a).
SELECT date_trunc($gran, coalesce(s.said_on, a.published))::DATE AS period, s.speaker_state_id AS state_id,
       coalesce(any_value(e.name), s.speaker_state_id, 'unknown') AS state, s.statement_type,
       count(DISTINCT coalesce(s.cluster_id, s.statement_id)) AS statements, count(*) AS reports
FROM statements s JOIN articles a ON a.article_id = s.article_id
LEFT JOIN entities e ON e.entity_id = s.speaker_state_id
WHERE coalesce(s.said_on, a.published) IS NOT NULL AND {where}
GROUP BY period, s.speaker_state_id, s.statement_type
ORDER BY period, state, s.statement_type

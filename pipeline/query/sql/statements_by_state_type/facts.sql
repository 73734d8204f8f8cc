-- The same from statement_facts: reports per cluster and cell first, then clusters per cell (faster
-- than count(DISTINCT)).
WITH per_cluster AS (
    SELECT date_trunc($gran, s.said)::DATE AS period, s.speaker_state_id AS state_id, s.statement_type, count(*) AS n
    FROM statement_facts s
    WHERE s.said IS NOT NULL AND {where}
    GROUP BY period, state_id, s.statement_type, s.ckey
),
cells AS (
    SELECT period, state_id, statement_type, count(*) AS statements, sum(n)::BIGINT AS reports
    FROM per_cluster
    GROUP BY ALL
)
SELECT c.period, c.state_id, coalesce(e.name, c.state_id, 'unknown') AS state, c.statement_type, c.statements, c.reports
FROM cells c LEFT JOIN entities e ON e.entity_id = c.state_id
ORDER BY c.period, state, c.statement_type

-- Statements (distinct clusters) and reports per month, speaker state and type, with no filter but
-- dates: the statements chart's default view without grouping every cluster.
-- sorted: period, state_id, statement_type
-- upkeep: sums by period, state_id, statement_type
SELECT date_trunc('month', said)::DATE AS period, speaker_state_id AS state_id, statement_type,
       count(DISTINCT ckey)::BIGINT AS statements, count(*)::BIGINT AS reports
FROM statement_facts
WHERE said IS NOT NULL
GROUP BY ALL

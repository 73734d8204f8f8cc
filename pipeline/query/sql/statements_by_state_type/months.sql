-- The same, month by month with no filter but whole months, from the monthly counts.
SELECT c.period, c.state_id, coalesce(e.name, c.state_id, 'unknown') AS state, c.statement_type, c.statements, c.reports
FROM statement_months c LEFT JOIN entities e ON e.entity_id = c.state_id
WHERE {where}
ORDER BY c.period, state, c.statement_type

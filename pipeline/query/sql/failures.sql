-- Failed inputs, latest runs first, of one run or of all ($run_id NULL).
SELECT f.run_id, r.started, f.input, f.stage, f.error
FROM failures f LEFT JOIN runs r ON r.run_id = f.run_id
WHERE $run_id::VARCHAR IS NULL OR f.run_id = $run_id
ORDER BY r.started DESC NULLS LAST, f.run_id, f.input
LIMIT $limit

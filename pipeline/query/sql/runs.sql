-- Latest runs first.
SELECT run_id, started, finished, array_to_string(inputs, ' ') AS inputs, ok, failed, skipped
FROM runs
ORDER BY started DESC NULLS LAST, run_id DESC
LIMIT $limit

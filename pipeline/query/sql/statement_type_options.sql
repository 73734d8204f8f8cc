-- Statement types with statement counts (most first).
SELECT statement_type, count(*) AS statements
FROM statements
WHERE statement_type IS NOT NULL
GROUP BY statement_type
ORDER BY statements DESC, statement_type

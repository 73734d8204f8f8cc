-- The newest $wanted passing statements ({hits}): their clusters and dates.
SELECT ckey, said, cluster_first
FROM ({hits})
ORDER BY said DESC NULLS LAST, statement_id
LIMIT $wanted

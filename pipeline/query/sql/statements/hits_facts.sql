-- The same from statement_facts, with each cluster's first date said.
SELECT s.statement_id, s.ckey, s.said, s.source, s.url, s.cluster_first
FROM statement_facts s
WHERE {where}

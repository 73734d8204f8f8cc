-- One row per cluster with a passing statement ({hits}; {candidates} narrows them to some clusters):
-- earliest date said, reports, the earliest statement (ties by id), sources and urls; newest first.
SELECT h.ckey, min(h.said) AS said_on, count(*) AS reports,
       coalesce(arg_min(h.statement_id, strftime(h.said, '%Y-%m-%d') || h.statement_id), min(h.statement_id)) AS first_id,
       list(DISTINCT h.source ORDER BY h.source) AS sources,
       list(DISTINCT h.url ORDER BY h.url) FILTER (WHERE h.url IS NOT NULL) AS urls
FROM ({hits}) h
{candidates}
GROUP BY h.ckey
ORDER BY said_on DESC NULLS LAST, first_id
LIMIT $limit

-- Statements (distinct clusters, each dated by its earliest report from $previous to $until: date
-- said, else published) per speaker state and type, in the recent window (from $since) and the one
-- before it, under the filters ({where} over statements s and articles a); statements without a
-- state are left out.
WITH per_statement AS (
    SELECT s.speaker_state_id AS state_id, s.statement_type, coalesce(s.cluster_id, s.statement_id) AS cid,
           min(coalesce(s.said_on, a.published)) AS said
    FROM statements s JOIN articles a ON a.article_id = s.article_id
    WHERE coalesce(s.said_on, a.published) BETWEEN $previous AND $until AND s.speaker_state_id IS NOT NULL
      AND {where}
    GROUP BY ALL
)
SELECT p.state_id, coalesce(any_value(e.name), p.state_id) AS state, p.statement_type,
       count(*) FILTER (WHERE p.said < $since)::BIGINT AS previous,
       count(*) FILTER (WHERE p.said >= $since)::BIGINT AS recent
FROM per_statement p LEFT JOIN entities e ON e.entity_id = p.state_id
GROUP BY p.state_id, p.statement_type
ORDER BY p.state_id, p.statement_type

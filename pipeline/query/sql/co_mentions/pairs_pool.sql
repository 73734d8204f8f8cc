-- From pair counts ({relation} p: entity_pairs under source and language filters, else pair_counts.sql
-- under a date range; {where} over it):
-- the pool ranked by the per-entity counts ({counts}), then its pairs.
pool AS (
    SELECT k.entity_no FROM ({counts}) c JOIN entity_keys k USING (entity_id)
    ORDER BY c.articles DESC, c.entity_id
    LIMIT $pool
),
pairs AS (
    SELECT least(ka.entity_id, kb.entity_id) AS entity_a, greatest(ka.entity_id, kb.entity_id) AS entity_b,
           sum(p.articles) AS articles
    FROM {relation} p SEMI JOIN pool pa ON pa.entity_no = p.no_a SEMI JOIN pool pb ON pb.entity_no = p.no_b
    JOIN entity_keys ka ON ka.entity_no = p.no_a JOIN entity_keys kb ON kb.entity_no = p.no_b
    WHERE {where}
    GROUP BY ALL
    ORDER BY articles DESC, entity_a, entity_b
    LIMIT $limit
)

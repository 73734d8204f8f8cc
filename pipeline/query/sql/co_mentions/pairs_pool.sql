-- From the pair counts when only source and language filters apply ({where} over entity_pairs p):
-- the pool ranked by the per-entity counts ({counts}), then its pairs.
pool AS (
    SELECT k.entity_no FROM ({counts}) c JOIN entity_keys k USING (entity_id)
    ORDER BY c.articles DESC, c.entity_id
    LIMIT $pool
),
pairs AS (
    SELECT least(ka.entity_id, kb.entity_id) AS entity_a, greatest(ka.entity_id, kb.entity_id) AS entity_b,
           sum(p.articles) AS articles
    FROM entity_pairs p SEMI JOIN pool pa ON pa.entity_no = p.no_a SEMI JOIN pool pb ON pb.entity_no = p.no_b
    JOIN entity_keys ka ON ka.entity_no = p.no_a JOIN entity_keys kb ON kb.entity_no = p.no_b
    WHERE {where}
    GROUP BY ALL
    ORDER BY articles DESC, entity_a, entity_b
    LIMIT $limit
)

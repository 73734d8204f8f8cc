-- Co-mention pairs from `lists(positions, n)` (n articles mention exactly the pool entities at these
-- positions) and `pool(entity_no, pos)`: the $limit most shared pairs, entity_a before entity_b.
ij AS (
    SELECT a, b, sum(n) AS n FROM lists, unnest(positions) ua(a), unnest(positions) ub(b)
    WHERE a < b GROUP BY ALL
),
pairs AS (
    SELECT least(ka.entity_id, kb.entity_id) AS entity_a, greatest(ka.entity_id, kb.entity_id) AS entity_b,
           ij.n AS articles
    FROM ij JOIN pool pa ON pa.pos = ij.a JOIN pool pb ON pb.pos = ij.b
    JOIN entity_keys ka ON ka.entity_no = pa.entity_no JOIN entity_keys kb ON kb.entity_no = pb.entity_no
    ORDER BY articles DESC, entity_a, entity_b
    LIMIT $limit
)

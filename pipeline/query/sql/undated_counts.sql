-- Undated articles under the filters but dates: all of them ({relation} a, {where}), then per chosen
-- entity ($ids, in that order) from {hits} x ({hits_where}; {hit_articles} counts them).
WITH chosen AS (SELECT unnest($ids::VARCHAR[]) AS entity_id, generate_subscripts($ids::VARCHAR[], 1) AS pos),
hits AS (
    SELECT x.entity_id, {hit_articles}::BIGINT AS n
    FROM {hits} x
    WHERE x.published IS NULL AND x.entity_id = ANY($ids) AND {hits_where}
    GROUP BY x.entity_id
)
SELECT NULL::VARCHAR AS entity_id, 'all articles' AS name,
       (SELECT count(*) FROM {relation} a WHERE a.published IS NULL AND {where}) AS articles, 0 AS pos
UNION ALL
SELECT c.entity_id, coalesce(e.name, c.entity_id), coalesce(h.n, 0), c.pos
FROM chosen c LEFT JOIN entities e ON e.entity_id = c.entity_id
LEFT JOIN hits h ON h.entity_id = c.entity_id
ORDER BY pos

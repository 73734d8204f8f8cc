-- Without chosen entities: pairs among the $pool entities in most passing articles ({where} over
-- article_entities x).
rows AS (SELECT x.article_key, x.entity_id FROM article_entities x WHERE {where}),
pool AS (SELECT entity_id FROM rows GROUP BY entity_id ORDER BY count(*) DESC, entity_id LIMIT $pool),
p AS (SELECT * FROM rows SEMI JOIN pool USING (entity_id)),
pairs AS (
    SELECT pa.entity_id AS entity_a, pb.entity_id AS entity_b, count(*) AS articles
    FROM p pa JOIN p pb ON pa.article_key = pb.article_key AND pa.entity_id < pb.entity_id
    GROUP BY ALL
    ORDER BY articles DESC, entity_a, entity_b
    LIMIT $limit
)

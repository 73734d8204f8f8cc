-- With chosen entities: the passing articles ({where} over article_entities x) mentioning a chosen
-- one, paired with every other entity they mention (two chosen ones: entity_a before entity_b).
pa AS (SELECT x.article_key, x.entity_id FROM article_entities x WHERE x.entity_id = ANY($entity_ids) AND {where}),
pb AS (
    SELECT x.article_key, x.entity_id FROM article_entities x
    WHERE x.article_key IN (SELECT article_key FROM pa) AND {where}
),
pairs AS (
    SELECT pa.entity_id AS entity_a, pb.entity_id AS entity_b, count(*) AS articles
    FROM pa JOIN pb ON pa.article_key = pb.article_key
    WHERE pa.entity_id <> pb.entity_id AND (NOT pb.entity_id = ANY($entity_ids) OR pa.entity_id < pb.entity_id)
    GROUP BY ALL
    ORDER BY articles DESC, entity_a, entity_b
    LIMIT $limit
)

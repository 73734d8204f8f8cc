-- The $n_actors actors and $n_themes themes in most passing articles ({where} over article_entities
-- x), and per pair the passing articles mentioning both.
rows AS (
    SELECT x.article_key, x.entity_id, e.kind
    FROM article_entities x JOIN entities e ON e.entity_id = x.entity_id AND e.kind IN ('actor', 'theme')
    WHERE {where}
),
ranked AS (
    SELECT entity_id, kind, row_number() OVER (PARTITION BY kind ORDER BY count(*) DESC, entity_id) AS rank
    FROM rows GROUP BY entity_id, kind
),
top_a AS (SELECT entity_id FROM ranked WHERE kind = 'actor' AND rank <= $n_actors),
top_t AS (SELECT entity_id FROM ranked WHERE kind = 'theme' AND rank <= $n_themes),
pa AS (SELECT article_key, entity_id FROM rows SEMI JOIN top_a USING (entity_id)),
pt AS (SELECT article_key, entity_id FROM rows SEMI JOIN top_t USING (entity_id)),
cells AS (
    SELECT pa.entity_id AS actor_id, pt.entity_id AS theme_id, count(*) AS articles
    FROM pa JOIN pt ON pa.article_key = pt.article_key
    GROUP BY ALL
)

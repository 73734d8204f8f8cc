-- The $n_actors actors and $n_themes themes in most passing articles ({counts}) with their top bits.
WITH ranked AS (
    SELECT c.entity_id, e.kind, k.top_bit,
           row_number() OVER (PARTITION BY e.kind ORDER BY c.articles DESC, c.entity_id) AS rank
    FROM ({counts}) c JOIN entities e ON e.entity_id = c.entity_id AND e.kind IN ('actor', 'theme')
    JOIN entity_keys k ON k.entity_id = c.entity_id
)
SELECT entity_id, kind, top_bit
FROM ranked
WHERE (kind = 'actor' AND rank <= $n_actors) OR (kind = 'theme' AND rank <= $n_themes)

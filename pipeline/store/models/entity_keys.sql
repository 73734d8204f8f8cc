-- A small integer per entity id (`entity_no`, in entity_id order), so per-article entity lists stay
-- compact; `top_bit`: a bit number for the top_bits() entities (see _macros.sql; NULL for the others),
-- in rank order: the top_bits_per_kind() of each kind in most articles, then the others in most articles.
-- Materialised, it is a dictionary: upkeep appends entities it has not seen (_entity_keys_append.sql)
-- and never renumbers; `repair --full` and retag rank them again.
-- sorted: entity_no
-- upkeep: dictionary
WITH known AS (
    SELECT entity_id FROM entities UNION SELECT DISTINCT entity_id FROM article_entities
),
counted AS (
    SELECT k.entity_id, any_value(e.kind) AS kind, count(x.entity_id) AS articles
    FROM known k LEFT JOIN article_entities x USING (entity_id) LEFT JOIN entities e USING (entity_id)
    GROUP BY k.entity_id
),
ranked AS (
    SELECT entity_id,
           row_number() OVER (ORDER BY (kind_rank <= top_bits_per_kind()) DESC, articles DESC, entity_id) AS rank
    FROM (SELECT *, row_number() OVER (PARTITION BY kind ORDER BY articles DESC, entity_id) AS kind_rank
          FROM counted)
)
SELECT (row_number() OVER (ORDER BY entity_id) - 1)::SMALLINT AS entity_no, entity_id,
       CASE WHEN rank <= top_bits() THEN (rank - 1)::SMALLINT END AS top_bit
FROM ranked

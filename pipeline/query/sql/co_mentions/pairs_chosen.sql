-- From pair counts ({relation} p: entity_pairs under source and language filters, else pair_counts.sql
-- under a date range; {where} over it):
-- an article mentioning both entities of a pair with a chosen one ($chosen_nos) passes the entity filter.
counted AS (
    SELECT p.no_a, p.no_b, sum(p.articles) AS articles FROM {relation} p
    WHERE (p.no_a = ANY($chosen_nos) OR p.no_b = ANY($chosen_nos)) AND {where}
    GROUP BY ALL
),
named AS (
    SELECT ka.entity_id AS id_a, kb.entity_id AS id_b, c.articles
    FROM counted c JOIN entity_keys ka ON ka.entity_no = c.no_a JOIN entity_keys kb ON kb.entity_no = c.no_b
),
pairs AS (
    SELECT id_a AS entity_a, id_b AS entity_b, articles FROM named
    WHERE id_a = ANY($entity_ids) AND (NOT id_b = ANY($entity_ids) OR id_a < id_b)
    UNION ALL
    SELECT id_b, id_a, articles FROM named WHERE id_b = ANY($entity_ids) AND (NOT id_a = ANY($entity_ids) OR id_b < id_a)
    ORDER BY articles DESC, entity_a, entity_b
    LIMIT $limit
)

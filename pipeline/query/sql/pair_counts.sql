-- Pairs of entities with a top bit (no_a < no_b) with the dated articles mentioning both under a date
-- range and no other article filter: the whole months inside the range from pair_months ({months} over
-- p) and the days of the months it cuts from article_facts ({edges} over x; at most two months).
WITH keyed AS (SELECT entity_no FROM entity_keys WHERE top_bit IS NOT NULL),
edge AS (SELECT x.entity_nos FROM article_facts x WHERE {edges})
SELECT no_a, no_b, sum(articles) AS articles FROM (
    SELECT p.no_a, p.no_b, p.articles FROM pair_months p WHERE {months}
    UNION ALL
    SELECT a, b, 1 FROM edge e, unnest(e.entity_nos) AS ua(a), unnest(e.entity_nos) AS ub(b)
    WHERE a < b AND a IN (SELECT entity_no FROM keyed) AND b IN (SELECT entity_no FROM keyed)
)
GROUP BY ALL

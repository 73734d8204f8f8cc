-- Entity pairs (no_a < no_b) with the dated articles mentioning both under a date range and no other
-- article filter: the whole months inside the range from pair_months ({months} over p) and the days
-- of the months the range cuts from article_facts ({edges} over x; at most two months of articles).
SELECT no_a, no_b, sum(articles) AS articles FROM (
    SELECT p.no_a, p.no_b, p.articles FROM pair_months p WHERE {months}
    UNION ALL
    SELECT a, b, 1 FROM article_facts x, unnest(x.entity_nos) AS ua(a), unnest(x.entity_nos) AS ub(b)
    WHERE a < b AND {edges}
)
GROUP BY ALL

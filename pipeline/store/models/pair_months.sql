-- Articles mentioning both entities of an unordered pair (no_a < no_b, by entity_no) per month
-- published (NULL: undated), over every source and language, for the entities with a top bit (the
-- pool, the heatmap's rows and columns): co-mentions and the heatmap under a date range read the
-- months inside it here (a cost that follows the months, not the articles) and only the days of a
-- month the range cuts from article_facts; with no filter at all, every month.
-- sorted: month, no_a, no_b
-- upkeep: sums by month, no_a, no_b
WITH keyed AS (SELECT entity_no FROM entity_keys WHERE top_bit IS NOT NULL)
SELECT date_trunc('month', x.published)::DATE AS month, a AS no_a, b AS no_b, count(*)::BIGINT AS articles
FROM article_facts x, unnest(x.entity_nos) AS ua(a), unnest(x.entity_nos) AS ub(b)
WHERE a < b AND a IN (SELECT entity_no FROM keyed) AND b IN (SELECT entity_no FROM keyed)
GROUP BY ALL

-- Dated articles mentioning both entities of an unordered pair (no_a < no_b, by entity_no) per month
-- published, over every source and language: co-mentions and the heatmap under a date range read
-- the months inside it here (a cost that follows the months, not the articles) and only the days
-- of a month cut by the range from article_facts.
-- sorted: month, no_a, no_b
-- upkeep: sums by month, no_a, no_b
SELECT date_trunc('month', x.published)::DATE AS month, a AS no_a, b AS no_b, count(*)::BIGINT AS articles
FROM article_facts x, unnest(x.entity_nos) AS ua(a), unnest(x.entity_nos) AS ub(b)
WHERE a < b AND x.published IS NOT NULL
GROUP BY ALL

-- Articles mentioning both entities of an unordered pair (no_a < no_b, by entity_no) per source and
-- language over all dates: co-mentions and the heatmap when no filter narrows the articles.
-- sorted: no_a, no_b
-- upkeep: sums by no_a, no_b, source, language
SELECT a AS no_a, b AS no_b, x.source, x.language, count(*)::BIGINT AS articles
FROM article_facts x, unnest(x.entity_nos) AS ua(a), unnest(x.entity_nos) AS ub(b)
WHERE a < b
GROUP BY ALL

-- The same from the per-entity counts of {rollup} (entity_totals over all dates, else entity_days):
-- only when no filter narrows the articles beyond dates, sources and languages.
SELECT x.entity_id, sum(x.articles) AS articles, sum(x.mentions) AS mentions
FROM {rollup} x
WHERE {where}
GROUP BY x.entity_id

-- The same from the per-day counts.
SELECT date_trunc($gran, x.published)::DATE AS period, sum(x.articles) AS total_articles
FROM day_totals x
WHERE x.published IS NOT NULL AND {where}
GROUP BY period

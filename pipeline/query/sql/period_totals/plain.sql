-- Dated non-duplicate articles per period under the source, language and date filters ({where}).
SELECT date_trunc($gran, a.published)::DATE AS period, count(*) AS total_articles
FROM articles a
WHERE a.published IS NOT NULL AND {where}
GROUP BY period

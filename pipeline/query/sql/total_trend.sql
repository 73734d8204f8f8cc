-- Dated articles per period passing the full filter ({where} over {relation} a; {articles} counts them).
SELECT date_trunc($gran, a.published)::DATE AS period, {articles}::BIGINT AS articles
FROM {relation} a
WHERE a.published IS NOT NULL AND {where}
GROUP BY period
ORDER BY period

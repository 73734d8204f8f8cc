-- Every period with its dated articles (zero when none).
WITH {calendar}
SELECT p.period, coalesce(t.total_articles, 0)::BIGINT AS total_articles
FROM periods p LEFT JOIN totals t ON t.period = p.period
ORDER BY p.period

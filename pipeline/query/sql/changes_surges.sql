-- Surge tests: per entity ({entities}) and day from $since to $until with at least $min_articles
-- distinct articles published that day ({where} over article_entities x: duplicates are not in it),
-- the articles of the $baseline_days days before that day (a RANGE frame over the sparse daily
-- counts: days without articles count as zero) and all dated articles that day ({totals_where}).
WITH daily AS (
    SELECT x.entity_id, x.published AS day, count(*) AS articles
    FROM article_entities x
    WHERE x.published BETWEEN $lookback AND $until {entities} AND {where}
    GROUP BY ALL
),
baselines AS (
    SELECT entity_id, day, articles,
           coalesce(sum(articles) OVER (PARTITION BY entity_id ORDER BY day RANGE BETWEEN
                    to_days($baseline_days::INTEGER) PRECEDING AND INTERVAL 1 DAY PRECEDING), 0) AS baseline_articles
    FROM daily
),
day_total AS (
    SELECT x.published AS day, sum(x.articles) AS day_total
    FROM day_totals x
    WHERE x.published BETWEEN $since AND $until AND {totals_where}
    GROUP BY ALL
)
SELECT t.entity_id, coalesce(e.name, t.entity_id) AS name, e.kind, t.day, t.articles::BIGINT AS articles,
       t.baseline_articles::BIGINT AS baseline_articles, coalesce(d.day_total, 0)::BIGINT AS day_total
FROM baselines t
LEFT JOIN entities e ON e.entity_id = t.entity_id
LEFT JOIN day_total d ON d.day = t.day
WHERE t.day >= $since AND t.articles >= $min_articles
ORDER BY t.day, t.entity_id

-- Distinct articles and raw mentions per chosen entity and period among the passing dated rows of
-- {relation} (article_entities, or entity_days whose rows already count articles: {articles}).
SELECT x.entity_id, date_trunc($gran, x.published)::DATE AS period, {articles} AS articles,
       sum(x.mentions) AS mentions
FROM {relation} x
WHERE x.entity_id = ANY($ids) AND x.published IS NOT NULL AND {where}
GROUP BY ALL

-- Per period (dense) and chosen entity ($ids, in that order): articles, mentions, the period's
-- total and the share.
WITH {calendar},
hits AS ({hits}),
chosen AS (SELECT unnest($ids::VARCHAR[]) AS entity_id, generate_subscripts($ids::VARCHAR[], 1) AS pos)
SELECT p.period, c.entity_id, coalesce(e.name, c.entity_id) AS name,
       coalesce(h.articles, 0)::BIGINT AS articles, coalesce(h.mentions, 0)::BIGINT AS mentions,
       coalesce(t.total_articles, 0)::BIGINT AS total_articles,
       CASE WHEN coalesce(t.total_articles, 0) = 0 THEN NULL ELSE coalesce(h.articles, 0) / t.total_articles END AS share
FROM periods p CROSS JOIN chosen c
LEFT JOIN hits h ON h.period = p.period AND h.entity_id = c.entity_id
LEFT JOIN totals t ON t.period = p.period
LEFT JOIN entities e ON e.entity_id = c.entity_id
ORDER BY c.pos, p.period

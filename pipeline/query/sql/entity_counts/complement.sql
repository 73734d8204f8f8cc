-- The same when most articles pass (a much-mentioned entity is chosen): the per-entity totals under
-- the other filters ({totals}), less the counts over the articles that fail the entity filter, which
-- unnests far fewer lists.
WITH totals AS ({totals}),
failing AS (
    SELECT unnest(x.entity_nos) AS entity_no, unnest(x.mention_counts) AS mentions
    FROM article_facts x
    WHERE {universe} AND NOT {chosen}
),
failing_counts AS (
    SELECT entity_no, count(*) AS articles, sum(mentions) AS mentions FROM failing GROUP BY entity_no
)
SELECT t.entity_id, t.articles - coalesce(u.articles, 0) AS articles, t.mentions - coalesce(u.mentions, 0) AS mentions
FROM totals t JOIN entity_keys k USING (entity_id)
LEFT JOIN failing_counts u USING (entity_no)
WHERE t.articles > coalesce(u.articles, 0)

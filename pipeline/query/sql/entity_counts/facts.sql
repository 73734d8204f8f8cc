-- The same from the entity lists of the articles passing {where} (article_facts x), counted per
-- entity_no first so only the few hundred totals meet entity_keys.
WITH passing AS (
    SELECT unnest(x.entity_nos) AS entity_no, unnest(x.mention_counts) AS mentions
    FROM article_facts x
    WHERE {where}
),
per_no AS (
    SELECT entity_no, count(*) AS articles, sum(mentions) AS mentions FROM passing GROUP BY entity_no
)
SELECT k.entity_id, u.articles, u.mentions
FROM per_no u JOIN entity_keys k USING (entity_no)

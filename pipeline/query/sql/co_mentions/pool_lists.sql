-- In one pass: the passing articles ({where} over article_facts x), the $pool entities in most of
-- them, and articles counted per list of the pool positions they mention.
arts AS (SELECT x.article_key, x.entity_nos FROM article_facts x WHERE {where}),
pool AS (
    SELECT entity_no, (row_number() OVER (ORDER BY n DESC, entity_id) - 1)::INTEGER AS pos
    FROM (SELECT c.entity_no, k.entity_id, count(*) AS n FROM (SELECT unnest(entity_nos) AS entity_no FROM arts) c
          JOIN entity_keys k USING (entity_no)
          GROUP BY c.entity_no, k.entity_id ORDER BY n DESC, k.entity_id LIMIT $pool)
),
lists AS (
    SELECT positions, count(*) AS n FROM (
        SELECT list(p.pos ORDER BY p.pos) AS positions
        FROM (SELECT article_key, unnest(entity_nos) AS entity_no FROM arts) r JOIN pool p USING (entity_no)
        GROUP BY r.article_key
    ) GROUP BY positions
),
{pairs_from_lists}

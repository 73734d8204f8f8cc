-- When every pool entity ($pool_nos) has a top bit: passing articles ({where} over article_facts x)
-- counted per packed key of the pool's bits ({key}; each entity's bit at $pool_shifts), each key as
-- the list of its bit positions.
pool AS (SELECT unnest($pool_nos::SMALLINT[]) AS entity_no, unnest($pool_shifts::SMALLINT[]) AS pos),
lists AS (
    SELECT [s FOR s IN range($key_width) IF (m >> s) & 1 = 1] AS positions, n
    FROM (SELECT {key} AS m, count(*) AS n FROM article_facts x WHERE {where} GROUP BY ALL)
),
{pairs_from_lists}

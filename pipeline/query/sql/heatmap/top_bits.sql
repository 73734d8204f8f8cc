-- When the top actors and themes ($top_ids, $top_kinds) all have a top bit: passing articles ({where}
-- over article_facts x) counted per combination of those bits (one packed {kind} key: {key}, each
-- entity's bit at $top_shifts), the combinations per actor and theme bits ($theme_bits), and those
-- added to their cells (CTE {out}); no list is unnested.
top AS (
    SELECT unnest($top_ids::VARCHAR[]) AS entity_id, unnest($top_nos::SMALLINT[]) AS entity_no,
           unnest($top_kinds::VARCHAR[]) AS kind, 1::{kind} << unnest($top_shifts::SMALLINT[]) AS bit
),
combos AS (SELECT {key} AS m, count(*) AS n FROM article_facts x WHERE {where} GROUP BY ALL),
per_actor AS (
    SELECT ta.entity_id AS actor_id, c.m & $theme_bits::{kind} AS tm, sum(c.n) AS n
    FROM combos c JOIN top ta ON ta.kind = 'actor' AND c.m & ta.bit <> 0
    GROUP BY ALL
),
{out} AS (
    SELECT p.actor_id, tt.entity_id AS theme_id, sum(p.n) AS articles
    FROM per_actor p JOIN top tt ON tt.kind = 'theme' AND p.tm & tt.bit <> 0
    GROUP BY ALL
)

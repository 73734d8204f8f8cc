-- With chosen entities ($chosen_nos): passing articles ({where} over article_facts x) counted per
-- packed {kind} key of the chosen entities they mention ({key}, each one's bit at $chosen_shifts)
-- and per entity they mention; each count then adds to the pairs of that entity with the key's.
arts AS (SELECT x.entity_nos, {key} AS cm FROM article_facts x WHERE {where}),
chosen AS (SELECT unnest($chosen_nos::SMALLINT[]) AS a, 1::{kind} << unnest($chosen_shifts::SMALLINT[]) AS bit),
combos AS (SELECT cm, b, count(*) AS n FROM (SELECT cm, unnest(entity_nos) AS b FROM arts) GROUP BY ALL),
nos AS (
    SELECT ch.a, c.b, sum(c.n) AS articles
    FROM combos c JOIN chosen ch ON c.cm & ch.bit <> 0
    WHERE ch.a <> c.b
    GROUP BY ALL
),
pairs AS (
    SELECT ka.entity_id AS entity_a, kb.entity_id AS entity_b, sum(nos.articles) AS articles
    FROM nos JOIN entity_keys ka ON ka.entity_no = nos.a JOIN entity_keys kb ON kb.entity_no = nos.b
    WHERE NOT list_contains($chosen_nos::SMALLINT[], nos.b) OR ka.entity_id < kb.entity_id
    GROUP BY ALL
    ORDER BY articles DESC, entity_a, entity_b
    LIMIT $limit
)

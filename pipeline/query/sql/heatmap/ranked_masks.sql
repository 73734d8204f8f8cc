-- In one pass: the passing articles ({where} over article_facts x), every actor and theme among them
-- ranked by articles, each article as two bit masks (which top actors, which top themes it mentions,
-- a bit per rank: at most 120 of each), articles counted per mask combination, and each combination
-- added to its cells.
arts AS (SELECT x.article_key, x.entity_nos FROM article_facts x WHERE {where}),
counts AS (
    SELECT entity_no, count(*) AS n FROM (SELECT unnest(entity_nos) AS entity_no FROM arts) GROUP BY entity_no
),
ranked AS (
    SELECT k.entity_no, k.entity_id, e.kind,
           row_number() OVER (PARTITION BY e.kind ORDER BY c.n DESC, k.entity_id) AS rank
    FROM counts c JOIN entity_keys k USING (entity_no)
    JOIN entities e ON e.entity_id = k.entity_id AND e.kind IN ('actor', 'theme')
),
top AS (
    SELECT entity_no, entity_id, kind, (1::HUGEINT << (rank - 1)::HUGEINT) AS bit FROM ranked
    WHERE (kind = 'actor' AND rank <= $n_actors) OR (kind = 'theme' AND rank <= $n_themes)
),
masks AS (
    SELECT bit_or(CASE WHEN t.kind = 'actor' THEN t.bit ELSE 0 END) AS am,
           bit_or(CASE WHEN t.kind = 'theme' THEN t.bit ELSE 0 END) AS tm
    FROM (SELECT article_key, unnest(entity_nos) AS entity_no FROM arts) r JOIN top t USING (entity_no)
    GROUP BY r.article_key
),
combos AS (SELECT am, tm, count(*) AS n FROM masks WHERE am <> 0 AND tm <> 0 GROUP BY ALL),
cells AS (
    SELECT ta.entity_id AS actor_id, tt.entity_id AS theme_id, sum(c.n) AS articles
    FROM combos c JOIN top ta ON ta.kind = 'actor' AND c.am & ta.bit <> 0
    JOIN top tt ON tt.kind = 'theme' AND c.tm & tt.bit <> 0
    GROUP BY ALL
)

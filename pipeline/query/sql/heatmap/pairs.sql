-- From pair counts ({relation} p: entity_pairs under source and language filters, else pair_counts.sql
-- under a date range; {where} over it): the top actors and themes by their counts under the same
-- filters ({counts}), then their pairs' counts.
ranked AS (
    SELECT c.entity_id, e.kind, row_number() OVER (PARTITION BY e.kind ORDER BY c.articles DESC, c.entity_id) AS rank
    FROM ({counts}) c JOIN entities e ON e.entity_id = c.entity_id AND e.kind IN ('actor', 'theme')
),
top AS (
    SELECT k.entity_no, r.entity_id, r.kind FROM ranked r JOIN entity_keys k USING (entity_id)
    WHERE (r.kind = 'actor' AND r.rank <= $n_actors) OR (r.kind = 'theme' AND r.rank <= $n_themes)
),
cells AS (
    SELECT CASE WHEN ta.kind = 'actor' THEN ta.entity_id ELSE tb.entity_id END AS actor_id,
           CASE WHEN ta.kind = 'actor' THEN tb.entity_id ELSE ta.entity_id END AS theme_id,
           sum(p.articles) AS articles
    FROM {relation} p JOIN top ta ON ta.entity_no = p.no_a JOIN top tb ON tb.entity_no = p.no_b
    WHERE ta.kind <> tb.kind AND {where}
    GROUP BY ALL
)

-- When the chosen entities pass most articles and the top actors and themes all have a top bit: the
-- pair counts of the top entities under the other filters ({relation} p, {where} over it) less the
-- cells of the few articles failing the entity filter ({failing}: top_bits.sql over them, CTE
-- `failing`), so the cost follows the failing articles, not the passing ones.
{failing},
every AS (
    SELECT CASE WHEN ta.kind = 'actor' THEN ta.entity_id ELSE tb.entity_id END AS actor_id,
           CASE WHEN ta.kind = 'actor' THEN tb.entity_id ELSE ta.entity_id END AS theme_id,
           sum(p.articles) AS articles
    FROM {relation} p JOIN top ta ON ta.entity_no = p.no_a JOIN top tb ON tb.entity_no = p.no_b
    WHERE ta.kind <> tb.kind AND {where}
    GROUP BY ALL
),
cells AS (
    SELECT e.actor_id, e.theme_id, e.articles - coalesce(f.articles, 0) AS articles
    FROM every e LEFT JOIN failing f USING (actor_id, theme_id)
    WHERE e.articles > coalesce(f.articles, 0)
)

-- The statements-only filters' values with statement counts (statements of non-duplicate articles):
-- facet (by_state, speaker_type, genre, about), value, label (an entity's name), kind (an entity's kind),
-- statements; most first. {ctes} defines `counts` (facet, value, statements).
WITH {ctes}
SELECT c.facet, c.value, coalesce(e.name, c.value) AS label, e.kind, c.statements
FROM counts c LEFT JOIN entities e ON c.facet IN ('by_state', 'about') AND e.entity_id = c.value
ORDER BY c.facet, c.statements DESC, label, c.value

-- Articles mentioning both an actor and a theme, per cell of the top actors and themes ({cells}).
WITH {cells}
SELECT c.actor_id, ea.name AS actor, c.theme_id, et.name AS theme, c.articles::BIGINT AS articles
FROM cells c JOIN entities ea ON ea.entity_id = c.actor_id
JOIN entities et ON et.entity_id = c.theme_id
ORDER BY c.articles DESC, actor, theme

-- Entity pairs mentioned in the same passing article, most shared articles first ({pairs}).
WITH {pairs}
SELECT c.entity_a, ea.name AS name_a, c.entity_b, eb.name AS name_b, c.articles::BIGINT AS articles
FROM pairs c JOIN entities ea ON ea.entity_id = c.entity_a JOIN entities eb ON eb.entity_id = c.entity_b
ORDER BY c.articles DESC, c.entity_a, c.entity_b

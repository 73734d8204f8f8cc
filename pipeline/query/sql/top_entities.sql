-- The $limit entities of kind $kind in most articles under the filters ({counts}).
WITH counts AS ({counts})
SELECT c.entity_id, e.name, e.type, c.articles::BIGINT AS articles, c.mentions::BIGINT AS mentions
FROM counts c JOIN entities e ON e.entity_id = c.entity_id AND e.kind = $kind
ORDER BY articles DESC, name
LIMIT $limit

-- Places with coordinates and their articles and mentions under the filters ({counts}).
WITH counts AS ({counts})
SELECT c.entity_id, e.name, e.lat, e.lon, c.articles::BIGINT AS articles, c.mentions::BIGINT AS mentions
FROM counts c JOIN entities e ON e.entity_id = c.entity_id AND e.kind = 'place'
     AND e.lat IS NOT NULL AND e.lon IS NOT NULL
ORDER BY mentions DESC, name

-- Every entity (of kind $kind, or all) with the articles mentioning it under the filters ({counts}).
WITH counts AS ({counts})
SELECT e.entity_id, e.kind, e.name, e.type, coalesce(c.articles, 0)::BIGINT AS articles
FROM entities e LEFT JOIN counts c USING (entity_id)
WHERE $kind::VARCHAR IS NULL OR e.kind = $kind
ORDER BY articles DESC, e.name

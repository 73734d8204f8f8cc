-- The $pool entities in most passing articles ({counts}), with their entity_no and top bit.
WITH counts AS ({counts})
SELECT k.entity_no, k.top_bit
FROM counts c JOIN entity_keys k USING (entity_id)
ORDER BY c.articles DESC, c.entity_id
LIMIT $pool

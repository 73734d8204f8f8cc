-- Entities the materialised entity_keys does not know yet (new in the taxonomy, or first mentioned by
-- the changed articles), appended: the next entity_no in entity_id order, and a free top bit each
-- while any is left, newcomers in most articles first. Nothing already keyed is renumbered.
WITH known AS (
    SELECT entity_id FROM entities UNION SELECT DISTINCT entity_id FROM article_entities
),
newcomers AS (
    SELECT k.entity_id, count(x.entity_id) AS articles
    FROM known k LEFT JOIN article_entities x USING (entity_id)
    WHERE k.entity_id NOT IN (SELECT entity_id FROM entity_keys)
    GROUP BY k.entity_id
),
free AS (
    SELECT b AS top_bit, row_number() OVER (ORDER BY b) AS slot
    FROM range(top_bits()) r(b)
    WHERE b NOT IN (SELECT top_bit FROM entity_keys WHERE top_bit IS NOT NULL)
),
ranked AS (
    SELECT entity_id, row_number() OVER (ORDER BY articles DESC, entity_id) AS slot FROM newcomers
)
SELECT ((SELECT coalesce(max(entity_no), -1) FROM entity_keys) + row_number() OVER (ORDER BY r.entity_id))::SMALLINT
           AS entity_no,
       r.entity_id, f.top_bit::SMALLINT AS top_bit
FROM ranked r LEFT JOIN free f USING (slot)

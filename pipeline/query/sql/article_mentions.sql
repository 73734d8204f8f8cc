-- One article's mentions in text order.
SELECT m.entity_id, e.name, e.kind, m.sentence_no, m.char_start, m.char_end, m.surface
FROM mentions m LEFT JOIN entities e ON e.entity_id = m.entity_id
WHERE m.article_id = $article_id
ORDER BY m.char_start, m.char_end

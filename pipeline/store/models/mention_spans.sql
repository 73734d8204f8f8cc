-- One row per mention in a non-duplicate article, with its sentence's bounds (NULL when not stored)
-- and the article's date, source and language: the sentences behind a trend point and the wording
-- chart read only the chosen entities' rows for the chosen dates.
-- sorted: entity_id, published, article_key, char_start
-- upkeep: rows per article
WITH kept_articles AS (
    SELECT article_id, published, source, language FROM articles WHERE duplicate_of IS NULL
)
SELECT m.entity_id, a.published, id_key(m.article_id) AS article_key, m.article_id, a.source, a.language,
       m.sentence_no, m.char_start, m.char_end, m.surface,
       s.char_start AS sentence_start, s.char_end AS sentence_end
FROM mentions m JOIN kept_articles a USING (article_id)
LEFT JOIN sentences s ON s.article_id = m.article_id AND s.sentence_no = m.sentence_no

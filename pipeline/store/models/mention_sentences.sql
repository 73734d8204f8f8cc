-- The text of every stored sentence with a mention, by date: the sentences behind a trend point are
-- read from a few blocks instead of cutting them out of their articles one by one.
-- sorted: published, article_key, sentence_no
-- upkeep: rows per article
WITH sentences_with_mentions AS (
    SELECT DISTINCT published, article_key, article_id, sentence_no, sentence_start, sentence_end
    FROM mention_spans
    WHERE sentence_start IS NOT NULL
)
SELECT x.published, x.article_key, x.sentence_no, x.article_id,
       substr(a.text, x.sentence_start + 1, x.sentence_end - x.sentence_start) AS sentence
FROM sentences_with_mentions x JOIN articles a USING (article_id)

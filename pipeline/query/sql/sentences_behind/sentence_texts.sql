-- The stored sentences with mentions of the given articles ($keys, published between $lo and $hi):
-- read by date range from the date-sorted rollup.
SELECT article_key, sentence_no, sentence
FROM mention_sentences
WHERE published BETWEEN $lo::DATE AND $hi::DATE AND article_key IN (SELECT unnest($keys::BIGINT[]))

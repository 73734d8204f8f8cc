-- All non-duplicate articles per (day, source, language): the share's denominator; published NULL = undated.
-- sorted: published, source, language
SELECT published, source, language, count(*)::BIGINT AS articles
FROM articles
WHERE duplicate_of IS NULL
GROUP BY ALL

-- All non-duplicate articles per (day, source, language): the share's denominator; published NULL = undated.
-- sorted: published, source, language
-- upkeep: sums by published, source, language
SELECT published, source, language, count(*)::BIGINT AS articles
FROM article_facts
GROUP BY ALL

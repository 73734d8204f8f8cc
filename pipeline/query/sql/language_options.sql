-- Article languages with article counts (most first).
SELECT language, count(*) AS articles
FROM articles
WHERE duplicate_of IS NULL AND language IS NOT NULL
GROUP BY language
ORDER BY articles DESC, language

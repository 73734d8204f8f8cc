-- Sources seen in articles with name, kind, country and article count (most first).
SELECT a.source, coalesce(any_value(s.name), a.source) AS name, any_value(s.kind) AS kind,
       any_value(s.country) AS country, count(*) AS articles
FROM articles a LEFT JOIN sources s ON s.source = a.source
WHERE a.duplicate_of IS NULL AND a.source IS NOT NULL
GROUP BY a.source
ORDER BY articles DESC, a.source

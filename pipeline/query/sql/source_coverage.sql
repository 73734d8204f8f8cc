-- Per source: articles passing the filters but dates ({where} over {relation} a) that are undated or
-- in the date range ({dates}), dated and undated counts, first and last date, languages.
SELECT a.source, coalesce(any_value(s.name), a.source) AS name, any_value(s.kind) AS kind,
       any_value(s.country) AS country, count(*) AS articles, count(a.published) AS dated,
       count(*) - count(a.published) AS undated, min(a.published) AS first_date, max(a.published) AS last_date,
       string_agg(DISTINCT a.language, ', ' ORDER BY a.language) AS languages
FROM {relation} a LEFT JOIN sources s ON s.source = a.source
WHERE {where} {dates}
GROUP BY a.source
ORDER BY articles DESC, a.source

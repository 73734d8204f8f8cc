-- One row: articles, dated, undated, first/last date, mentions, statements, sources, runs.
SELECT count(*) AS articles, count(published) AS dated, count(*) - count(published) AS undated,
       min(published) AS first_date, max(published) AS last_date,
       (SELECT count(*) FROM mentions) AS mentions, (SELECT count(*) FROM statements) AS statements,
       count(DISTINCT source) AS sources, (SELECT count(*) FROM runs) AS runs
FROM articles
WHERE duplicate_of IS NULL

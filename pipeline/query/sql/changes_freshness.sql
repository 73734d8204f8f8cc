-- When the store last changed (the last completed upkeep's data version, else the last finished
-- run; UTC) and the articles stored after $new_since (NULL: none asked) under the filters ({where}
-- over articles a): stored = the later of the fetch time and the start of the run that stored it,
-- so a web archive's old capture time does not hide an article stored today.
SELECT greatest((SELECT max(finished) FROM runs),
                (SELECT try_cast(value AS TIMESTAMP) FROM meta WHERE key = 'data_version')) AS updated_at,
       CASE WHEN $new_since::TIMESTAMP IS NOT NULL THEN (
           SELECT count(*) FROM articles a LEFT JOIN runs r ON r.run_id = a.run_id
           WHERE greatest(a.fetched_at, r.started) > $new_since::TIMESTAMP AND {where})
       END::BIGINT AS new_articles

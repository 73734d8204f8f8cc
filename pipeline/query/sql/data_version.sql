-- The last finished run and the article, mention and statement counts: what identifies the stored data.
SELECT (SELECT run_id FROM runs WHERE finished IS NOT NULL ORDER BY finished DESC, run_id DESC LIMIT 1),
       (SELECT count(*) FROM articles), (SELECT count(*) FROM mentions), (SELECT count(*) FROM statements)

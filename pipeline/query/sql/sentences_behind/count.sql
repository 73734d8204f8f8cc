-- How many sentences mention the chosen entities ({entities}) in articles published in
-- [$from_day, $to_day) passing {where}: the rows of the whole drill-down list.
SELECT count(*) FROM (
    SELECT DISTINCT x.article_key, x.sentence_no FROM mention_spans x
    WHERE x.published >= $from_day AND x.published < $to_day {entities} AND {where}
)

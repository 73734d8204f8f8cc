-- The sentences mentioning the chosen entities ({entities}) in the newest $limit articles published
-- in [$from_day, $to_day) passing {where}: per sentence its bounds (stored, else a window around its
-- mentions: `stored` false), the entities it mentions and their offsets within it, newest first.
WITH spans AS (
    SELECT * FROM mention_spans x
    WHERE x.published >= $from_day AND x.published < $to_day {entities}
),
arts AS (
    SELECT x.article_key, any_value(x.article_id) AS article_id, any_value(x.published) AS published
    FROM spans x
    WHERE {where}
    GROUP BY x.article_key
    ORDER BY published DESC, article_id
    LIMIT $limit
),
sent AS (
    SELECT h.article_key, h.sentence_no, any_value(h.sentence_start) IS NOT NULL AS stored,
           coalesce(any_value(h.sentence_start), greatest(min(h.char_start) - 160, 0)) AS s0,
           coalesce(any_value(h.sentence_end), max(h.char_end) + 160) AS s1
    FROM spans h
    WHERE h.article_key IN (SELECT article_key FROM arts)
    GROUP BY ALL
),
pick AS (
    SELECT sent.*, arts.published, arts.article_id
    FROM sent JOIN arts USING (article_key)
    ORDER BY arts.published DESC, arts.article_id, sent.sentence_no
    LIMIT $limit
)
SELECT p.published, p.article_id, p.article_key, p.sentence_no, p.s0, p.s1, p.stored,
       list(DISTINCT h.entity_id ORDER BY h.entity_id) AS entity_ids,
       list(h.char_start - p.s0 ORDER BY h.char_start, h.char_end) AS hl_starts,
       list(h.char_end - p.s0 ORDER BY h.char_start, h.char_end) AS hl_ends
FROM pick p JOIN spans h ON h.article_key = p.article_key AND h.sentence_no = p.sentence_no
GROUP BY ALL
ORDER BY p.published DESC, p.article_id, p.sentence_no

-- Speakers whose first dated statement under the filters ({where} over statements s and articles a)
-- was said (date said, else published) from $since to $until. A speaker is its speaker_key when it
-- names a taxonomy entity (e:) or a person (p:), else 'e:' and its entity id; generic speakers (s:
-- keys: "officials", "a diplomatic source") and unkeyed ones outside the taxonomy are left out.
-- Per speaker: its first statement (earliest date, then id) with the article behind it, and its
-- statements (distinct clusters) in the window.
WITH said AS (
    SELECT CASE WHEN s.speaker_key LIKE 'e:%' OR s.speaker_key LIKE 'p:%' THEN s.speaker_key
                WHEN s.speaker_key IS NULL AND s.speaker_entity_id IS NOT NULL THEN 'e:' || s.speaker_entity_id
           END AS speaker_key,
           s.statement_id, coalesce(s.cluster_id, s.statement_id) AS cid, coalesce(s.said_on, a.published) AS said,
           s.speaker, s.speaker_entity_id, s.speaker_state_id, s.statement_type, s.quote, a.article_id, a.source,
           a.fetched_at
    FROM statements s JOIN articles a ON a.article_id = s.article_id
    WHERE {where}
),
firsts AS (
    SELECT speaker_key, min(said) AS first_day
    FROM said
    WHERE speaker_key IS NOT NULL AND said IS NOT NULL
    GROUP BY speaker_key
    HAVING min(said) BETWEEN $since AND $until
),
behind AS (
    SELECT f.speaker_key, f.first_day,
           arg_min(x.speaker, (x.said, x.statement_id)) AS speaker,
           arg_min(x.speaker_entity_id, (x.said, x.statement_id)) AS speaker_entity_id,
           arg_min(x.speaker_state_id, (x.said, x.statement_id)) AS state_id,
           arg_min(x.statement_type, (x.said, x.statement_id)) AS statement_type,
           arg_min(x.quote, (x.said, x.statement_id)) AS quote,
           arg_min(x.article_id, (x.said, x.statement_id)) AS article_id,
           arg_min(x.source, (x.said, x.statement_id)) AS source,
           arg_min(x.fetched_at, (x.said, x.statement_id)) AS detected_at,
           count(DISTINCT x.cid)::BIGINT AS statements
    FROM said x JOIN firsts f ON f.speaker_key = x.speaker_key
    WHERE x.said BETWEEN $since AND $until
    GROUP BY f.speaker_key, f.first_day
)
SELECT b.speaker_key, b.first_day, coalesce(e.name, b.speaker) AS name, b.speaker, b.speaker_entity_id,
       b.state_id, coalesce(st.name, b.state_id) AS state, b.statement_type, b.quote, b.article_id, b.source,
       b.detected_at, b.statements
FROM behind b
LEFT JOIN entities e ON e.entity_id = b.speaker_entity_id
LEFT JOIN entities st ON st.entity_id = b.state_id
ORDER BY b.first_day, b.statements DESC, b.speaker_key

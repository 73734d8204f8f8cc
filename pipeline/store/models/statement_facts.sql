-- Statements of non-duplicate articles with what the statements table shows and what the statement
-- filters test. `said`: the date said, else published; `ckey`: a compact cluster key; `genre`: the
-- article's (news when unknown); `speaker_type`: see the speaker_type() macro; `about_entities`: the
-- entities the statement is about — mentioned in its own text or in a sentence it spans, less its
-- speaker, the speaker's parents in the taxonomy and its state (query/sql/statements/about.sql gives
-- the plain path the same rows); `about_mask`: their top_bit mask; `cluster_first`: the cluster's
-- earliest `said` (the statements page reads a cluster's rows from there on). Column names match the
-- statement filter's.
-- sorted: said DESC NULLS LAST, statement_id
-- upkeep: rows per cluster
WITH RECURSIVE chain(entity_id, member) AS (
    SELECT entity_id, entity_id FROM entities WHERE kind = 'actor'
    UNION
    SELECT c.entity_id, e.parent FROM chain c JOIN entities e ON e.entity_id = c.member WHERE e.parent IS NOT NULL
),
kept AS (
    SELECT s.*, coalesce(s.cluster_id, s.statement_id) AS cid, coalesce(s.said_on, a.published) AS said,
           a.published, a.source, a.language, coalesce(a.genre, 'news') AS genre, a.duplicate_of,
           coalesce(a.canonical_url, a.url) AS url
    FROM statements s JOIN articles a ON a.article_id = s.article_id AND a.duplicate_of IS NULL
),
spoken AS (
    SELECT s.statement_id, c.member AS entity_id FROM kept s JOIN chain c ON c.entity_id = s.speaker_entity_id
    UNION
    SELECT statement_id, speaker_state_id FROM kept WHERE speaker_state_id IS NOT NULL
),
named AS (
    SELECT statement_id, entity_id FROM statement_mentions
    UNION
    SELECT s.statement_id, m.entity_id
    FROM kept s
    JOIN sentences x ON x.article_id = s.article_id AND x.char_start < s.char_end AND x.char_end > s.char_start
    JOIN mentions m ON m.article_id = x.article_id AND m.sentence_no = x.sentence_no
),
about AS (
    SELECT n.statement_id, list(n.entity_id ORDER BY n.entity_id) AS entities,
           coalesce(bit_or(1::HUGEINT << k.top_bit), 0) AS mask
    FROM named n ANTI JOIN spoken p USING (statement_id, entity_id)
    LEFT JOIN entity_keys k ON k.entity_id = n.entity_id
    GROUP BY n.statement_id
)
SELECT s.statement_id, s.cid, id_key(s.cid) AS ckey, s.cluster_id, s.said_on, s.said, s.article_id,
       id_key(s.article_id) AS article_key, s.published, s.source, s.language, s.genre, s.duplicate_of, s.url,
       s.speaker, s.speaker_role, s.speaker_entity_id, s.speaker_key, s.speaker_state_id,
       speaker_type(e.type, s.speaker_key) AS speaker_type, s.statement_type, s.kind, s.quote,
       coalesce(b.entities, []::VARCHAR[]) AS about_entities, coalesce(b.mask, 0) AS about_mask,
       min(s.said) OVER (PARTITION BY s.cid) AS cluster_first
FROM kept s
LEFT JOIN entities e ON e.entity_id = s.speaker_entity_id AND e.kind = 'actor'
LEFT JOIN about b ON b.statement_id = s.statement_id

-- Statements of non-duplicate articles with what the statements table shows and the article's date,
-- source and language. `said`: the date said, else published; `ckey`: a compact cluster key;
-- `quote_entities`: the entities inside the quote; `cluster_first`: the cluster's earliest `said`
-- (the statements page reads a cluster's rows from there on); `entity_mask`: the top_bit mask of
-- its speaker, speaker state and quote entities. Column names match the statement filter's.
-- sorted: said DESC NULLS LAST, statement_id
-- upkeep: rows per cluster
WITH kept AS (
    SELECT s.*, coalesce(s.cluster_id, s.statement_id) AS cid, coalesce(s.said_on, a.published) AS said,
           a.published, a.source, a.language, a.duplicate_of, coalesce(a.canonical_url, a.url) AS url
    FROM statements s JOIN articles a ON a.article_id = s.article_id AND a.duplicate_of IS NULL
),
quote_lists AS (
    SELECT statement_id, list(entity_id ORDER BY entity_id) AS entities FROM statement_mentions GROUP BY statement_id
),
statement_entities AS (
    SELECT statement_id, entity_id FROM statement_mentions
    UNION SELECT statement_id, speaker_entity_id FROM statements WHERE speaker_entity_id IS NOT NULL
    UNION SELECT statement_id, speaker_state_id FROM statements WHERE speaker_state_id IS NOT NULL
),
masks AS (
    SELECT u.statement_id, bit_or(1::HUGEINT << k.top_bit) AS mask
    FROM statement_entities u JOIN entity_keys k ON k.entity_id = u.entity_id AND k.top_bit IS NOT NULL
    GROUP BY u.statement_id
)
SELECT s.statement_id, s.cid, id_key(s.cid) AS ckey, s.cluster_id, s.said_on, s.said, s.article_id,
       id_key(s.article_id) AS article_key, s.published, s.source, s.language, s.duplicate_of, s.url, s.speaker,
       s.speaker_role, s.speaker_entity_id, s.speaker_state_id, s.statement_type, s.kind, s.quote,
       coalesce(q.entities, []::VARCHAR[]) AS quote_entities,
       min(s.said) OVER (PARTITION BY s.cid) AS cluster_first, coalesce(b.mask, 0) AS entity_mask
FROM kept s
LEFT JOIN quote_lists q ON q.statement_id = s.statement_id
LEFT JOIN masks b ON b.statement_id = s.statement_id

-- What the table shows of the page's statements ($first_ids) from {relation} s ({bound} narrows the dates):
-- the speaker, its state, the genre ({genre}) and the names of the entities it is about ({about}: rows of
-- statement_id, entity_id), in name order.
WITH about AS (
    SELECT b.statement_id, list(coalesce(e.name, b.entity_id) ORDER BY coalesce(e.name, b.entity_id)) AS about
    FROM ({about}) b LEFT JOIN entities e ON e.entity_id = b.entity_id
    GROUP BY b.statement_id
)
SELECT s.speaker, s.speaker_role, s.speaker_state_id AS state_id, coalesce(e.name, s.speaker_state_id) AS state,
       s.statement_type, s.kind, {genre} AS genre, coalesce(b.about, []::VARCHAR[]) AS about, s.quote, s.statement_id,
       s.article_id, s.cluster_id
FROM {relation} s LEFT JOIN entities e ON e.entity_id = s.speaker_state_id
LEFT JOIN about b ON b.statement_id = s.statement_id
WHERE {bound} s.statement_id IN (SELECT unnest($first_ids::VARCHAR[]))

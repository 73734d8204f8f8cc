-- The entities each statement is about (statement_id, entity_id): those mentioned in its own text
-- (statement_mentions) or in a sentence it spans ("On the Lachin corridor, the Secretary said …"), less
-- its speaker's side: the speaker entity, the bodies above it in the taxonomy (its parents) and the
-- speaker's state — who says it is never what it is about. {statements}: the statements to read (a
-- relation with the statements table's columns); duplicates are left to the caller's filter.
-- store/models/statement_facts.sql holds the same definition for the summary table (`about_entities`);
-- tests/test_queries.py forces one against the other.
WITH RECURSIVE chain(entity_id, member) AS (
    SELECT entity_id, entity_id FROM entities WHERE kind = 'actor'
    UNION
    SELECT c.entity_id, e.parent FROM chain c JOIN entities e ON e.entity_id = c.member WHERE e.parent IS NOT NULL
),
spoken AS (
    SELECT s.statement_id, c.member AS entity_id FROM {statements} s JOIN chain c ON c.entity_id = s.speaker_entity_id
    UNION
    SELECT statement_id, speaker_state_id FROM {statements} s WHERE speaker_state_id IS NOT NULL
),
named AS (
    SELECT statement_id, entity_id FROM statement_mentions WHERE statement_id IN (SELECT statement_id FROM {statements} s)
    UNION
    SELECT s.statement_id, m.entity_id
    FROM {statements} s
    JOIN sentences x ON x.article_id = s.article_id AND x.char_start < s.char_end AND x.char_end > s.char_start
    JOIN mentions m ON m.article_id = x.article_id AND m.sentence_no = x.sentence_no
)
SELECT n.statement_id, n.entity_id FROM named n
WHERE NOT EXISTS (SELECT 1 FROM spoken p WHERE p.statement_id = n.statement_id AND p.entity_id = n.entity_id)

-- When the store last gained a statement behind each shift: the latest fetch time of the articles
-- of the states' ($state_ids) statements said (else published) from $since to $until under the
-- filters ({where} over statements s and articles a).
SELECT s.speaker_state_id AS state_id, max(a.fetched_at) AS detected_at
FROM statements s JOIN articles a ON a.article_id = s.article_id
WHERE s.speaker_state_id = ANY($state_ids) AND coalesce(s.said_on, a.published) BETWEEN $since AND $until
  AND {where}
GROUP BY ALL

-- Statements passing the filters ({where}, over statements s and articles a): cluster key, date said
-- (else published), source, url.
SELECT s.statement_id, id_key(coalesce(s.cluster_id, s.statement_id)) AS ckey, coalesce(s.said_on, a.published) AS said,
       a.source, coalesce(a.canonical_url, a.url) AS url, NULL::DATE AS cluster_first
FROM statements s JOIN articles a ON a.article_id = s.article_id
WHERE {where}

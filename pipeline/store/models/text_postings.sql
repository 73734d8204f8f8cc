-- The text index's postings (term, article_key) sorted by term: a search reads a few row groups
-- instead of the whole index, which fts keeps in document order. Only where the index exists.
-- sorted: termid, article_key
-- upkeep: rows per article
WITH indexed AS (
    SELECT d.docid, id_key(a.article_id) AS article_key
    FROM articles a JOIN fts_main_articles.docs d ON d.name = a.article_id
)
SELECT DISTINCT t.termid, i.article_key
FROM fts_main_articles.terms t JOIN indexed i USING (docid)

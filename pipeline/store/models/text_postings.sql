-- The text index's postings (term, article_key) sorted by term: a search reads a few row groups
-- instead of the whole index, which fts keeps in document order. Only where the index exists.
-- sorted: termid, article_key
SELECT DISTINCT t.termid, id_key(d.name) AS article_key
FROM fts_main_articles.terms t JOIN fts_main_articles.docs d USING (docid)

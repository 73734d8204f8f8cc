-- One row per (non-duplicate article, entity): its mention count and the article's date, source and
-- language; `article_key` is the article's compact join key.
-- sorted: entity_id, published, article_key
-- upkeep: rows per article
WITH kept_articles AS (
    SELECT article_id, published, source, language FROM articles WHERE duplicate_of IS NULL
),
per_entity AS (
    SELECT article_id, entity_id, count(*)::INTEGER AS mentions FROM mentions GROUP BY article_id, entity_id
)
SELECT p.article_id, id_key(p.article_id) AS article_key, p.entity_id, p.mentions, a.published, a.source,
       a.language
FROM per_entity p JOIN kept_articles a USING (article_id)

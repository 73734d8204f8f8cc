-- One row per non-duplicate article (with or without mentions): date, source, language; its entities
-- as a sorted list of entity_no with their mention counts (same order); the top_bit mask of its
-- entities (filters and the heatmap test one AND instead of unnesting lists); and what a search
-- result shows (title, url, snippet), so a page of results never looks articles up by id.
-- sorted: published, article_key
-- upkeep: rows per article
WITH entity_lists AS (
    SELECT x.article_key, list(k.entity_no ORDER BY k.entity_no) AS entity_nos,
           list(x.mentions ORDER BY k.entity_no) AS mention_counts,
           bit_or(CASE WHEN k.top_bit IS NOT NULL THEN 1::HUGEINT << k.top_bit ELSE 0::HUGEINT END) AS top_mask
    FROM article_entities x JOIN entity_keys k USING (entity_id)
    GROUP BY x.article_key
),
kept_articles AS (
    SELECT *, id_key(article_id) AS article_key FROM articles WHERE duplicate_of IS NULL
)
SELECT a.article_id, a.article_key, a.published, a.source, a.language,
       coalesce(l.entity_nos, []::SMALLINT[]) AS entity_nos, coalesce(l.mention_counts, []::INTEGER[]) AS mention_counts,
       coalesce(l.top_mask, 0) AS top_mask, a.title, coalesce(a.canonical_url, a.url) AS url, snippet(a.text) AS snippet
FROM kept_articles a LEFT JOIN entity_lists l USING (article_key)

-- Entities ({entities}) whose first dated article under the filters ({where} over article_entities
-- x) was published from $since to $until: that article (the first day's smallest id), its title,
-- source, link and fetch time, and the entity's articles in the window.
WITH firsts AS (
    SELECT x.entity_id, min(x.published) AS first_day
    FROM article_entities x
    WHERE x.published IS NOT NULL {entities} AND {where}
    GROUP BY x.entity_id
    HAVING min(x.published) BETWEEN $since AND $until
),
behind AS (
    SELECT x.entity_id, f.first_day, min(x.article_id) FILTER (WHERE x.published = f.first_day) AS article_id,
           count(*) AS articles
    FROM article_entities x JOIN firsts f ON f.entity_id = x.entity_id
    WHERE x.published BETWEEN $since AND $until AND {where}
    GROUP BY ALL
)
SELECT b.entity_id, coalesce(e.name, b.entity_id) AS name, e.kind, b.first_day, b.articles::BIGINT AS articles,
       b.article_id, a.title, a.source, coalesce(a.canonical_url, a.url) AS url, a.fetched_at AS detected_at
FROM behind b
JOIN articles a ON a.article_id = b.article_id
LEFT JOIN entities e ON e.entity_id = b.entity_id
ORDER BY b.first_day, b.articles DESC, b.entity_id

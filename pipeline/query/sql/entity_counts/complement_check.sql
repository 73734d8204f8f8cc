-- Does the entity filter pass most articles? The most-mentioned chosen entity's articles and all
-- articles, under the other filters ({totals}, {universe}).
WITH totals AS ({totals})
SELECT (SELECT max(articles) FROM totals WHERE entity_id = ANY($entity_ids)),
       (SELECT sum(x.articles) FROM day_totals x WHERE {universe})

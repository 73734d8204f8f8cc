-- Mentions and distinct articles per period, source and surface form of entity $entity_id among
-- the passing dated rows ({where} over {relation} x; {mentions} and {articles} count them).
SELECT date_trunc($gran, x.published)::DATE AS period, x.source, x.surface,
       {mentions}::BIGINT AS mentions, {articles}::BIGINT AS articles
FROM {relation} x
WHERE x.entity_id = $entity_id AND x.published IS NOT NULL AND {where}
GROUP BY ALL
ORDER BY period, source, mentions DESC, surface

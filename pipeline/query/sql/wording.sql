-- Mentions and distinct articles per period, source and surface form of entity $entity_id among
-- the passing rows ({where} over {relation} x; {mentions} and {articles} count them); {dated} keeps
-- the dated ones only (else undated rows come with a NULL period).
SELECT date_trunc($gran, x.published)::DATE AS period, x.source, x.surface,
       {mentions}::BIGINT AS mentions, {articles}::BIGINT AS articles
FROM {relation} x
WHERE x.entity_id = $entity_id {dated} AND {where}
GROUP BY ALL
ORDER BY period NULLS LAST, source, mentions DESC, surface

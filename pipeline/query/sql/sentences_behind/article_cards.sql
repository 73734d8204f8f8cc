-- source, title and url of the given articles ($keys, published between $lo and $hi), by date range.
SELECT article_key, source, title, url
FROM article_facts
WHERE published BETWEEN $lo::DATE AND $hi::DATE AND article_key IN (SELECT unnest($keys::BIGINT[]))

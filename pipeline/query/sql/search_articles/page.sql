-- What a result shows of the page's articles ($page_ids; {span} narrows the dates, so the date-sorted
-- rollup skips every block but the page's).
SELECT a.article_id, a.published, a.source, a.title, a.url, a.language, a.snippet
FROM {relation} a
WHERE {span} a.article_id IN (SELECT unnest($page_ids::VARCHAR[]))
ORDER BY a.published DESC NULLS LAST, a.article_id

-- Each polled feed and sitemap (`watch`), failing ones first: its health, schedule and items.
SELECT f.source, coalesce(s.name, f.source) AS name, f.feed_url, f.kind,
       CASE WHEN f.last_attempt IS NULL THEN 'not polled yet'
            WHEN f.last_error IS NOT NULL THEN 'failing'
            WHEN f.last_status = 304 THEN 'unchanged'
            ELSE 'ok' END AS health,
       f.failures, f.last_attempt, f.last_success, f.last_status, f.last_error, f.items_seen, f.items_new,
       coalesce(i.queued, 0) AS queued, coalesce(i.failed, 0) AS failed_items, f.poll_minutes, f.next_poll
FROM feeds f
LEFT JOIN sources s ON s.source = f.source
LEFT JOIN (SELECT feed_url, count(*) FILTER (WHERE state = 'queued') AS queued,
                  count(*) FILTER (WHERE state = 'failed') AS failed
           FROM feed_items GROUP BY feed_url) i ON i.feed_url = f.feed_url
ORDER BY f.last_error IS NULL, f.failures DESC, f.source, f.feed_url

-- Per-period article totals ({totals}: period, total_articles) and every period of granularity $gran
-- from the range start, else the first article, to the range end, else the last ($step apart).
totals AS ({totals}),
bounds AS (
    SELECT date_trunc($gran, coalesce($start::DATE, min(period)))::DATE AS lo,
           date_trunc($gran, coalesce($end::DATE, max(period)))::DATE AS hi
    FROM totals
),
periods AS (
    SELECT unnest(generate_series(lo, hi, $step::INTERVAL))::DATE AS period
    FROM bounds
    WHERE lo IS NOT NULL AND hi IS NOT NULL AND lo <= hi
)

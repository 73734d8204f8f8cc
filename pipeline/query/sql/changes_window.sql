-- The dated articles under the source and language filters ({where} over day_totals x): the first
-- day (where every baseline starts) and the last day on or before $today (the default window's end).
SELECT min(x.published) AS first_day, max(x.published) FILTER (WHERE x.published <= $today) AS last_day
FROM day_totals x
WHERE x.published IS NOT NULL AND {where}

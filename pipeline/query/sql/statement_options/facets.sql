-- `counts` of statement_options.sql from the per-value counts (statement_facets).
counts AS (SELECT facet, value, statements FROM statement_facets)

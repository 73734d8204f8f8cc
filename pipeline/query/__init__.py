"""Query: every read of the dashboard, the `export` command and the benchmarks, as typed functions
returning DataFrames (`queries`); the filters (`Filters`, the URL's keys) as SQL conditions (`where`);
the SQL itself in `sql/`, one file per query, strategy or fragment, built apart from running it
(`templates`). Each query has a plain strategy that is always right and named faster ones that its
planner picks from what the store has materialised.
"""

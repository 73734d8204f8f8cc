"""Query: every read of the dashboard, the `export` command and the benchmarks, as typed functions
returning DataFrames; filters (`Filters`, the URL's keys) and their SQL live here and nowhere else.
"""

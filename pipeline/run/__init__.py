"""Run: the orchestrators that tie the stages together — `ingest` (inputs → stored rows, in
parallel, in short batches), `retag` (stored text → new mentions and statements), the per-article
`analyse` step they share, `finish` (end-of-run upkeep of clusters, text index and summary tables),
and `watch` (polls the sources' feeds and sitemaps on their intervals and ingests what is new).
"""

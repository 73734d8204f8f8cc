"""Collect: turn command-line inputs into work items and download pages, feeds and sitemaps.

Inputs (URLs, folders, pages, URL lists, feeds, JSONL items) become `Item`s, read within
`config.Limits` (`bounded` streams files and gzip under size and expansion caps); the fetcher
downloads over urllib3 under timeouts, a whole-download deadline, size limits, a stated retry
policy, a per-host delay and SSRF rules; `sources` maps a hostname to its outlet from
`data/sources.yaml`.
"""

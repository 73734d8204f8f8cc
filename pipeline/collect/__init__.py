"""Collect: turn command-line inputs into work items and download pages, feeds and sitemaps.

Inputs (URLs, folders, pages, URL lists, feeds, JSONL items) become `Item`s; the fetcher downloads
with trafilatura under timeouts, size limits, a per-host delay and SSRF rules; `sources` maps a
hostname to its outlet from `data/sources.yaml`.
"""

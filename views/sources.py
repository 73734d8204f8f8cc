"""Sources & runs page: per-source coverage, the health of the feeds `watch` polls, pipeline runs and
failed inputs, and a form that ingests URLs, feeds or uploaded files in a separate process."""
from __future__ import annotations

import tempfile
from pathlib import Path

import streamlit as st

from pipeline.query import queries
from views import common, data, jobs
from views.common import Context

URL_KEYS: tuple[str, ...] = ()  # no keys of its own beyond the sidebar's filters
SHOWN_RUNS, SHOWN_FAILURES = 50, 500  # rows on the page; "all N matching rows" downloads every one
RUN_COLUMNS = ["run_id", "started", "finished", "inputs", "ok", "failed", "skipped"]
FAILURE_COLUMNS = ["run_id", "started", "input", "stage", "error"]
UPLOAD_TYPES = ["html", "htm", "gz", "txt", "xml", "rss", "atom", "jsonl"]


def _coverage(ctx: Context) -> None:
    st.subheader("Coverage by source")
    cov = data.source_coverage(ctx.filters)
    common.show_table(cov, "source_coverage", column_config={
        "source": "Source", "name": "Name", "kind": "Kind", "country": "Country",
        "articles": st.column_config.NumberColumn("Articles", format="%d"),
        "dated": st.column_config.NumberColumn("Dated", format="%d"),
        "undated": st.column_config.NumberColumn("Undated", format="%d"),
        "first_date": st.column_config.DateColumn("First date", format="YYYY-MM-DD"),
        "last_date": st.column_config.DateColumn("Last date", format="YYYY-MM-DD"),
        "languages": "Languages"})


def _feeds() -> None:
    """Each feed and sitemap `python -m pipeline watch` polls (the `feeds` table), failing ones first."""
    st.subheader("Watched feeds")
    health = data.feeds()
    if health.empty:
        st.caption("No feed or sitemap watched yet: list them under `feeds:` / `sitemaps:` in data/sources.yaml and "
                   "run `python -m pipeline watch` (README “Watching sources”).")
        return
    failing = int((health["health"] == "failing").sum())
    st.caption(f"{len(health):,} feeds and sitemaps, {failing:,} failing; {int(health['queued'].sum()):,} items "
               "queued to fetch. Times are UTC; a failing feed is polled again after its interval × 2^failures "
               "(at most 12 hours, or longer when the server's Retry-After asks).")
    common.show_table(health, "feeds", column_config={
        "source": None, "name": "Source", "feed_url": st.column_config.TextColumn("Feed or sitemap", width="large"),
        "kind": "Kind", "health": "Health", "failures": st.column_config.NumberColumn("Failures in a row", format="%d"),
        "last_attempt": st.column_config.DatetimeColumn("Last attempt", format="YYYY-MM-DD HH:mm"),
        "last_success": st.column_config.DatetimeColumn("Last success", format="YYYY-MM-DD HH:mm"),
        "last_status": st.column_config.NumberColumn("Last status", format="%d"),
        "last_error": st.column_config.TextColumn("Last error", width="large"),
        "items_seen": st.column_config.NumberColumn("Items seen", format="%d"),
        "items_new": st.column_config.NumberColumn("New at last poll", format="%d"),
        "queued": st.column_config.NumberColumn("Queued", format="%d"),
        "failed_items": st.column_config.NumberColumn("Failed items", format="%d"),
        "poll_minutes": st.column_config.NumberColumn("Every (min)", format="%g"),
        "next_poll": st.column_config.DatetimeColumn("Next poll", format="YYYY-MM-DD HH:mm")})


def _runs() -> None:
    st.subheader("Runs")
    n_runs, n_failures = data.run_counts() or (None, None)
    common.show_table(data.runs(SHOWN_RUNS), "runs", "No runs recorded yet.", total=n_runs,
                      rows=lambda con: (RUN_COLUMNS, queries.log_batches(con, "runs")), column_config={
        "run_id": "Run", "started": st.column_config.DatetimeColumn("Started", format="YYYY-MM-DD HH:mm:ss"),
        "finished": st.column_config.DatetimeColumn("Finished", format="YYYY-MM-DD HH:mm:ss"),
        "inputs": st.column_config.TextColumn("Inputs", width="large"), "ok": "OK", "failed": "Failed",
        "skipped": "Skipped"})
    st.subheader("Failures")
    common.show_table(data.failures(None, SHOWN_FAILURES), "failures", "No failed inputs.", total=n_failures,
                      rows=lambda con: (FAILURE_COLUMNS, queries.log_batches(con, "failures")),
                      column_config={"run_id": "Run", "started": None,
                                     "input": st.column_config.TextColumn("Input", width="large"),
                                     "stage": "Stage", "error": st.column_config.TextColumn("Error", width="large")})


def _save_uploads(files) -> list[str]:
    folder = Path(tempfile.mkdtemp(prefix="tracker-upload-"))
    paths = []
    for i, upload in enumerate(files):
        name = Path(upload.name).name or f"upload-{i}"
        target = folder / f"{i:03d}-{name}"
        target.write_bytes(upload.getvalue())
        paths.append(str(target))
    return paths


def ingest_form() -> None:
    """URLs / feeds / sitemaps / files → `python -m pipeline ingest` in a separate process."""
    st.subheader("Add articles")
    if jobs.running():
        jobs.progress()
        return
    with st.form("ingest_form", clear_on_submit=True):
        urls = st.text_area("URLs (one per line)", placeholder="https://example.org/news/statement-2024-05-01",
                            height=110)
        kind = st.radio("The URLs are", ["pages", "feeds (RSS/Atom)", "sitemaps"], horizontal=True)
        files = st.file_uploader("…or upload files", type=UPLOAD_TYPES, accept_multiple_files=True,
                                 help="HTML pages (optionally .gz), .txt lists of URLs, RSS/Atom .xml, .jsonl items")
        submitted = st.form_submit_button("Ingest", type="primary")
    if submitted:
        inputs = [u.strip() for u in (urls or "").splitlines() if u.strip()]
        inputs += _save_uploads(files or [])
        if not inputs:
            st.warning("Give at least one URL or file.")
        else:
            flags = {"feeds (RSS/Atom)": ["--feed"], "sitemaps": ["--sitemap"]}.get(kind, [])
            jobs.start(["ingest", *flags, *inputs], f"Ingesting {len(inputs)} input(s)")
    if st.session_state.get("job"):
        jobs.progress()


def render(ctx: Context) -> None:
    _coverage(ctx)
    _feeds()
    _runs()
    ingest_form()

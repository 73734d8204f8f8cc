"""Sources & runs page: per-source coverage, the health of the feeds `watch` polls, pipeline runs and
failed inputs, and a form that ingests URLs, feeds, sitemaps or uploaded files in a separate job. The
form passes data, never a command line: URLs and uploads only, options from bounded widgets, all
validated by `pipeline.submit`; it is off unless the dashboard runs with TRACKER_DASHBOARD_INGEST=1."""
from __future__ import annotations

import streamlit as st

from pipeline import config, submit
from pipeline.query import queries
from views import common, data, jobs
from views.common import Context

URL_KEYS: tuple[str, ...] = ()  # no keys of its own beyond the sidebar's filters
SHOWN_RUNS, SHOWN_FAILURES = 50, 500  # rows on the page; "all N matching rows" downloads every one
RUN_COLUMNS = ["run_id", "started", "finished", "inputs", "ok", "failed", "skipped"]
FAILURE_COLUMNS = ["run_id", "started", "input", "stage", "error"]


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


KIND_LABELS = {"pages": "pages", "feeds": "feeds (RSS/Atom)", "sitemaps": "sitemaps"}
OFF_NOTE = ("Ingest from the dashboard is off. To allow it, start the dashboard with "
            f"`{config.ENV_DASHBOARD_INGEST}=1` — only where everyone who can open this page may make the server "
            "fetch URLs and store what they upload, i.e. trusted analysts reaching it through an authenticating "
            "reverse proxy (README, \"Exposing it to colleagues\"). Until then, ingest on the server with "
            "`python -m pipeline ingest`.")


def _mebibytes(size: int) -> int:
    """Whole MiB that hold `size` bytes (Streamlit's upload limits are in MiB)."""
    return -(-size // 2**20)


def _submit() -> None:
    """The form's submit callback: validate what it gathered as data (pipeline.submit) and start the job,
    or keep the inputs and say, one line per problem, what was refused."""
    state = st.session_state
    state.pop("ingest_problems", None)
    files = state.get(f"ingest_files_{state.get('ingest_round', 0)}") or []
    try:
        request = submit.build_request(state.get("ingest_urls") or "", [submit.Upload.of(f) for f in files],
                                       state.get("ingest_kind", "pages"), state.get("ingest_workers", 1),
                                       state.get("ingest_timeout"), state.get("ingest_delay"),
                                       submit.DEFAULT_UPLOAD_LIMITS)
        job = submit.start_ingest(request, data.db_path())
    except submit.RequestError as exc:
        state["ingest_problems"] = exc.problems
        return
    except (submit.IngestDisabled, OSError) as exc:
        state["ingest_problems"] = [str(exc)]
        return
    jobs.follow(job.process, job.log, f"Ingesting {len(request.urls) + len(request.uploads)} input(s)")
    state["ingest_urls"] = ""
    state["ingest_round"] = state.get("ingest_round", 0) + 1  # a new uploader: the sent files leave the form


def ingest_form() -> None:
    """URLs and uploaded files, with bounded options, → a validated ingest job (`pipeline.submit`).

    Off, with a note saying how to turn it on and who should, unless TRACKER_DASHBOARD_INGEST=1."""
    st.subheader("Add articles")
    if jobs.running():
        jobs.progress()
        return
    allowed = config.dashboard_ingest_allowed()
    if not allowed:
        st.info(OFF_NOTE, icon=":material/lock:")
    limits = submit.DEFAULT_UPLOAD_LIMITS
    low, high = submit.BOUNDS["timeout"], submit.BOUNDS["delay"]
    with st.form("ingest_form", enter_to_submit=False):
        st.text_area("URLs (one per line)", key="ingest_urls", height=110, disabled=not allowed,
                     max_chars=limits.urls * (submit.MAX_URL_CHARS + 1),
                     placeholder="https://example.org/news/statement-2024-05-01",
                     help=f"http(s) URLs only, at most {limits.urls:,}; blank lines and # comments are skipped. "
                          "Options and server paths are refused.")
        st.radio("The URLs are", list(KIND_LABELS), format_func=KIND_LABELS.get, key="ingest_kind",
                 horizontal=True, disabled=not allowed)
        c1, c2, c3 = st.columns(3)
        c1.number_input("Workers", min_value=1, max_value=submit.max_workers(), value=1, step=1,
                        key="ingest_workers", disabled=not allowed, help="Processes for this run (at most the cores).")
        c2.number_input("Timeout (s)", min_value=low[0], max_value=low[1], value=float(config.FetchPolicy.timeout),
                        step=1.0, key="ingest_timeout", disabled=not allowed,
                        help="Connection and each wait for data; a whole download stays bounded by its deadline.")
        c3.number_input("Delay per host (s)", min_value=high[0], max_value=high[1], value=1.0, step=0.5,
                        key="ingest_delay", disabled=not allowed, help="Pause between two requests to one host.")
        st.file_uploader("…or upload files", type=[s.lstrip(".") for s in submit.UPLOAD_SUFFIXES],
                         accept_multiple_files=True, key=f"ingest_files_{st.session_state.get('ingest_round', 0)}",
                         max_upload_size=_mebibytes(limits.file_bytes), disabled=not allowed,
                         help=f"HTML pages (optionally .gz), .txt lists of URLs, RSS/Atom .xml, .jsonl items; "
                              f"at most {limits.files} files, {limits.file_bytes / 1e6:g} MB each and "
                              f"{limits.total_bytes / 1e6:g} MB in all.")
        st.form_submit_button("Ingest", type="primary", disabled=not allowed, on_click=_submit)
    problems = st.session_state.get("ingest_problems")
    if problems:
        st.error("Nothing was ingested:\n\n" + "\n".join(f"- {common.md_escape(p)}" for p in problems))
    if st.session_state.get("job"):
        jobs.progress()


def render(ctx: Context) -> None:
    _coverage(ctx)
    _feeds()
    _runs()
    ingest_form()

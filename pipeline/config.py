"""Paths and environment variables, worked out once: the database, the taxonomy, the sources file.

Contract environment: `TRACKER_DB` (database, default `data/tracker.duckdb`), `TRACKER_TAXONOMY`
(default `data/taxonomy.yaml`), `TRACKER_ALLOW_PRIVATE=1` (fetch from loopback/private addresses).
Also: `TRACKER_DASHBOARD_INGEST=1` (the dashboard may start ingest runs), `TRACKER_JOBS_DIR` (where
those runs keep uploads and logs), `TRACKER_DASHBOARD_URL` (the dashboard's address in alert links), `TRACKER_ALERTS` (the alert feed file),
and the limits every input, download and upload is held to.
"""
from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
SAMPLE_DIR = DATA_DIR / "sample"
DEFAULT_DB = DATA_DIR / "tracker.duckdb"
DEFAULT_TAXONOMY = DATA_DIR / "taxonomy.yaml"
DEFAULT_SOURCES = DATA_DIR / "sources.yaml"

def read_yaml(path: str | Path) -> object:
    """A YAML data file, parsed with libyaml's safe loader when PyYAML has it (ten times faster than
    the pure-Python one: every worker process reads the pipeline's word lists once)."""
    import yaml

    with open(path, encoding="utf-8") as fh:
        return yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


ENV_DB = "TRACKER_DB"
ENV_TAXONOMY = "TRACKER_TAXONOMY"
ENV_ALLOW_PRIVATE = "TRACKER_ALLOW_PRIVATE"


ENV_DUCKDB_MEMORY = "TRACKER_DUCKDB_MEMORY"
# DuckDB's memory_limit per connection: the writer (ingest, upkeep) shares the machine with the
# worker processes, so it gets less than a reader serving the dashboard; beyond it DuckDB spills
# to a temporary folder beside the database instead of growing; what it cannot spill (summary tables'
# list aggregates) is built in slices sized to this limit (store.rollups.slices).
WRITER_MEMORY, READER_MEMORY = "512MB", "2GB"


def duckdb_memory_limit(read_only: bool) -> str:
    """DuckDB memory_limit for a connection: $TRACKER_DUCKDB_MEMORY (e.g. "768MB", "2GB"), else
    512MB for a read-write connection and 2GB for a read-only one."""
    return os.environ.get(ENV_DUCKDB_MEMORY) or (READER_MEMORY if read_only else WRITER_MEMORY)


def db_path() -> Path:
    """The database path: $TRACKER_DB, else data/tracker.duckdb in the project."""
    return Path(os.environ.get(ENV_DB) or DEFAULT_DB)


def db_from_env() -> bool:
    """True when $TRACKER_DB names the database (the dashboard then never builds the sample itself)."""
    return bool(os.environ.get(ENV_DB))


def taxonomy_override() -> Path | None:
    """$TRACKER_TAXONOMY when set, else None (callers then use the default taxonomy)."""
    value = os.environ.get(ENV_TAXONOMY)
    return Path(value) if value else None


def taxonomy_path() -> Path:
    """The taxonomy file: $TRACKER_TAXONOMY, else data/taxonomy.yaml in the project."""
    return taxonomy_override() or DEFAULT_TAXONOMY


def allow_private_default() -> bool:
    """True when TRACKER_ALLOW_PRIVATE=1 (loopback/private addresses may be fetched)."""
    return os.environ.get(ENV_ALLOW_PRIVATE) == "1"


# --- Reliability: limits on every input, download and upload, and settings for runs -----------------

ENV_DASHBOARD_INGEST = "TRACKER_DASHBOARD_INGEST"
ENV_JOBS_DIR = "TRACKER_JOBS_DIR"


@dataclass(frozen=True)
class Limits:
    """Bounds on what one input may cost. Every refusal names the limit it hit.

    Pages (downloaded or local, after decompression) up to `page_bytes`; a `.gz` input may expand at
    most `gzip_ratio` times its compressed size (checked as it streams, so a bomb never lands in
    memory); URL lists up to `list_bytes`; feeds up to `feed_bytes` and `feed_items` items; JSONL
    files are streamed line by line (`jsonl_line_bytes` a line, `jsonl_bytes` in all); sitemaps
    follow at most `sitemaps` nested files and `sitemap_urls` page URLs.
    """

    page_bytes: int = 10_000_000
    gzip_ratio: int = 100
    list_bytes: int = 10_000_000
    feed_bytes: int = 50_000_000
    feed_items: int = 10_000
    jsonl_bytes: int = 2_000_000_000
    jsonl_line_bytes: int = 10_000_000
    sitemaps: int = 50
    sitemap_urls: int = 100_000


@dataclass(frozen=True)
class FetchPolicy:
    """How downloads are bounded and retried (the stated policy; nothing else is retried).

    `timeout` bounds the connection and each wait for data (so also the first byte); `deadline`
    bounds a whole download, headers and body, however slowly the server drips it. An HTTP 429 or
    503 whose Retry-After asks for at most `retry_cap` seconds is retried once after that wait; a
    longer Retry-After is recorded in the failure, not waited for. Connection errors, timeouts and
    every other status are never retried. At most `max_redirects` redirects are followed, each hop
    checked like the first URL.
    """

    timeout: float = 10.0
    deadline: float = 30.0
    retry_cap: float = 10.0
    max_redirects: int = 5


@dataclass(frozen=True)
class UploadLimits:
    """Bounds on the files one dashboard ingest request may upload."""

    files: int = 50
    file_bytes: int = 20_000_000
    total_bytes: int = 100_000_000
    urls: int = 1_000


ENV_DASHBOARD_URL = "TRACKER_DASHBOARD_URL"
ENV_ALERTS = "TRACKER_ALERTS"


def alerts_path(db: Path) -> Path:
    """The alert feed (Atom) of the store `db`, which `watch` writes and the dashboard serves:
    $TRACKER_ALERTS, else alerts.atom beside the database (data/alerts.atom by default)."""
    return Path(os.environ.get(ENV_ALERTS) or Path(db).with_name("alerts.atom"))


def dashboard_url() -> str:
    """Where analysts open the dashboard, for links in the alert feed: $TRACKER_DASHBOARD_URL, else
    Streamlit's local address."""
    return (os.environ.get(ENV_DASHBOARD_URL) or "http://127.0.0.1:8501").rstrip("/")


def dashboard_ingest_allowed() -> bool:
    """True when TRACKER_DASHBOARD_INGEST=1: the dashboard may start ingest runs (URLs and uploads).

    Off by default. Turn it on only for a dashboard that trusted analysts reach through an
    authenticating reverse proxy: whoever can open the page can then make the server fetch URLs.
    """
    return os.environ.get(ENV_DASHBOARD_INGEST) == "1"


def jobs_dir() -> Path:
    """Where dashboard ingest jobs keep their request, uploads and log: $TRACKER_JOBS_DIR, else
    `tracker-jobs` in the system's temporary folder."""
    value = os.environ.get(ENV_JOBS_DIR)
    return Path(value) if value else Path(tempfile.gettempdir()) / "tracker-jobs"


# glibc malloc arenas of a long-running `watch`: glibc gives threads that allocate at once arenas of
# their own (up to 8 per core) and rarely hands their freed memory back, so the poll threads made the
# resident set creep up poll after poll (benchmarks/watch_memory.py); two arenas keep it flat.
MALLOC_ARENAS = "2"


# Pages one `watch` cycle fetches at most; the rest stay queued for the next cycle, at once.
WATCH_BATCH_ITEMS = 100


def arena_capped_env(argv: list[str], environ: dict[str, str]) -> dict[str, str] | None:
    """The environment to start `python -m pipeline watch …` again with, MALLOC_ARENA_MAX set (glibc reads
    it once, when the process starts, so it cannot be set from inside); None when no restart is needed:
    another command, a value set already (the operator's wins), or a system without glibc."""
    if "watch" not in argv or "MALLOC_ARENA_MAX" in environ or not Path("/proc/self").is_dir():
        return None
    return {**environ, "MALLOC_ARENA_MAX": MALLOC_ARENAS}

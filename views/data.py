"""Every read of the store the dashboard makes: one typed function per query of
`pipeline.query.queries`, cached with `st.cache_data`, plus the busy state.

A read's cache key holds the database file's stat (size and mtime of the .duckdb and .wal files),
so a finished pipeline run invalidates the cache without a connection; each cache miss opens a
short-lived read-only connection, closed before the read returns. While a writer holds DuckDB's
lock, a read returns the last result this browser session had for the same call (kept in
`st.session_state`, at most LAST_MAX of them, never shared with other sessions) and flags the run
as busy; later reads of a busy run do not wait again. A database error never raises: it becomes
one line in `errors()` and the read falls back the same way.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
from collections import OrderedDict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Concatenate, ParamSpec, TypeVar, cast

import duckdb
import pandas as pd
import streamlit as st

from pipeline import config, store
from pipeline.query import changes, queries
from pipeline.query.filters import Filters

BUSY_WAIT = 1.5  # seconds one read retries a locked store before falling back to the last results
BUSY_MESSAGE = "store busy — showing last results"
CACHE_ENTRIES = 64  # cached results per read, shared by all sessions (~1,600 over the 25 reads)
LAST_MAX = 64  # fallback results kept per browser session
_LAST_KEY = "_last_results"
RUN_STAT_KEY = "_run_stat"  # the store's stat when this script run began (views/freshness.py compares)

P = ParamSpec("P")
R = TypeVar("R")


# ---------------------------------------------------------------------------------------------
# The database file and the run's busy/error state
# ---------------------------------------------------------------------------------------------

def db_path() -> Path:
    """The database file (absolute): $TRACKER_DB, else data/tracker.duckdb in the project."""
    return config.db_path().expanduser().absolute()


def db_stat(path: Path) -> tuple:
    """(size, mtime_ns) of the database and its WAL; changes whenever a writer commits."""
    out: list[tuple[int, int] | None] = []
    for p in (path, path.with_name(path.name + ".wal")):
        try:
            st_ = p.stat()
            out.append((st_.st_size, st_.st_mtime_ns))
        except OSError:
            out.append(None)
    return tuple(out)


def db_mtime() -> float:
    """Latest modification time of the database or its WAL (0 when missing)."""
    path = db_path()
    times = [p.stat().st_mtime for p in (path, path.with_name(path.name + ".wal")) if p.exists()]
    return max(times, default=0.0)


def taxonomy_sha256() -> str | None:
    """sha256 of the taxonomy file's bytes (for snapshot manifests); None when it is missing."""
    try:
        return hashlib.sha256(config.taxonomy_path().read_bytes()).hexdigest()
    except OSError:
        return None


def begin_run() -> None:
    """Reset the per-run busy/error flags and note the store's stat as this run reads it (call once at
    the top of each script run)."""
    st.session_state["_busy"] = False
    st.session_state["_errors"] = []
    st.session_state[RUN_STAT_KEY] = db_stat(db_path())


def is_busy() -> bool:
    """True when a read of this run found the store locked."""
    return bool(st.session_state.get("_busy"))


def errors() -> list[str]:
    """One-line database errors met during this run."""
    return list(st.session_state.get("_errors", []))


def database_state() -> str:
    """'missing' (no file), 'empty' (no articles), 'ready', 'busy' (locked, nothing read yet in
    this session) or 'unreadable' (the file cannot be opened as a database; see errors())."""
    path = db_path()
    if not path.exists():
        return "missing"
    ov = overview()
    if ov.empty:
        return "busy" if is_busy() else "unreadable" if errors() else "missing"
    return "ready" if int(ov["articles"].iloc[0]) > 0 else "empty"


@st.fragment(run_every=2.0)
def rerun_when_free() -> None:
    """While the store is busy, poll the lock every 2 s and rerun the page once it is free."""
    try:
        store.connect(db_path(), read_only=True, wait=0).close()
    except (store.StoreBusy, store.StoreError, duckdb.Error):
        return
    st.rerun(scope="app")


# ---------------------------------------------------------------------------------------------
# Cached reads with a per-session fallback
# ---------------------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Store:
    """The database as a cache key: its path and file stat. `wait` (how long a cache miss retries a
    writer's lock) is not part of the key."""

    path: str
    stat: tuple
    wait: float = BUSY_WAIT

    def key(self) -> tuple:
        """What the cache hashes: the same file in the same state gives the same results."""
        return self.path, self.stat

    def connect(self) -> duckdb.DuckDBPyConnection:
        """A short-lived read-only connection (raises store.StoreBusy while a writer holds the lock)."""
        return queries.connect_readonly(self.path, wait=self.wait)


def _cache(fn: Callable[P, R]) -> Callable[P, R]:
    """`st.cache_data` for a read: keyed on its arguments and the Store's path and stat."""
    return st.cache_data(show_spinner=False, max_entries=CACHE_ENTRIES, hash_funcs={Store: Store.key})(fn)


def _last_results() -> OrderedDict[tuple, object]:
    """This browser session's last result of each read, least recently used first."""
    return st.session_state.setdefault(_LAST_KEY, OrderedDict())


def _reader(cached: Callable[Concatenate[Store, P], R], missing: Callable[[], R]) -> Callable[P, R]:
    """A read without the Store argument that never raises: a locked store or a database error
    yields this session's last result of the same call, else `missing()`."""
    @functools.wraps(cached)
    def read(*args: P.args, **kwargs: P.kwargs) -> R:
        path = db_path()
        key = (cached.__name__, repr(args), repr(sorted(kwargs.items())))
        last = _last_results()
        try:
            result = cached(Store(str(path), db_stat(path), 0.0 if is_busy() else BUSY_WAIT), *args, **kwargs)
        except store.StoreBusy:
            st.session_state["_busy"] = True
            return cast(R, last.get(key, missing()))
        except (duckdb.Error, store.StoreError) as exc:
            st.session_state.setdefault("_errors", []).append(f"{cached.__name__}: {str(exc).splitlines()[0][:300]}")
            return cast(R, last.get(key, missing()))
        last[key] = result
        last.move_to_end(key)
        while len(last) > LAST_MAX:
            last.popitem(last=False)
        return result
    return read


def frame(cached: Callable[Concatenate[Store, P], pd.DataFrame]) -> Callable[P, pd.DataFrame]:
    """A read returning a DataFrame (an empty one when nothing can be read)."""
    return _reader(cached, pd.DataFrame)


def scalar(cached: Callable[Concatenate[Store, P], R | None]) -> Callable[P, R | None]:
    """A read returning one value (None when nothing can be read)."""
    return _reader(cached, lambda: None)


# ---------------------------------------------------------------------------------------------
# The reads (each one call of pipeline.query.queries on a fresh read-only connection)
# ---------------------------------------------------------------------------------------------

@scalar
@_cache
def data_version(db: Store) -> str | None:
    """Identifies the stored data (for snapshot manifests)."""
    with db.connect() as con:
        return queries.data_version(con)


@scalar
@_cache
def meta_value(db: Store, key: str) -> str | None:
    """A value of the writers' `meta` table."""
    with db.connect() as con:
        return queries.meta_value(con, key)


@frame
@_cache
def overview(db: Store) -> pd.DataFrame:
    """One row of store totals (articles, dated, undated, …)."""
    with db.connect() as con:
        return queries.overview(con)


@frame
@_cache
def entity_options(db: Store, f: Filters, kind: str | None = None) -> pd.DataFrame:
    """Entities with their article counts under the filters (entity_id, name, kind, articles)."""
    with db.connect() as con:
        return queries.entity_options(con, f, kind)


@frame
@_cache
def source_options(db: Store) -> pd.DataFrame:
    """Sources with name, kind, country and article counts."""
    with db.connect() as con:
        return queries.source_options(con)


@frame
@_cache
def language_options(db: Store) -> pd.DataFrame:
    """Article languages with counts."""
    with db.connect() as con:
        return queries.language_options(con)


@frame
@_cache
def speaker_options(db: Store) -> pd.DataFrame:
    """Speakers (key, label) with statement counts."""
    with db.connect() as con:
        return queries.speaker_options(con)


@frame
@_cache
def statement_options(db: Store) -> pd.DataFrame:
    """Values of the statements-only filters with statement counts (facet, value, label, kind, statements)."""
    with db.connect() as con:
        return queries.statement_options(con)


@frame
@_cache
def statement_type_options(db: Store) -> pd.DataFrame:
    """Statement types with counts."""
    with db.connect() as con:
        return queries.statement_type_options(con)


@frame
@_cache
def period_totals(db: Store, f: Filters, gran: str) -> pd.DataFrame:
    """All dated articles per period under the filters."""
    with db.connect() as con:
        return queries.period_totals(con, f, gran)


@frame
@_cache
def trend(db: Store, f: Filters, ids: Sequence[str], gran: str) -> pd.DataFrame:
    """Articles (distinct), mentions and share per period for each entity."""
    with db.connect() as con:
        return queries.trend(con, f, ids, gran)


@frame
@_cache
def combined_daily(db: Store, f: Filters, ids: Sequence[str]) -> pd.DataFrame:
    """The combined per-day CSV frame of the Contract."""
    with db.connect() as con:
        return queries.combined_daily(con, f, ids)


@frame
@_cache
def undated_counts(db: Store, f: Filters, ids: Sequence[str]) -> pd.DataFrame:
    """Undated articles in all and per entity."""
    with db.connect() as con:
        return queries.undated_counts(con, f, ids)


@frame
@_cache
def sentences_behind(db: Store, f: Filters, ids: Sequence[str], start: dt.date, end: dt.date,
                     limit: int) -> pd.DataFrame:
    """Sentences mentioning the entities in articles published in [start, end)."""
    with db.connect() as con:
        return queries.sentences_behind(con, f, ids, start, end, limit)


@frame
@_cache
def top_entities(db: Store, f: Filters, kind: str, limit: int) -> pd.DataFrame:
    """The most mentioned entities of one kind."""
    with db.connect() as con:
        return queries.top_entities(con, f, kind, limit)


@frame
@_cache
def actor_theme_heatmap(db: Store, f: Filters, n_actors: int, n_themes: int) -> pd.DataFrame:
    """Articles mentioning both an actor and a theme (long form)."""
    with db.connect() as con:
        return queries.actor_theme_heatmap(con, f, n_actors, n_themes)


@frame
@_cache
def co_mentions(db: Store, f: Filters, limit: int, pool: int) -> pd.DataFrame:
    """Entity pairs mentioned in the same articles."""
    with db.connect() as con:
        return queries.co_mentions(con, f, limit, pool)


@frame
@_cache
def places_map(db: Store, f: Filters) -> pd.DataFrame:
    """Mentioned places with coordinates, articles and mentions."""
    with db.connect() as con:
        return queries.places_map(con, f)


@frame
@_cache
def wording(db: Store, f: Filters, entity_id: str, gran: str) -> pd.DataFrame:
    """Which surface form each source uses for one entity per period."""
    with db.connect() as con:
        return queries.wording(con, f, entity_id, gran)


@frame
@_cache
def statements(db: Store, f: Filters, limit: int) -> pd.DataFrame:
    """Who said what: one row per statement cluster."""
    with db.connect() as con:
        return queries.statements(con, f, limit)


@frame
@_cache
def statements_by_state_type(db: Store, f: Filters, gran: str) -> pd.DataFrame:
    """Statements per period, speaker state and type."""
    with db.connect() as con:
        return queries.statements_by_state_type(con, f, gran)


@frame
@_cache
def search_articles(db: Store, f: Filters, limit: int, offset: int) -> pd.DataFrame:
    """One page of the articles passing the filters, with the total count."""
    with db.connect() as con:
        return queries.search_articles(con, f, limit, offset)


@frame
@_cache
def article(db: Store, article_id: str) -> pd.DataFrame:
    """One article's text and metadata."""
    with db.connect() as con:
        return queries.article(con, article_id)


@frame
@_cache
def article_mentions(db: Store, article_id: str) -> pd.DataFrame:
    """One article's entity mentions with their spans."""
    with db.connect() as con:
        return queries.article_mentions(con, article_id)


@frame
@_cache
def article_statements(db: Store, article_id: str) -> pd.DataFrame:
    """One article's statements with their spans."""
    with db.connect() as con:
        return queries.article_statements(con, article_id)


@frame
@_cache
def source_coverage(db: Store, f: Filters) -> pd.DataFrame:
    """Per source: articles, dated, undated, first/last date, languages."""
    with db.connect() as con:
        return queries.source_coverage(con, f)


@frame
@_cache
def runs(db: Store, limit: int) -> pd.DataFrame:
    """The latest pipeline runs."""
    with db.connect() as con:
        return queries.runs(con, limit)


@frame
@_cache
def failures(db: Store, run_id: str | None, limit: int) -> pd.DataFrame:
    """Failed inputs, latest runs first."""
    with db.connect() as con:
        return queries.failures(con, run_id, limit)


# ---------------------------------------------------------------------------------------------
# What changed, and freshness (pipeline.query.changes)
# ---------------------------------------------------------------------------------------------

@scalar
@_cache
def change_report(db: Store, since: dt.date | None, f: Filters, settings: changes.Settings) -> changes.Report | None:
    """The signals of the window from `since` (None: the default window) with every test made."""
    with db.connect() as con:
        return changes.report(con, since, f, settings)


@frame
@_cache
def freshness(db: Store, new_since: dt.datetime | None, f: Filters) -> pd.DataFrame:
    """When the store last changed (updated_at, UTC) and the articles stored after `new_since`."""
    with db.connect() as con:
        return changes.freshness(con, new_since, f)

"""Store upkeep shared by ingest and retag: reference tables before a run, the work after it.

After a run, speakers' states, statement clusters, the text index and the summary tables follow the
articles that changed (`store.changes` records them with each batch): for a few changed articles
only what they touch is updated (`incremental`), in one transaction; a retag, `repair --full`, or a
run that changed a large share of the store recomputes everything (`whole`), which gives the same
rows (tests/test_upkeep.py) and ranks the entity bits again.

The work after a run cannot be skipped by a crash: the first write that needs it commits a
pending-upkeep marker (`store.UPKEEP_PENDING`) together with its change record, and only a completed
upkeep clears them; the next run, retag or `python -m pipeline repair` that finds the marker does
the upkeep. A whole-store upkeep clears the change record first, so a crash inside it leaves the
marker without a record, which the next upkeep answers with a whole-store upkeep again.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import time

import duckdb

from .. import store
from ..collect.sources import Source, SourceResolver
from ..mentions.taxonomy import Taxonomy
from ..store import changes, rollups, statement_upkeep

log = logging.getLogger(__name__)

# A run that changed more than this share of the store's articles gets a whole-store upkeep (the
# incremental one would read about as much and do more per row).
WHOLE_SHARE = 0.2


def utcnow() -> dt.datetime:
    """Current UTC time without tzinfo, as DuckDB TIMESTAMP columns store it."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def prepare(con: duckdb.DuckDBPyConnection, taxonomy: Taxonomy, sources: list[Source]) -> SourceResolver:
    """Refresh the entities and sources tables from the taxonomy and the (already validated) sources file."""
    store.replace_table(con, "entities", store.frame("entities", taxonomy.entity_rows()))
    store.replace_table(con, "sources", store.frame("sources", [s.__dict__ for s in sources]))
    store.add_unknown_sources(con)
    return SourceResolver(sources)


@dataclasses.dataclass
class Upkeep:
    """What an upkeep did: "incremental" or "whole", for how many changed articles, seconds per step."""

    mode: str
    articles: int
    seconds: dict[str, float] = dataclasses.field(default_factory=dict)

    def line(self) -> str:
        steps = ", ".join(f"{k} {v:.1f} s" for k, v in self.seconds.items())
        if self.mode == "whole":
            return f"whole-store upkeep: {steps}"
        return f"incremental upkeep for {self.articles:,} changed article(s): {steps}"


def finish(con: duckdb.DuckDBPyConnection, taxonomy: Taxonomy, fingerprint: str, text_changed: bool = True,
           statements_changed: bool = True, whole: bool = False) -> Upkeep:
    """End-of-run work: speakers' states across articles, statement clusters, unknown sources, text index,
    summary tables, data version.

    `fingerprint` is the statements fingerprint every stored statement now matches, or "mixed" when
    an ingest added articles under a different one (the next retag then re-extracts everything).
    `whole` (retag): recompute everything, the text index only when article text changed (not on
    retag) and clusters only when some statement was extracted anew (a retag that reused every
    statement keeps their clusters)."""
    done_by = upkeep(con, whole, text_changed, statements_changed)
    log.info(done_by.line())
    store.set_meta(con, "taxonomy_sha256", taxonomy.sha256)
    store.set_meta(con, "statements_fingerprint", fingerprint)
    done(con)
    return done_by


def upkeep(con: duckdb.DuckDBPyConnection, whole: bool = False, text_changed: bool = True,
           statements_changed: bool = True) -> Upkeep:
    """Bring everything derived across articles up to date with the recorded changes: incrementally,
    or over the whole store when asked (`whole`), when most of it changed, or when nothing says what
    changed (a marker left by a version without the change record)."""
    count = changes.load(con)
    articles = con.execute("SELECT count(*) FROM articles").fetchone()[0]
    if whole or count == 0 or count > WHOLE_SHARE * articles:
        return _whole(con, count, text_changed, statements_changed)
    return _incremental(con, count, articles)


def _timed(seconds: dict[str, float], step: str, t0: float) -> float:
    now = time.perf_counter()
    seconds[step] = seconds.get(step, 0.0) + now - t0
    return now


def _incremental(con: duckdb.DuckDBPyConnection, count: int, articles: int) -> Upkeep:
    """The changed articles' share of the upkeep, in one transaction with the clearing of their record."""
    out = Upkeep("incremental", count)
    t = time.perf_counter()
    tables = articles >= rollups.MIN_ARTICLES and rollups.complete(con)
    with store.transaction(con):
        statement_upkeep.start(con)
        statement_upkeep.fill_speaker_states(con, changed=True)
        statement_upkeep.recluster(con, changed=True)
        t = _timed(out.seconds, "statements", t)
        store.add_unknown_sources(con)
        rebuilt = not store.update_text_index(con)
        if rebuilt:
            store.rebuild_text_index(con)
        t = _timed(out.seconds, "text index", t)
        if tables:
            rollups.update(con, {"fts_main_articles"} if rebuilt else ())
        changes.clear(con)
        t = _timed(out.seconds, "summary tables", t)
    if not tables:  # none yet, another version's, or a small store's views: build (or drop) them whole
        rollups.rebuild(con, rerank=True)
        _timed(out.seconds, "summary tables", t)
    return out


def _whole(con: duckdb.DuckDBPyConnection, count: int, text_changed: bool, statements_changed: bool) -> Upkeep:
    """Everything recomputed over the whole store; the change record is cleared first (see the module)."""
    out = Upkeep("whole", count)
    t = time.perf_counter()
    changes.clear(con)
    if statements_changed:
        statement_upkeep.fill_speaker_states(con)
        statement_upkeep.recluster(con)
    t = _timed(out.seconds, "statements", t)
    store.add_unknown_sources(con)
    if text_changed:
        store.rebuild_text_index(con)
    t = _timed(out.seconds, "text index", t)
    rollups.rebuild(con, None if text_changed else {"mentions", "sentences", "entities", *(
        ["statements", "statement_mentions"] if statements_changed else [])}, rerank=True)
    _timed(out.seconds, "summary tables", t)
    return out


def done(con: duckdb.DuckDBPyConnection) -> None:
    """Upkeep completed: a new data version for the dashboard's caches, and the marker cleared."""
    store.set_meta(con, "data_version", utcnow().isoformat(timespec="seconds"))
    store.clear_upkeep_pending(con)

"""Store upkeep shared by ingest and retag: reference tables before a run, whole-store work after it.

The work after a run cannot be skipped by a crash: the first write that needs it commits a
pending-upkeep marker (`store.UPKEEP_PENDING`), which only a completed upkeep clears; the next
run, retag or `python -m pipeline repair` that finds the marker does the whole upkeep.
"""
from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from .. import store
from ..collect.sources import Source, SourceResolver
from ..mentions.taxonomy import Taxonomy
from ..statements import assign_clusters
from ..store import rollups


def utcnow() -> dt.datetime:
    """Current UTC time without tzinfo, as DuckDB TIMESTAMP columns store it."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def prepare(con: duckdb.DuckDBPyConnection, taxonomy: Taxonomy, sources: list[Source]) -> SourceResolver:
    """Refresh the entities and sources tables from the taxonomy and the (already validated) sources file."""
    store.replace_table(con, "entities", store.frame("entities", taxonomy.entity_rows()))
    store.replace_table(con, "sources", store.frame("sources", [s.__dict__ for s in sources]))
    store.add_unknown_sources(con)
    return SourceResolver(sources)


def finish(con: duckdb.DuckDBPyConnection, taxonomy: Taxonomy, fingerprint: str, text_changed: bool = True,
           statements_changed: bool = True) -> None:
    """End-of-run work over the whole store: speakers' states across articles, statement clusters, unknown
    sources, text index, rollups, data version.

    `fingerprint` is the statements fingerprint every stored statement now matches, or "mixed" when
    an ingest added articles under a different one (the next retag then re-extracts everything).
    The text index is rebuilt only when article text changed (not on retag), and clusters only when
    some statement was extracted anew (a retag that reused every statement keeps their clusters).
    """
    upkeep(con, text_changed, statements_changed)
    store.set_meta(con, "taxonomy_sha256", taxonomy.sha256)
    store.set_meta(con, "statements_fingerprint", fingerprint)
    done(con)


def upkeep(con: duckdb.DuckDBPyConnection, text_changed: bool = True, statements_changed: bool = True) -> None:
    """Whole-store work after writes: speakers' states across articles, statement clusters, unknown
    sources, text index, rollups."""
    if statements_changed:
        store.fill_speaker_states(con)
    statements = store.statements_for_clustering(con) if statements_changed else None
    if statements is not None and not statements.empty:
        clusters = pd.DataFrame({"statement_id": statements["statement_id"],
                                 "cluster_id": assign_clusters(statements)})
        store.update_clusters(con, clusters)
    store.add_unknown_sources(con)
    if text_changed:
        store.rebuild_text_index(con)
    rollups.rebuild(con, None if text_changed else {"mentions", "sentences", "entities", *(
        ["statements", "statement_mentions"] if statements_changed else [])})


def done(con: duckdb.DuckDBPyConnection) -> None:
    """Upkeep completed: a new data version for the dashboard's caches, and the marker cleared."""
    store.set_meta(con, "data_version", utcnow().isoformat(timespec="seconds"))
    store.clear_upkeep_pending(con)

"""Store upkeep shared by ingest and retag: reference tables before a run, whole-store work after it."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd

from .. import store
from ..collect.sources import SourceResolver, check_issuers, load_sources
from ..mentions.taxonomy import Taxonomy
from ..statements import assign_clusters
from ..store import rollups


def utcnow() -> dt.datetime:
    """Current UTC time without tzinfo, as DuckDB TIMESTAMP columns store it."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def prepare(con: duckdb.DuckDBPyConnection, taxonomy: Taxonomy, sources_path: Path) -> SourceResolver:
    """Refresh the entities and sources tables from the taxonomy and sources files (a source's `issuer`
    must be a taxonomy id)."""
    sources = load_sources(sources_path)
    check_issuers(sources, taxonomy.entities, sources_path)
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
    store.set_meta(con, "taxonomy_sha256", taxonomy.sha256)
    store.set_meta(con, "statements_fingerprint", fingerprint)
    store.set_meta(con, "data_version", utcnow().isoformat(timespec="seconds"))

"""What changed since the last end-of-run upkeep, so upkeep costs what the new articles cost.

Writers record, in the transaction that makes the change, every article they write or remove
(`changed_articles`) and the statements removed with replaced or removed articles
(`removed_statements`: their clusters may split, their speakers' counts and states change). A crash
therefore keeps the record; the upkeep that follows reads it (`load`: temporary tables for one
connection) and empties it in the transaction that brings clusters, text index and summary tables
up to date (`clear`). Neither table is part of the Contract.
"""
from __future__ import annotations

from collections.abc import Sequence

import duckdb


def record(con: duckdb.DuckDBPyConnection, written: Sequence[str], removed: Sequence[str]) -> None:
    """Note articles about to be written or removed (inside the writer's transaction, before the delete):
    their ids, and what the statements of the removed ones were."""
    ids = list(dict.fromkeys([*removed, *written]))
    if not ids:
        return
    con.execute("INSERT INTO changed_articles SELECT id, list_contains($removed, id) FROM unnest($ids::VARCHAR[]) t(id)",
                {"ids": ids, "removed": list(removed)})
    if removed:
        con.execute("INSERT INTO removed_statements SELECT statement_id, cluster_id, speaker_key, speaker_entity_id, "
                    "speaker FROM statements WHERE article_id = ANY($ids)", {"ids": list(removed)})


def pending(con: duckdb.DuckDBPyConnection) -> int:
    """Changed articles waiting for upkeep (distinct ids)."""
    return con.execute("SELECT count(DISTINCT article_id) FROM changed_articles").fetchone()[0]


def load(con: duckdb.DuckDBPyConnection) -> int:
    """The record as this connection's temporary tables `upkeep_articles(article_id, replaced)` and
    `upkeep_removed` (the removed statements); returns the number of changed articles.

    `replaced` is false for an article only written since the last upkeep, never removed: the
    writer refuses an id that is stored, so it was not in the store then and has no rows in anything
    the upkeep derived (its upkeep appends, deleting nothing)."""
    con.execute("CREATE OR REPLACE TEMP TABLE upkeep_articles AS SELECT article_id, bool_or(coalesce(replaced, true)) "
                "AS replaced FROM changed_articles GROUP BY article_id")
    con.execute("CREATE OR REPLACE TEMP TABLE upkeep_removed AS SELECT DISTINCT * FROM removed_statements")
    return con.execute("SELECT count(*) FROM upkeep_articles").fetchone()[0]


def clear(con: duckdb.DuckDBPyConnection) -> None:
    """Upkeep has caught up with the record: empty it."""
    con.execute("DELETE FROM changed_articles")
    con.execute("DELETE FROM removed_statements")

"""The store's schema (`schema.sql`, the Contract's tables and columns) and migrations of older databases.

Version 3 took the PRIMARY KEY index off `raw_pages` (the writer keeps its key unique; see
schema.sql); `articles` keeps the Contract's key. Version 2 added `articles.genre`, `statements.speaker_key` and the `statement_clusters` view. A version-1 store gets the columns on
open; its articles get the genre their source's kind implies (`release` for government and
international sources, else `news`) until the next `retag`, which reads every article again (the
statements fingerprint changed with the extractor), finds transcripts and fills the speaker keys.
"""
from __future__ import annotations

import functools
import hashlib
from pathlib import Path

import duckdb

SCHEMA = (Path(__file__).parent / "schema.sql").read_text(encoding="utf-8")
_TABLES, _, _VIEWS = SCHEMA.partition("-- views")

SCHEMA_VERSION = 3
# What an up-to-date store's `schema_version` table carries as its comment: a read-write open of a
# store that has it skips the migration (reading the catalogue and recreating the views take ~0.2 s).
SCHEMA_STAMP = hashlib.sha256(f"{SCHEMA_VERSION}\n{SCHEMA}".encode()).hexdigest()[:16]
# Tables whose key was a PRIMARY KEY before version 3.
_UNKEYED = ("raw_pages",)


# Tables rebuilt from stored text by retag (swapped in as one transaction, with the entities).
DERIVED = ("sentences", "mentions", "statements", "statement_mentions")


def migrate(con: duckdb.DuckDBPyConnection) -> None:
    """Create missing tables, add columns missing from older databases, drop the older key indexes,
    (re)create the views, record SCHEMA_VERSION; nothing when the store carries this schema's stamp."""
    if current(con):
        return
    con.execute(_TABLES)
    have = set(con.execute("SELECT table_name, column_name FROM duckdb_columns() WHERE schema_name = 'main'").fetchall())
    for table, column, data_type in _expected_columns():
        if (table, column) not in have:
            con.execute(f'ALTER TABLE {table} ADD COLUMN "{column}" {data_type}')
    _drop_key_indexes(con)
    con.execute("-- views" + _VIEWS)
    row = con.execute("SELECT max(version) FROM schema_version").fetchone()
    if row is None or row[0] is None:
        con.execute("INSERT INTO schema_version VALUES (?)", [SCHEMA_VERSION])
    elif row[0] < SCHEMA_VERSION:
        if row[0] < 2:
            con.execute(
                "UPDATE articles SET genre = CASE WHEN s.kind IN ('government', 'international') THEN 'release' "
                "ELSE 'news' END FROM articles a LEFT JOIN sources s USING (source) "
                "WHERE articles.article_id = a.article_id AND articles.genre IS NULL")
        con.execute("UPDATE schema_version SET version = ?", [SCHEMA_VERSION])
    con.execute(f"COMMENT ON TABLE schema_version IS '{SCHEMA_STAMP}'")


def current(con: duckdb.DuckDBPyConnection) -> bool:
    """True when the store was migrated to this very schema: its `schema_version` carries SCHEMA_STAMP
    and SCHEMA_VERSION."""
    row = con.execute("SELECT comment FROM duckdb_tables() WHERE schema_name = 'main' "
                      "AND table_name = 'schema_version'").fetchone()
    return (row is not None and row[0] == SCHEMA_STAMP
            and con.execute("SELECT max(version) FROM schema_version").fetchone()[0] == SCHEMA_VERSION)


def _drop_key_indexes(con: duckdb.DuckDBPyConnection) -> None:
    """Copy a table that still has its PRIMARY KEY into one created from schema.sql (without), in one transaction."""
    keyed = [t for (t,) in con.execute(
        "SELECT DISTINCT table_name FROM duckdb_constraints() WHERE schema_name = 'main' "
        "AND constraint_type = 'PRIMARY KEY' AND list_contains(?, table_name)", [list(_UNKEYED)]).fetchall()]
    if not keyed:
        return
    con.execute("BEGIN TRANSACTION")
    try:
        for table in keyed:
            cols = ", ".join(f'"{c}"' for c, in con.execute(
                "SELECT column_name FROM duckdb_columns() WHERE schema_name = 'main' AND table_name = ? "
                "ORDER BY column_index", [table]).fetchall())
            con.execute(f"ALTER TABLE {table} RENAME TO {table}__keyed")
            con.execute(_TABLES)
            con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM {table}__keyed")
            con.execute(f"DROP TABLE {table}__keyed")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


@functools.cache
def _expected_columns() -> list[tuple[str, str, str]]:
    with duckdb.connect() as mem:
        mem.execute(SCHEMA)
        return mem.execute("SELECT c.table_name, c.column_name, c.data_type FROM information_schema.columns c "
                           "JOIN information_schema.tables t USING (table_schema, table_name) "
                           "WHERE t.table_type = 'BASE TABLE' ORDER BY c.table_name, c.ordinal_position").fetchall()


def _columns() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for table, column, _ in _expected_columns():
        out.setdefault(table, []).append(column)
    return out


# Column order of each table, read off the schema: ingest, retag and the benchmarks write rows in it.
COLUMNS: dict[str, list[str]] = _columns()

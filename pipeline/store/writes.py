"""Writes: bulk inserts in one short transaction per batch, run records, reference tables, retag's swap."""
from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from . import changes
from .db import UPKEEP_PENDING
from .schema import COLUMNS, DERIVED


@contextlib.contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """BEGIN … COMMIT, rolled back on any error. When the rollback fails too (DuckDB has already
    aborted the transaction, e.g. on a full disk), the original error is raised, not the rollback's."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield
        con.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(duckdb.Error):
            con.execute("ROLLBACK")
        raise


def frame(table: str, rows: list[dict]) -> pd.DataFrame:
    """Rows as a DataFrame with exactly the table's columns, in order (missing keys become NULL)."""
    return pd.DataFrame(rows, columns=COLUMNS[table])


def write_parquet(columns: list[str], rows: list[dict], path: Path) -> None:
    """Rows as a Parquet file with exactly these columns, in order (missing keys become NULL); retag
    stages its new rows this way (pyarrow straight from the dicts, no DataFrame in between)."""
    pq.write_table(pa.Table.from_pydict({c: [r.get(c) for r in rows] for c in columns}), path)


def insert_frame(con: duckdb.DuckDBPyConnection, table: str, df: pd.DataFrame) -> None:
    """Bulk-insert a DataFrame whose columns match the table (one statement, no row loop)."""
    if df.empty:
        return
    con.register("_batch", df)
    try:
        cols = ", ".join(df.columns)
        con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM _batch")
    finally:
        con.unregister("_batch")


def write_batch(con: duckdb.DuckDBPyConnection, frames: dict[str, pd.DataFrame], replace_ids: list[str],
                meta: Mapping[str, str] | None = None) -> None:
    """One short transaction: drop the rows of re-extracted articles, bulk-insert the batch, and set
    `meta` keys (the pending-upkeep marker goes in with the first batch that changes articles); the
    articles written and replaced are recorded for the upkeep that follows (`changes`)."""
    with transaction(con):
        for key, value in (meta or {}).items():
            con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, value])
        articles = frames.get("articles")
        changes.record(con, [] if articles is None else articles["article_id"].tolist(), replace_ids)
        if replace_ids:
            _delete(con, list(replace_ids))
        raw = frames.get("raw_pages")
        if raw is not None and not raw.empty:
            con.register("_raw", raw.drop_duplicates("raw_sha256"))
            con.execute("INSERT INTO raw_pages SELECT raw_sha256, html_gz FROM _raw "
                        "WHERE raw_sha256 NOT IN (SELECT raw_sha256 FROM raw_pages)")
            con.unregister("_raw")
        if articles is not None and not articles.empty:
            _check_new(con, articles)
        for table in ("articles", "sentences", "mentions", "statements", "statement_mentions", "failures"):
            if table in frames:
                insert_frame(con, table, frames[table])


def _check_new(con: duckdb.DuckDBPyConnection, articles: pd.DataFrame) -> None:
    """Refuse (as DuckDB refuses a duplicate key) article ids that are stored already or twice in the
    batch: `articles` has no PRIMARY KEY index (schema.sql), so the writer keeps the key unique."""
    twice = articles["article_id"][articles["article_id"].duplicated()].tolist()
    con.register("_ids", articles[["article_id"]])
    try:
        stored = con.execute("SELECT article_id FROM articles WHERE article_id IN (SELECT article_id FROM _ids) "
                             "LIMIT 1").fetchall()
    finally:
        con.unregister("_ids")
    clash = twice[:1] or [r[0] for r in stored]
    if clash:
        raise duckdb.ConstraintException(f"Duplicate key \"article_id: {clash[0]}\": the article is stored already")


def _delete(con: duckdb.DuckDBPyConnection, ids: list[str]) -> None:
    """Delete articles and every row derived from them."""
    con.execute("DELETE FROM statement_mentions WHERE statement_id IN "
                "(SELECT statement_id FROM statements WHERE article_id = ANY(?))", [ids])
    for table in ("statements", "mentions", "sentences", "articles"):
        con.execute(f"DELETE FROM {table} WHERE article_id = ANY(?)", [ids])


def delete_articles(con: duckdb.DuckDBPyConnection, ids: list[str]) -> None:
    """Remove articles and their mentions, sentences and statements in one transaction, recording the
    change for the next upkeep (committed with the pending-upkeep marker, as a batch's changes are)."""
    with transaction(con):
        con.execute("INSERT OR IGNORE INTO meta VALUES (?, 'delete')", [UPKEEP_PENDING])
        changes.record(con, [], ids)
        _delete(con, list(ids))


def start_run(con: duckdb.DuckDBPyConnection, run_id: str, started: object, inputs: list[str]) -> None:
    """Record a run as started (finished stays NULL until it completes)."""
    con.execute("INSERT INTO runs VALUES (?, ?, NULL, ?, 0, 0, 0)", [run_id, started, inputs])


def finish_run(con: duckdb.DuckDBPyConnection, run_id: str, finished: object, ok: int, failed: int, skipped: int) -> None:
    """Close a run with its counts."""
    con.execute("UPDATE runs SET finished = ?, ok = ?, failed = ?, skipped = ? WHERE run_id = ?",
                [finished, ok, failed, skipped, run_id])


def replace_table(con: duckdb.DuckDBPyConnection, table: str, df: pd.DataFrame) -> None:
    """Replace a small reference table (entities, sources) in one transaction."""
    with transaction(con):
        con.execute(f"DELETE FROM {table}")
        insert_frame(con, table, df)


def add_unknown_sources(con: duckdb.DuckDBPyConnection) -> None:
    """Give every article source missing from `sources` a row of kind 'other' (editable in sources.yaml)."""
    con.execute(
        "INSERT INTO sources SELECT a.source, min(a.hostname), a.source, NULL, 'other', NULL "
        "FROM articles a WHERE a.source IS NOT NULL AND a.source NOT IN (SELECT source FROM sources) "
        "GROUP BY a.source")


def swap_derived(con: duckdb.DuckDBPyConnection, staged: dict[str, list[Path]], entities: pd.DataFrame,
                 kept: list[Path] = (), unchanged: frozenset[str] = frozenset(), genres: list[Path] = ()) -> None:
    """Replace the derived tables by staged Parquet files and the entities by `entities`, in one transaction.

    `kept` are Parquet files of article ids whose stored statements (and their statement mentions)
    carry over unchanged next to the staged ones; tables named in `unchanged` stay as they are;
    `genres` are Parquet files of (article_id, genre) written into `articles.genre`."""
    keep = [p.as_posix() for p in kept]
    replaced = [t for t in DERIVED if t not in unchanged]
    with transaction(con):
        for table in replaced:
            cols = ", ".join(COLUMNS[table])
            con.execute(f"CREATE TABLE {table}__new AS SELECT {cols} FROM {table} LIMIT 0")
            files = [p.as_posix() for p in staged.get(table, [])]
            if files:
                con.execute(f"INSERT INTO {table}__new SELECT {cols} FROM read_parquet(?, union_by_name = true)",
                            [files])
        if keep and "statements" in replaced:
            con.execute("CREATE TEMP TABLE kept_articles AS SELECT DISTINCT article_id FROM read_parquet(?)", [keep])
            con.execute(f"INSERT INTO statements__new SELECT {', '.join(COLUMNS['statements'])} FROM statements "
                        "WHERE article_id IN (SELECT article_id FROM kept_articles)")
            con.execute(f"INSERT INTO statement_mentions__new SELECT {', '.join(COLUMNS['statement_mentions'])} "
                        "FROM statement_mentions WHERE statement_id IN (SELECT statement_id FROM statements "
                        "WHERE article_id IN (SELECT article_id FROM kept_articles))")
            con.execute("DROP TABLE kept_articles")
        for table in replaced:
            con.execute(f"DROP TABLE {table}")
            con.execute(f"ALTER TABLE {table}__new RENAME TO {table}")
        if genres:
            con.execute("UPDATE articles SET genre = g.genre FROM read_parquet(?) g "
                        "WHERE articles.article_id = g.article_id AND articles.genre IS DISTINCT FROM g.genre",
                        [[p.as_posix() for p in genres]])
        con.execute("DELETE FROM entities")
        insert_frame(con, "entities", entities)

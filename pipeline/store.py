"""DuckDB store: schema, migrations, batched bulk writes and short-lived connections.

Every table and column named in the design's Contract lives here; writers open, write one batch in
one short transaction and close, so readers (the dashboard) are never locked out for long.
"""
from __future__ import annotations

import contextlib
import functools
import re
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

SCHEMA_VERSION = 1

SCHEMA = """
CREATE TABLE IF NOT EXISTS schema_version (version INTEGER);
CREATE TABLE IF NOT EXISTS articles (
    article_id VARCHAR PRIMARY KEY,
    url VARCHAR,
    canonical_url VARCHAR,
    source VARCHAR,
    hostname VARCHAR,
    title VARCHAR,
    author VARCHAR,
    published DATE,
    date_source VARCHAR,
    language VARCHAR,
    text VARCHAR,
    content_hash VARCHAR,
    duplicate_of VARCHAR,
    fetched_at TIMESTAMP,
    run_id VARCHAR,
    raw_sha256 VARCHAR
);
CREATE TABLE IF NOT EXISTS raw_pages (
    raw_sha256 VARCHAR PRIMARY KEY,
    html_gz BLOB
);
CREATE TABLE IF NOT EXISTS sources (
    source VARCHAR PRIMARY KEY,
    hostname VARCHAR,
    name VARCHAR,
    country VARCHAR,
    kind VARCHAR,
    owner VARCHAR
);
CREATE TABLE IF NOT EXISTS entities (
    entity_id VARCHAR PRIMARY KEY,
    kind VARCHAR,
    name VARCHAR,
    type VARCHAR,
    parent VARCHAR,
    lat DOUBLE,
    lon DOUBLE
);
CREATE TABLE IF NOT EXISTS sentences (
    article_id VARCHAR,
    sentence_no INTEGER,
    char_start INTEGER,
    char_end INTEGER
);
CREATE TABLE IF NOT EXISTS mentions (
    article_id VARCHAR,
    entity_id VARCHAR,
    sentence_no INTEGER,
    char_start INTEGER,
    char_end INTEGER,
    surface VARCHAR
);
CREATE TABLE IF NOT EXISTS statements (
    statement_id VARCHAR,
    article_id VARCHAR,
    speaker VARCHAR,
    speaker_role VARCHAR,
    speaker_entity_id VARCHAR,
    speaker_state_id VARCHAR,
    quote VARCHAR,
    kind VARCHAR,
    statement_type VARCHAR,
    cue VARCHAR,
    char_start INTEGER,
    char_end INTEGER,
    said_on DATE,
    cluster_id VARCHAR
);
CREATE TABLE IF NOT EXISTS statement_mentions (
    statement_id VARCHAR,
    entity_id VARCHAR
);
CREATE TABLE IF NOT EXISTS runs (
    run_id VARCHAR PRIMARY KEY,
    started TIMESTAMP,
    finished TIMESTAMP,
    inputs VARCHAR[],
    ok INTEGER,
    failed INTEGER,
    skipped INTEGER
);
CREATE TABLE IF NOT EXISTS failures (
    run_id VARCHAR,
    input VARCHAR,
    stage VARCHAR,
    error VARCHAR
);
CREATE TABLE IF NOT EXISTS meta (
    key VARCHAR PRIMARY KEY,
    value VARCHAR
);
"""

# Column order of each derived table, shared by ingest, retag and the query benchmark generator.
COLUMNS: dict[str, list[str]] = {
    "articles": [
        "article_id", "url", "canonical_url", "source", "hostname", "title", "author",
        "published", "date_source", "language", "text", "content_hash", "duplicate_of",
        "fetched_at", "run_id", "raw_sha256",
    ],
    "sentences": ["article_id", "sentence_no", "char_start", "char_end"],
    "mentions": ["article_id", "entity_id", "sentence_no", "char_start", "char_end", "surface"],
    "statements": [
        "statement_id", "article_id", "speaker", "speaker_role", "speaker_entity_id",
        "speaker_state_id", "quote", "kind", "statement_type", "cue", "char_start", "char_end",
        "said_on", "cluster_id",
    ],
    "statement_mentions": ["statement_id", "entity_id"],
    "entities": ["entity_id", "kind", "name", "type", "parent", "lat", "lon"],
    "sources": ["source", "hostname", "name", "country", "kind", "owner"],
    "raw_pages": ["raw_sha256", "html_gz"],
    "failures": ["run_id", "input", "stage", "error"],
}

# Full-text index over every script the corpus uses: no stemmer or stopwords (both are English-only),
# letters and digits of any alphabet kept (Cyrillic, Armenian, Azerbaijani Latin).
TEXT_INDEX_SQL = (
    "PRAGMA create_fts_index('articles', 'article_id', 'title', 'text', stemmer = 'none', stopwords = 'none', "
    "ignore = '(\\.|[^\\p{L}\\p{N}])+', strip_accents = 0, lower = 1, overwrite = 1)"
)

# Tables rebuilt from stored text by retag (swapped in as one transaction, with the entities).
DERIVED = ("sentences", "mentions", "statements", "statement_mentions")


class StoreBusy(Exception):
    """Another process holds the database lock and did not release it within the wait."""


class StoreError(Exception):
    """The database cannot be opened or created at that path (one-line message naming it)."""


def _is_lock_error(exc: Exception) -> bool:
    text = str(exc)
    return "lock" in text.lower() and ("Conflicting" in text or "Could not set lock" in text)


def connect(db_path: str | Path, read_only: bool = False, wait: float = 30.0) -> duckdb.DuckDBPyConnection:
    """Open the database, retrying while another process holds the lock; raise StoreBusy after `wait` s.

    A read-write open also creates the schema and migrates older databases.
    """
    path = Path(db_path)
    if not read_only:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"{path}: cannot create the database folder ({exc.strerror})") from exc
    deadline = time.monotonic() + wait
    delay = 0.05
    while True:
        try:
            con = duckdb.connect(str(path), read_only=read_only)
            break
        except duckdb.IOException as exc:
            if not _is_lock_error(exc):
                raise StoreError(f"{path}: cannot open the database ({str(exc).splitlines()[0]})") from exc
            if time.monotonic() >= deadline:
                raise StoreBusy(f"{path}: database is locked by another process") from exc
            time.sleep(delay)
            delay = min(delay * 2, 0.5)
    if not read_only:
        migrate(con)
    return con


@contextlib.contextmanager
def open_store(db_path: str | Path, read_only: bool = False, wait: float = 30.0) -> Iterator[duckdb.DuckDBPyConnection]:
    """Context manager around `connect` that always closes the connection."""
    con = connect(db_path, read_only=read_only, wait=wait)
    try:
        yield con
    finally:
        con.close()


def migrate(con: duckdb.DuckDBPyConnection) -> None:
    """Create missing tables, add columns missing from older databases, record SCHEMA_VERSION."""
    con.execute(SCHEMA)
    have = set(con.execute("SELECT table_name, column_name FROM duckdb_columns() WHERE schema_name = 'main'").fetchall())
    for table, column, data_type in _expected_columns():
        if (table, column) not in have:
            con.execute(f'ALTER TABLE {table} ADD COLUMN "{column}" {data_type}')
    row = con.execute("SELECT max(version) FROM schema_version").fetchone()
    if row is None or row[0] is None:
        con.execute("INSERT INTO schema_version VALUES (?)", [SCHEMA_VERSION])
    elif row[0] < SCHEMA_VERSION:
        con.execute("UPDATE schema_version SET version = ?", [SCHEMA_VERSION])


@functools.cache
def _expected_columns() -> list[tuple[str, str, str]]:
    with duckdb.connect() as mem:
        mem.execute(SCHEMA)
        return mem.execute("SELECT table_name, column_name, data_type FROM information_schema.columns "
                           "ORDER BY table_name, ordinal_position").fetchall()


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


def known_articles(con: duckdb.DuckDBPyConnection) -> tuple[dict[str, str], dict[str, str]]:
    """(article_id → content_hash, content_hash → original article_id) for duplicate detection."""
    rows = con.execute(
        "SELECT article_id, content_hash, duplicate_of FROM articles ORDER BY fetched_at, article_id"
    ).fetchall()
    by_id = {a: h for a, h, _ in rows}
    by_hash: dict[str, str] = {}
    for article_id, content_hash, duplicate_of in rows:
        if duplicate_of is None:
            by_hash.setdefault(content_hash, article_id)
    return by_id, by_hash


def write_batch(con: duckdb.DuckDBPyConnection, frames: dict[str, pd.DataFrame], replace_ids: list[str]) -> None:
    """One short transaction: drop the rows of re-extracted articles, then bulk-insert the batch."""
    con.execute("BEGIN TRANSACTION")
    try:
        if replace_ids:
            ids = list(replace_ids)
            con.execute(
                "DELETE FROM statement_mentions WHERE statement_id IN "
                "(SELECT statement_id FROM statements WHERE article_id = ANY(?))", [ids])
            for table in ("statements", "mentions", "sentences", "articles"):
                con.execute(f"DELETE FROM {table} WHERE article_id = ANY(?)", [ids])
        raw = frames.get("raw_pages")
        if raw is not None and not raw.empty:
            con.register("_raw", raw.drop_duplicates("raw_sha256"))
            con.execute("INSERT OR IGNORE INTO raw_pages SELECT raw_sha256, html_gz FROM _raw")
            con.unregister("_raw")
        for table in ("articles", "sentences", "mentions", "statements", "statement_mentions", "failures"):
            if table in frames:
                insert_frame(con, table, frames[table])
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise


def start_run(con: duckdb.DuckDBPyConnection, run_id: str, started: object, inputs: list[str]) -> None:
    """Record a run as started (finished stays NULL until it completes)."""
    con.execute("INSERT INTO runs VALUES (?, ?, NULL, ?, 0, 0, 0)", [run_id, started, inputs])


def finish_run(con: duckdb.DuckDBPyConnection, run_id: str, finished: object, ok: int, failed: int, skipped: int) -> None:
    """Close a run with its counts."""
    con.execute("UPDATE runs SET finished = ?, ok = ?, failed = ?, skipped = ? WHERE run_id = ?",
                [finished, ok, failed, skipped, run_id])


def replace_table(con: duckdb.DuckDBPyConnection, table: str, df: pd.DataFrame) -> None:
    """Replace a small reference table (entities, sources) in one transaction."""
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(f"DELETE FROM {table}")
        insert_frame(con, table, df)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise


def get_meta(con: duckdb.DuckDBPyConnection, key: str) -> str | None:
    """A value from the key/value `meta` table (taxonomy hash, data version…)."""
    row = con.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
    return row[0] if row else None


def set_meta(con: duckdb.DuckDBPyConnection, key: str, value: str) -> None:
    """Store a value in the `meta` table."""
    con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, value])


def statements_for_clustering(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every statement with what clustering needs: speaker, quote, date and the article's language."""
    return con.execute(
        "SELECT s.statement_id, s.speaker, s.speaker_entity_id, s.quote, s.said_on, a.language "
        "FROM statements s JOIN articles a USING (article_id)"
    ).df()


def update_clusters(con: duckdb.DuckDBPyConnection, clusters: pd.DataFrame) -> None:
    """Write cluster ids (statement_id, cluster_id) back in one statement."""
    if clusters.empty:
        return
    con.register("_clusters", clusters)
    try:
        con.execute(
            "UPDATE statements SET cluster_id = c.cluster_id FROM _clusters c "
            "WHERE statements.statement_id = c.statement_id AND statements.cluster_id IS DISTINCT FROM c.cluster_id")
    finally:
        con.unregister("_clusters")


def load_fts(con: duckdb.DuckDBPyConnection) -> None:
    """Load DuckDB's full-text-search extension from the pinned wheel (works offline, without HOME)."""
    import duckdb_extension_fts

    base = Path(duckdb_extension_fts.__file__).parent / "extensions"
    path = next(base.glob("v*/fts.duckdb_extension"))
    con.execute(f"LOAD '{path.as_posix()}'")


def rebuild_text_index(con: duckdb.DuckDBPyConnection) -> None:
    """Rebuild the BM25 index over article titles and text (after runs that stored new articles),
    noting its stemmer in `meta` (searches read it there instead of parsing the index's macros)."""
    load_fts(con)
    con.execute(TEXT_INDEX_SQL)
    set_meta(con, "text_index_stemmer", re.search(r"stemmer = '(\w+)'", TEXT_INDEX_SQL).group(1))


def add_unknown_sources(con: duckdb.DuckDBPyConnection) -> None:
    """Give every article source missing from `sources` a row of kind 'other' (editable in sources.yaml)."""
    con.execute(
        "INSERT INTO sources SELECT a.source, min(a.hostname), a.source, NULL, 'other', NULL "
        "FROM articles a WHERE a.source IS NOT NULL AND a.source NOT IN (SELECT source FROM sources) "
        "GROUP BY a.source")


def article_ids(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every stored article id, in a stable order (retag reads the text chunk by chunk)."""
    return [r[0] for r in con.execute("SELECT article_id FROM articles ORDER BY article_id").fetchall()]


def article_texts(con: duckdb.DuckDBPyConnection, ids: list[str]) -> list[tuple]:
    """(article_id, text, published) for the given ids."""
    return con.execute(
        "SELECT article_id, text, published FROM articles WHERE article_id = ANY(?) ORDER BY article_id", [ids]
    ).fetchall()


def swap_derived(con: duckdb.DuckDBPyConnection, staged: dict[str, list[Path]], entities: pd.DataFrame,
                 kept: list[Path] = (), unchanged: frozenset[str] = frozenset()) -> None:
    """Replace the derived tables by staged Parquet files and the entities by `entities`, in one transaction.

    `kept` are Parquet files of article ids whose stored statements (and their statement mentions)
    carry over unchanged next to the staged ones; tables named in `unchanged` stay as they are."""
    keep = [p.as_posix() for p in kept]
    replaced = [t for t in DERIVED if t not in unchanged]
    con.execute("BEGIN TRANSACTION")
    try:
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
        con.execute("DELETE FROM entities")
        insert_frame(con, "entities", entities)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise


def stats(con: duckdb.DuckDBPyConnection) -> dict:
    """Counts, date range, languages, sources, recent runs and failures of the store."""
    one = lambda sql: con.execute(sql).fetchone()  # noqa: E731
    articles, dated, undated, duplicates, first, last = one(
        "SELECT count(*), count(published), count(*) - count(published), count(duplicate_of), "
        "min(published), max(published) FROM articles")
    return {
        "articles": articles, "dated": dated, "undated": undated, "duplicates": duplicates,
        "first_date": first, "last_date": last,
        "languages": dict(con.execute(
            "SELECT coalesce(language, '?'), count(*) FROM articles GROUP BY 1 ORDER BY 2 DESC").fetchall()),
        "sources": dict(con.execute(
            "SELECT source, count(*) FROM articles GROUP BY 1 ORDER BY 2 DESC, 1").fetchall()),
        "date_sources": dict(con.execute(
            "SELECT date_source, count(*) FROM articles GROUP BY 1 ORDER BY 2 DESC").fetchall()),
        "entities": one("SELECT count(*) FROM entities")[0],
        "mentions": one("SELECT count(*) FROM mentions")[0],
        "statements": one("SELECT count(*) FROM statements")[0],
        "statement_clusters": one("SELECT count(DISTINCT cluster_id) FROM statements")[0],
        "runs": [dict(zip(("run_id", "started", "finished", "ok", "failed", "skipped"), r)) for r in con.execute(
            "SELECT run_id, started, finished, ok, failed, skipped FROM runs ORDER BY started DESC LIMIT 5"
        ).fetchall()],
        "failures": one("SELECT count(*) FROM failures")[0],
        "recent_failures": [dict(zip(("input", "stage", "error"), r)) for r in con.execute(
            "SELECT input, stage, error FROM failures f JOIN runs r USING (run_id) "
            "ORDER BY r.started DESC LIMIT 5").fetchall()],
    }


def stored_mention_digests(con: duckdb.DuckDBPyConnection, ids: list[str]) -> dict[str, str]:
    """Per article with mentions: `analyse.mentions_digest` of its stored mentions, with the kinds of
    the stored entities (retag compares it with the new mentions' digest to know whether the stored
    statements still stand)."""
    return dict(con.execute(
        "SELECT m.article_id, md5(array_to_string(list_sort(list(m.entity_id || ':' || coalesce(e.kind, '') || ':' "
        "|| m.char_start || ':' || m.char_end)), '|')) FROM mentions m LEFT JOIN entities e USING (entity_id) "
        "WHERE m.article_id = ANY(?) GROUP BY m.article_id", [ids]).fetchall())

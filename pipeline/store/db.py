"""Short-lived DuckDB connections: open (waiting while another process holds the lock), migrate, close;
and one-line descriptions of what went wrong with the file (damaged, full disk, read-only folder)."""
from __future__ import annotations

import contextlib
import errno
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb

from ..config import ENV_DUCKDB_MEMORY, duckdb_memory_limit
from .schema import migrate


class StoreBusy(Exception):
    """Another process holds the database lock and did not release it within the wait."""


class StoreError(Exception):
    """The database cannot be opened or created at that path (one-line message naming it)."""


def _is_lock_error(exc: Exception) -> bool:
    text = str(exc)
    return "lock" in text.lower() and ("Conflicting" in text or "Could not set lock" in text)


# What DuckDB or the OS says, and what the user should do about it (the first match wins).
_DIAGNOSES = (
    ("Corrupt database file", "the database file is damaged ({detail}); restore it from a backup, or rebuild it "
                              "(`python -m pipeline sample`, or ingest your inputs again into a new --db)"),
    ("No space left on device", "no space left on device ({detail}); free some space, then run "
                                "`python -m pipeline repair`"),
    ("Read-only file system", "the database folder is read-only ({detail}); writing needs a writable folder "
                              "(copy the database somewhere writable and pass --db)"),
    ("Permission denied", "permission denied ({detail}); the database file and its folder must be writable"),
    ("Is a directory", "a folder stands where a database file is expected ({detail}); move it away"),
    ("Out of Memory Error", "DuckDB ran out of its memory limit ({detail}); raise it with "
                            f"{ENV_DUCKDB_MEMORY} (e.g. {ENV_DUCKDB_MEMORY}=2GB), then run `python -m pipeline "
                            "repair` to finish what the run left owed (the rows it wrote are kept)"),
)


def _messages(exc: BaseException) -> list[str]:
    """The messages of an exception and of the ones it was raised from or while handling, innermost last."""
    out, seen = [], set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        text = str(exc) if not isinstance(exc, OSError) or not exc.strerror else (
            f"{exc.strerror}: {exc.filename}" if exc.filename else exc.strerror)
        out.append(" ".join(text.split()))
        exc = exc.__cause__ or exc.__context__
    return out


def describe_error(db_path: str | Path, exc: BaseException) -> str:
    """One line naming the database and the fix for a DuckDB or OS error (a rollback that failed
    after a full disk reports the full disk, not the rollback)."""
    messages = _messages(exc)
    for pattern, advice in _DIAGNOSES:
        for text in messages:
            if pattern in text:
                detail = text.removeprefix("IO Error: ").removeprefix("TransactionContext Error: ") \
                    .split(" Possible solutions:")[0]
                return f"{db_path}: " + advice.format(detail=detail[:300])
    return f"{db_path}: {messages[0][:300]}"


def is_store_failure(exc: BaseException) -> bool:
    """True for errors of the database file or its disk (damaged file, full disk, read-only folder,
    permissions) as opposed to bugs; the command line reports those in one line."""
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EROFS, errno.EACCES, errno.EPERM,
                                                   errno.EISDIR, errno.EDQUOT, errno.EIO):
        return True
    # DuckDB's errors, and OSErrors without an errno (pyarrow writing retag's staged files), by their message
    return isinstance(exc, (duckdb.Error, OSError)) and any(
        pattern in text for text in _messages(exc) for pattern, _ in _DIAGNOSES)


def check_path(db_path: str | Path) -> Path:
    """The database path, refused in one line when a folder stands there."""
    path = Path(db_path)
    if path.is_dir():
        raise StoreError(f"{path}: is a folder; --db and TRACKER_DB name the database file itself "
                         f"(e.g. {path / 'tracker.duckdb'})")
    return path


def connect(db_path: str | Path, read_only: bool = False, wait: float = 30.0) -> duckdb.DuckDBPyConnection:
    """Open the database, retrying while another process holds the lock; raise StoreBusy after `wait` s.

    A read-write open also creates the schema and migrates older databases.
    """
    path = check_path(db_path)
    if not read_only:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"{path}: cannot create the database folder ({exc.strerror})") from exc
    deadline = time.monotonic() + wait
    delay = 0.05
    limit = duckdb_memory_limit(read_only)
    while True:
        try:
            con = duckdb.connect(str(path), read_only=read_only, config={"memory_limit": limit})
            break
        except (duckdb.InvalidInputException, duckdb.ParserException) as exc:
            raise StoreError(f"{ENV_DUCKDB_MEMORY}={limit!r}: not a memory size DuckDB accepts "
                             "(e.g. 512MB, 2GB)") from exc
        except duckdb.IOException as exc:
            if not _is_lock_error(exc):
                raise StoreError(describe_error(path, exc) if is_store_failure(exc) else
                                 f"{path}: cannot open the database ({str(exc).splitlines()[0]})") from exc
            if time.monotonic() >= deadline:
                raise StoreBusy(f"{path}: database is locked by another process") from exc
            time.sleep(delay)
            delay = min(delay * 2, 0.5)
    if not read_only:
        try:
            migrate(con)
        except duckdb.Error as exc:
            con.close()
            if is_store_failure(exc):
                raise StoreError(describe_error(path, exc)) from exc
            raise
    return con


@contextlib.contextmanager
def open_store(db_path: str | Path, read_only: bool = False, wait: float = 30.0) -> Iterator[duckdb.DuckDBPyConnection]:
    """Context manager around `connect` that always closes the connection."""
    con = connect(db_path, read_only=read_only, wait=wait)
    try:
        yield con
    finally:
        con.close()


def rows_where(table: str, condition: str) -> str:
    """A SELECT of a table's rows meeting a condition that picks few: their row ids found first (a scan
    of the condition's columns only), then the rows fetched by id. Filtering in the scan itself reads
    every column of every row group (the articles' text, the statements' quotes) for a few rows."""
    return f"SELECT * FROM {table} WHERE rowid IN (SELECT rowid FROM {table} WHERE {condition})"


def get_meta(con: duckdb.DuckDBPyConnection, key: str) -> str | None:
    """A value from the key/value `meta` table (taxonomy hash, data version…)."""
    row = con.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
    return row[0] if row else None


def set_meta(con: duckdb.DuckDBPyConnection, key: str, value: str) -> None:
    """Store a value in the `meta` table."""
    con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, value])


UPKEEP_PENDING = "upkeep_pending"


def mark_upkeep_pending(con: duckdb.DuckDBPyConnection, by: str) -> None:
    """Record (committed on its own) that end-of-run upkeep is owed, before the work that needs it."""
    set_meta(con, UPKEEP_PENDING, by)


def upkeep_pending(con: duckdb.DuckDBPyConnection) -> str | None:
    """The run that left end-of-run upkeep (clusters, text index, summary tables) undone, or None."""
    return get_meta(con, UPKEEP_PENDING)


def clear_upkeep_pending(con: duckdb.DuckDBPyConnection) -> None:
    """Upkeep is done: forget the marker."""
    con.execute("DELETE FROM meta WHERE key = ?", [UPKEEP_PENDING])

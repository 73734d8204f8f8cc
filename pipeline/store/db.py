"""Short-lived DuckDB connections: open (waiting while another process holds the lock), migrate, close."""
from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb

from .schema import migrate


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


def get_meta(con: duckdb.DuckDBPyConnection, key: str) -> str | None:
    """A value from the key/value `meta` table (taxonomy hash, data version…)."""
    row = con.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
    return row[0] if row else None


def set_meta(con: duckdb.DuckDBPyConnection, key: str, value: str) -> None:
    """Store a value in the `meta` table."""
    con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, value])

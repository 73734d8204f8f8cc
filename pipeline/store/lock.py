"""One writer per store for a whole run: an OS file lock beside the database (`<db>.lock`).

DuckDB's own lock is held per batch (writers close between batches so the dashboard can read), so
two runs would interleave their batches. The run lock spans a whole ingest, retag, sample build or
repair. It is an `fcntl` record lock: the kernel drops it when the holder exits, even by kill -9,
and forked pool workers do not inherit it. The file names the holder (pid, host, command, start
time) for the busy message; a file still naming a holder whose lock is gone was left by a killed
run: the next run takes it over and says so.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import errno
import fcntl
import json
import os
import socket
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from .db import StoreBusy, StoreError

_HELD: dict[str, tuple[int, int]] = {}  # lock path -> (fd, depth): nested runs in one thread reuse the lock
_THREAD_LOCKS: dict[str, threading.RLock] = {}
_GUARD = threading.Lock()


def lock_path(db_path: str | Path) -> Path:
    """The lock file of a database: `<db>.lock` beside it."""
    path = Path(db_path)
    return path.with_name(path.name + ".lock")


def _holder(fd: int) -> dict:
    try:
        data = os.pread(fd, 4096, 0)
        return json.loads(data) if data.strip() else {}
    except (OSError, ValueError):
        return {}


def _describe(holder: dict) -> str:
    if not holder:
        return "another run"
    return (f"{holder.get('command', 'a run')} (pid {holder.get('pid', '?')} on {holder.get('host', '?')}, "
            f"started {holder.get('started', '?')})")


def pid_alive(pid: object) -> bool:
    """Whether a process with this pid runs on this machine (False for a missing or malformed pid)."""
    try:
        os.kill(int(pid), 0)
    except (OSError, ValueError, TypeError):
        return False
    return True


def _open(path: Path) -> int:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except IsADirectoryError as exc:
        raise StoreError(f"{path}: is a folder, not the store's lock file; move it away") from exc
    except OSError as exc:
        raise StoreError(f"{path.parent}: cannot create the lock file {path.name} ({exc.strerror}); "
                         "the database folder must be writable") from exc


@contextlib.contextmanager
def run_lock(db_path: str | Path, wait: float = 30.0, command: str = "a run") -> Iterator[None]:
    """Hold the store's run lock for the body; wait up to `wait` s for another run, then raise StoreBusy.

    Re-entrant within one thread (sample → ingest); another thread of this process waits like another process.
    """
    path = lock_path(db_path)
    key = str(path.resolve())
    with _GUARD:
        tlock = _THREAD_LOCKS.setdefault(key, threading.RLock())
    deadline = time.monotonic() + wait
    if not tlock.acquire(timeout=max(wait, 0)):
        raise StoreBusy(f"{db_path}: busy: another run of this process holds it; waited {wait:g} s "
                        "(try again later or raise --wait)")
    try:
        if key in _HELD:
            fd, depth = _HELD[key]
            _HELD[key] = (fd, depth + 1)
            try:
                yield
            finally:
                _HELD[key] = (fd, depth)
            return
        fd = _open(path)
        try:
            _acquire(fd, db_path, deadline, wait)
            previous = _holder(fd)
            if previous and previous.get("pid") != os.getpid():
                state = "no longer running" if not pid_alive(previous.get("pid")) else "its lock released"
                print(f"note: {db_path}: taking over the lock left by {_describe(previous)}, {state}",
                      file=sys.stderr)
            me = {"pid": os.getpid(), "host": socket.gethostname(), "command": command,
                  "started": dt.datetime.now().astimezone().isoformat(timespec="seconds")}
            os.ftruncate(fd, 0)
            os.pwrite(fd, json.dumps(me).encode(), 0)
            _HELD[key] = (fd, 1)
            try:
                yield
            finally:
                del _HELD[key]
                with contextlib.suppress(OSError):
                    os.ftruncate(fd, 0)  # an empty file: released cleanly (a named holder means a crash)
        finally:
            os.close(fd)  # closing releases the record lock
    finally:
        tlock.release()


def _acquire(fd: int, db_path: str | Path, deadline: float, wait: float) -> None:
    delay = 0.05
    while True:
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except OSError as exc:
            if exc.errno not in (errno.EACCES, errno.EAGAIN):
                raise StoreError(f"{db_path}: cannot lock the database ({exc.strerror})") from exc
        if time.monotonic() >= deadline:
            raise StoreBusy(f"{db_path}: busy: {_describe(_holder(fd))} is writing to it; waited {wait:g} s "
                            "(try again later or raise --wait)")
        time.sleep(delay)
        delay = min(delay * 2, 0.5)


def holder(db_path: str | Path) -> dict | None:
    """Who holds the run lock now (pid, host, command, started), or None when no run is writing."""
    path = lock_path(db_path)
    if not path.exists():
        return None
    key = str(path.resolve())
    if key in _HELD:
        return _holder(_HELD[key][0])
    try:
        fd = os.open(path, os.O_RDWR | os.O_CLOEXEC)
    except OSError:
        return None  # a read-only folder: no run can be writing there
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return _holder(fd) or {"command": "a run"}
    finally:
        os.close(fd)  # also releases the probe's lock, if it got one
    return None

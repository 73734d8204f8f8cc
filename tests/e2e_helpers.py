"""Harness for the browser tests: a real `streamlit run` on 127.0.0.1, Debian's chromium through
Playwright, every request to another host blocked and counted, and a process that holds DuckDB's
write lock (to show the dashboard stays usable while an ingest writes)."""
from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures" / "e2e"
SCREENSHOTS = ROOT / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1400, "height": 2200}
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_pipeline(*args: str, db: Path, timeout: float = 180) -> subprocess.CompletedProcess:
    """`python -m pipeline ARGS --db DB` in the project, output captured; raises on a non-zero exit."""
    command, *rest = args
    proc = subprocess.run([sys.executable, "-m", "pipeline", command, "--db", str(db), *rest],
                          cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        raise AssertionError(f"pipeline {' '.join(args)} exited {proc.returncode}:\n{proc.stderr[-3000:]}")
    return proc


def copy_db(src: Path, dst: Path) -> Path:
    """Copy a closed database (and its WAL, if any) so each test can change its own copy."""
    shutil.copyfile(src, dst)
    wal = src.with_name(src.name + ".wal")
    if wal.exists():
        shutil.copyfile(wal, dst.with_name(dst.name + ".wal"))
    return dst


@dataclass
class StreamlitApp:
    """`streamlit run dashboard.py` on a free 127.0.0.1 port with TRACKER_DB pointing at `db`."""

    db: Path
    log: Path
    port: int = field(default_factory=free_port)
    root: Path = ROOT  # the project checkout to serve (benchmarks/pages.py compares two)
    env: dict[str, str] = field(default_factory=dict)  # settings of this server (e.g. TRACKER_DASHBOARD_INGEST)
    proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def start(self, timeout: float = 30) -> StreamlitApp:
        env = {**os.environ, "TRACKER_DB": str(self.db), "PYTHONUNBUFFERED": "1", **self.env}
        self._log_file = self.log.open("w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.headless", "true",
             "--server.address", "127.0.0.1", "--server.port", str(self.port)],
            cwd=self.root, env=env, stdout=self._log_file, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"streamlit exited {self.proc.returncode}:\n{self.log.read_text()[-3000:]}")
            with contextlib.suppress(OSError), urllib.request.urlopen(f"{self.url}_stcore/health",
                                                                      timeout=2) as resp:
                if resp.status == 200:
                    return self
            time.sleep(0.2)
        self.stop()
        raise AssertionError(f"streamlit not ready in {timeout} s:\n{self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)
        if getattr(self, "_log_file", None):
            self._log_file.close()

    def output(self) -> str:
        return self.log.read_text() if self.log.exists() else ""


@dataclass
class OutsideRequests:
    """Requests the page tried to send to a host other than 127.0.0.1/localhost (all blocked)."""

    blocked: list[str] = field(default_factory=list)

    def route(self, route) -> None:  # playwright Route
        host = urlsplit(route.request.url).hostname or ""
        if host in LOCAL_HOSTS:
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort("blockedbyclient")


_HOLD_SCRIPT = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])
con.execute("BEGIN TRANSACTION")
con.execute("CREATE TABLE IF NOT EXISTS e2e_lock_probe (t TIMESTAMP)")
con.execute("INSERT INTO e2e_lock_probe VALUES (now())")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
con.execute("ROLLBACK")
con.close()
print("released", flush=True)
"""


@contextlib.contextmanager
def hold_write_lock(db: Path, seconds: float) -> Iterator[subprocess.Popen]:
    """Another process opens `db` read-write and keeps a write transaction open for `seconds`
    (the transaction is rolled back, so the data do not change)."""
    proc = subprocess.Popen([sys.executable, "-c", _HOLD_SCRIPT, str(db), str(seconds)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        if line.strip() != "locked":
            raise AssertionError(f"lock holder failed: {line}{proc.stderr.read()}")
        yield proc
    finally:
        try:
            proc.wait(seconds + 15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)

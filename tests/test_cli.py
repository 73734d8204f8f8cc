"""The command line as a user runs it: real subprocesses, exit codes from the Contract, one-line errors."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb

from tests.conftest import PAGES

ROOT = Path(__file__).resolve().parent.parent


def cli(*args: str, env: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=ROOT, env=full_env,
                          capture_output=True, text=True, timeout=timeout)


def test_ingest_then_stats(db_path):
    done = cli("ingest", "--quiet", "--workers", "1", str(PAGES / "border_talks.html"),
               str(PAGES / "corridor_report.html"), str(PAGES / "not_an_article.html"))
    assert done.returncode == 0, done.stderr
    assert "2 stored (0 duplicates), 0 unchanged, 1 failed" in done.stdout
    assert f"failed [extract] {PAGES / 'not_an_article.html'}:" in done.stderr
    stats = cli("stats")
    assert stats.returncode == 0
    assert "articles            2  (2 dated, 0 undated, 0 duplicates)" in stats.stdout
    assert "dates        2023-02-07 … 2024-04-19" in stats.stdout
    data = json.loads(cli("stats", "--json").stdout)
    assert (data["articles"], data["failures"], data["runs"][0]["ok"], data["runs"][0]["failed"]) == (2, 1, 2, 1)


def test_usage_errors_exit_2():
    assert cli("ingest").returncode == 2
    assert cli("frobnicate").returncode == 2
    assert cli("ingest", "--workers", "0", "x.html").returncode == 2


def test_missing_database_for_stats_and_retag_exits_2(tmp_path):
    missing = tmp_path / "none.duckdb"
    for command in ("stats", "retag"):
        done = cli(command, "--db", str(missing))
        assert done.returncode == 2
        assert done.stderr.strip() == f"{missing}: no database (run `python -m pipeline sample` or `ingest`)"
    assert not missing.exists()


def test_broken_taxonomy_exits_2_and_leaves_the_database_untouched(db_path, tmp_path):
    assert cli("ingest", "--quiet", str(PAGES / "border_talks.html")).returncode == 0
    before = db_path.read_bytes()
    broken = tmp_path / "taxonomy.yaml"
    broken.write_text("actors:\n  - id: armenia\n    name: Armenia\n    type: state\n    aliases: [Armenia]\n"
                      "  - id: armenia\n    name: Armenia again\n    type: state\n    aliases: [Armenia]\n")
    for args in (["retag"], ["ingest", "--quiet", str(PAGES / "corridor_report.html")]):
        done = cli(*args, env={"TRACKER_TAXONOMY": str(broken)})
        assert done.returncode == 2, done.stderr
        assert done.stderr.count("\n") == 1 and str(broken) in done.stderr and "armenia" in done.stderr
    assert db_path.read_bytes() == before


def test_locked_database_exits_3(db_path):
    holder = duckdb.connect(str(db_path))
    try:
        done = cli("ingest", "--quiet", "--wait", "1", str(PAGES / "border_talks.html"))
    finally:
        holder.close()
    assert done.returncode == 3
    assert done.stderr.strip() == f"error: {db_path}: database is locked by another process"


def test_unwritable_database_path_exits_2(tmp_path):
    locked = tmp_path / "ro"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        done = cli("ingest", "--quiet", "--db", str(locked / "sub" / "t.duckdb"), str(PAGES / "border_talks.html"))
    finally:
        locked.chmod(0o700)
    if os.geteuid() == 0:  # root ignores directory permissions; use a path under a file instead
        done = cli("ingest", "--quiet", "--db", str(PAGES / "border_talks.html" / "t.duckdb"),
                   str(PAGES / "border_talks.html"))
    assert done.returncode == 2
    assert done.stderr.startswith("error: ") and done.stderr.count("\n") == 1


def test_sample_builds_the_bundled_corpus(tmp_path):
    db = tmp_path / "sample.duckdb"
    done = cli("sample", "--quiet", "--db", str(db), timeout=300)
    assert done.returncode == 0, done.stderr
    assert f"sample database: {db}" in done.stdout
    assert not db.with_name(db.name + ".building").exists()
    with duckdb.connect(str(db), read_only=True) as con:
        articles, undated, duplicates, languages = con.execute(
            "SELECT count(*), count(*) - count(published), count(duplicate_of), count(DISTINCT language) "
            "FROM articles").fetchone()
        assert articles >= 150 and undated >= 20 and duplicates >= 5 and languages == 4
        assert con.execute("SELECT count(*) FROM sources").fetchone()[0] >= 5
        assert con.execute("SELECT min(published), max(published) FROM articles").fetchone() == (
            con.execute("SELECT DATE '2020-09-27', DATE '2026-01-09'").fetchone())
        assert con.execute("SELECT count(*) FROM runs WHERE finished IS NOT NULL").fetchone() == (1,)

"""The command line as a user runs it: real subprocesses, exit codes from the Contract, one-line errors."""
from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from tests.conftest import PAGES, remount_ro

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


# ---------------------------------------------------------------------------------------------
# Reliability: one writer per run, crashes, broken stores and configurations
# ---------------------------------------------------------------------------------------------

KILL = """
import os, signal, sys
import pipeline.store as store
from pipeline import cli
original = getattr(store, {name!r})
def crash(*args, **kwargs):
    if {after!r}:
        original(*args, **kwargs)
    os.kill(os.getpid(), signal.SIGKILL)
setattr(store, {name!r}, crash)
sys.exit(cli.main({argv!r}))
"""


def killed_at(name: str, after: bool, *argv: str) -> subprocess.CompletedProcess:
    """Run the CLI in a real process that kills itself (SIGKILL) in `pipeline.store.<name>`: right after
    the call completed (`after`, e.g. after a committed batch) or when it is reached (inside upkeep)."""
    script = KILL.format(name=name, after=after, argv=list(argv))
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=os.environ.copy(), capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == -9, done.stderr
    return done


def query(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def indexed(db: Path) -> int:
    have = query(db, "SELECT count(*) FROM duckdb_tables() "
                     "WHERE schema_name = 'fts_main_articles' AND table_name = 'docs'")
    return query(db, "SELECT count(*) FROM fts_main_articles.docs")[0][0] if have[0][0] else 0


def test_a_crash_after_the_last_committed_batch_is_finished_by_the_next_run(db_path):
    """Killed after its (only) batch committed and before upkeep: the re-run finds the page unchanged,
    and must still do the upkeep (the text index here) instead of skipping it for good."""
    page = str(PAGES / "border_talks.html")
    killed_at("write_batch", True, "ingest", "--quiet", "--workers", "1", page)
    assert query(db_path, "SELECT count(*) FROM articles") == [(1,)] and indexed(db_path) == 0
    stats = cli("stats")
    assert "upkeep       pending since " in stats.stdout and "python -m pipeline repair" in stats.stdout
    again = cli("ingest", "--quiet", "--workers", "1", page)
    assert again.returncode == 0, again.stderr
    assert "0 stored (0 duplicates), 1 unchanged" in again.stdout
    assert "taking over the lock left by ingest" in again.stderr and "no longer running" in again.stderr
    assert indexed(db_path) == 1
    assert query(db_path, "SELECT count(*) FROM meta WHERE key = 'upkeep_pending'") == [(0,)]
    assert "upkeep" not in cli("stats").stdout


@pytest.mark.parametrize("recover", ["repair", "ingest"])
def test_a_crash_inside_upkeep_is_finished_by_repair_or_the_next_run(db_path, recover):
    assert cli("ingest", "--quiet", "--workers", "1", str(PAGES / "border_talks.html")).returncode == 0
    page = str(PAGES / "corridor_report.html")
    killed_at("rebuild_text_index", False, "ingest", "--quiet", "--workers", "1", page)
    assert query(db_path, "SELECT count(*) FROM articles") == [(2,)] and indexed(db_path) == 1  # stale index
    args = ["repair"] if recover == "repair" else ["ingest", "--quiet", "--workers", "1", page]
    done = cli(*args)
    assert done.returncode == 0, done.stderr
    if recover == "repair":
        assert done.stdout.startswith("repaired: finished the upkeep left pending by ")
        assert "1 interrupted run(s)" in done.stdout
        assert cli("repair").stdout.startswith("nothing to repair: upkeep is complete and the text index covers all 2")
    assert indexed(db_path) == 2
    assert query(db_path, "SELECT count(*) FROM meta WHERE key = 'upkeep_pending'") == [(0,)]


def test_repair_rebuilds_a_text_index_that_misses_articles(db_path):
    """A store left stale by a version without the marker: repair sees the index does not cover the articles."""
    assert cli("ingest", "--quiet", "--workers", "1", str(PAGES / "border_talks.html"),
               str(PAGES / "corridor_report.html")).returncode == 0
    with duckdb.connect(str(db_path)) as con:
        con.execute("DELETE FROM fts_main_articles.docs WHERE name = (SELECT min(name) FROM fts_main_articles.docs)")
    assert "text index   covers 1 of 2 articles: run `python -m pipeline repair`" in cli("stats").stdout
    done = cli("repair")
    assert done.stdout.startswith("repaired: the text index covered 1 of 2 articles"), done.stdout
    assert indexed(db_path) == 2


def _jsonl(path: Path, host: str, n: int) -> str:
    path.write_text("".join(json.dumps({
        "url": f"https://{host}/news/{i}", "published": f"2024-0{1 + i % 9}-1{i % 10}",
        "text": f"Statement {i}: Armenia and Azerbaijan discussed the Lachin corridor in round {i} of talks."}) + "\n"
        for i in range(n)))
    return str(path)


def _together(*runs: list[str]) -> list[subprocess.CompletedProcess]:
    procs = [subprocess.Popen([sys.executable, "-m", "pipeline", *args], cwd=ROOT, env=os.environ.copy(),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for args in runs]
    outs = [p.communicate(timeout=300) for p in procs]
    return [subprocess.CompletedProcess(p.args, p.returncode, o, e) for p, (o, e) in zip(procs, outs)]


def test_two_concurrent_runs_give_the_duplicates_of_a_sequential_pair(db_path, tmp_path):
    """150 identical texts under other URLs: one run after the other gives 150 duplicates; so must two at once."""
    first = _jsonl(tmp_path / "a.jsonl", "wire-a.example", 150)
    second = _jsonl(tmp_path / "b.jsonl", "wire-b.example", 150)
    runs = _together(*(["ingest", "--quiet", "--workers", "1", "--wait", "240", f] for f in (first, second)))
    assert [r.returncode for r in runs] == [0, 0], [r.stderr for r in runs]
    assert query(db_path, "SELECT count(*), count(duplicate_of) FROM articles") == [(300, 150)]
    assert query(db_path, "SELECT count(DISTINCT content_hash) FROM articles") == [(150,)]
    assert query(db_path, "SELECT count(*) FROM runs WHERE finished IS NOT NULL") == [(2,)]
    assert indexed(db_path) == 300


def test_the_same_folder_twice_at_once_ends_as_one_run_then_an_unchanged_one(db_path, tmp_path):
    folder = tmp_path / "pages"
    folder.mkdir()
    for page in PAGES.glob("*.html"):
        shutil.copy(page, folder / page.name)
    for i in range(40):
        (folder / f"items-{i}.jsonl").write_text(Path(_jsonl(tmp_path / "x.jsonl", f"w{i}.example", 5)).read_text())
    runs = _together(*(["ingest", "--quiet", "--workers", "1", "--wait", "240", str(folder)] for _ in range(2)))
    assert [r.returncode for r in runs] == [0, 0], [r.stderr for r in runs]
    assert not any("Traceback" in r.stderr or "Duplicate key" in r.stderr for r in runs)
    summaries = sorted(r.stdout.strip().splitlines()[-1].split(": ", 1)[1].split(" in ")[0] for r in runs)
    assert summaries == ["0 stored (0 duplicates), 204 unchanged, 1 failed",
                         "204 stored (196 duplicates), 0 unchanged, 1 failed"]


def test_a_second_run_waits_then_exits_3_naming_the_holder(db_path):
    from pipeline.store import run_lock

    with run_lock(db_path, command="retag"):
        done = cli("ingest", "--quiet", "--wait", "1", str(PAGES / "border_talks.html"))
    assert done.returncode == 3
    assert done.stderr.startswith(f"error: {db_path}: busy: retag (pid {os.getpid()} on ")
    assert done.stderr.strip().endswith("is writing to it; waited 1 s (try again later or raise --wait)")
    assert done.stderr.count("\n") == 1


DAMAGE_CHECK = "SELECT count(published), max(content_hash), max(text) FROM articles"


def _damage(db: Path) -> None:
    """Corrupt, in the middle of a real store, a block that holds the articles' data while the file
    still opens: what a bad disk or a torn copy leaves. Blocks are tried one at a time on a copy."""
    block, header = 262_144, 3 * 4096
    trial = db.with_name("trial.duckdb")

    def corrupt(path: Path, blocks: list[int]) -> None:
        with path.open("r+b") as f:
            for k in blocks:
                f.seek(header + k * block)  # the block's stored checksum and its first bytes
                f.write(b"\x5a" * 64)

    hits: list[int] = []
    for k in range((db.stat().st_size - header) // block):
        if hits:
            break
        shutil.copy(db, trial)
        corrupt(trial, [k])
        try:
            con = duckdb.connect(str(trial), read_only=True)
        except duckdb.Error:
            continue  # the catalog itself: the store would not open at all; damage a data block instead
        with con:
            try:
                con.execute(DAMAGE_CHECK).fetchall()
            except duckdb.IOException as exc:
                if "Corrupt database file" in str(exc) and k:
                    hits.append(k)
            except duckdb.Error:
                continue
    trial.unlink()
    assert hits, "no data block found to damage"
    corrupt(db, hits)
    with duckdb.connect(str(db), read_only=True) as con, pytest.raises(duckdb.IOException, match="Corrupt"):
        con.execute(DAMAGE_CHECK).fetchall()


@pytest.mark.parametrize("command", [["stats"], ["export", "articles"], ["retag", "--quiet"],
                                     ["ingest", "--quiet", str(PAGES / "corridor_report.html")]])
def test_a_damaged_database_is_one_line_naming_the_file_and_the_fix(db_path, command):
    assert cli("ingest", "--quiet", "--workers", "1", str(PAGES / "border_talks.html")).returncode == 0
    _damage(db_path)
    done = cli(*command)
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert done.stderr.startswith(f"error: {db_path}: the database file is damaged (Corrupt database file: "
                                  "computed checksum")
    assert "restore it from a backup, or rebuild it" in done.stderr


def test_a_full_disk_says_so_and_loses_nothing(tmpfs, tmp_path):
    disk = tmpfs("disk", size="40m")
    db = disk / "t.duckdb"
    assert cli("ingest", "--quiet", "--workers", "1", "--db", str(db), str(PAGES / "border_talks.html")).returncode == 0
    before = query(db, "SELECT article_id FROM articles")
    filler = disk / "filler"
    with filler.open("wb") as f, contextlib.suppress(OSError):
        while True:
            f.write(b"\0" * 65536)
            f.flush()
    done = cli("ingest", "--quiet", "--workers", "1", "--db", str(db), str(PAGES / "corridor_report.html"),
               str(PAGES / "briefing_sidelist.html"))
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr, done.stderr
    assert done.stderr.startswith(f"error: {db}: no space left on device (")
    assert "cannot rollback" not in done.stderr
    assert "free some space, then run `python -m pipeline repair`" in done.stderr
    filler.unlink()
    assert query(db, "SELECT article_id FROM articles") == before
    again = cli("ingest", "--quiet", "--workers", "1", "--db", str(db), str(PAGES / "corridor_report.html"))
    assert again.returncode == 0, again.stderr
    assert query(db, "SELECT count(*) FROM articles") == [(2,)] and indexed(db) == 2


def test_retag_on_a_full_disk_says_so(tmpfs):
    disk = tmpfs("disk", size="40m")
    db = disk / "t.duckdb"
    pages = [str(PAGES / "border_talks.html"), str(PAGES / "corridor_report.html")]
    assert cli("ingest", "--quiet", "--workers", "1", "--db", str(db), *pages).returncode == 0
    with (disk / "filler").open("wb") as f, contextlib.suppress(OSError):
        while True:
            f.write(b"\0" * 65536)
            f.flush()
    done = cli("retag", "--quiet", "--workers", "1", "--db", str(db))
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr, done.stderr
    assert "No space left on device" in done.stderr and str(disk) in done.stderr
    (disk / "filler").unlink()
    assert cli("retag", "--quiet", "--workers", "1", "--db", str(db)).returncode == 0


@pytest.mark.parametrize("lock_exists", [False, True])
def test_a_folder_where_no_file_can_be_created_is_one_line(tmpfs, tmp_path, lock_exists):
    """No inode left: neither the lock file nor DuckDB's write-ahead log (.wal) can be created."""
    built = tmp_path / "built.duckdb"
    built_run = cli("ingest", "--quiet", "--workers", "1", "--db", str(built), str(PAGES / "border_talks.html"))
    assert built_run.returncode == 0
    disk = tmpfs("disk", size="40m", nr_inodes=3 if lock_exists else 2)
    db = disk / "t.duckdb"
    shutil.copy(built, db)
    if lock_exists:
        (disk / "t.duckdb.lock").touch()  # left by an earlier run; the .wal is what cannot be created
    done = cli("ingest", "--quiet", "--workers", "1", "--db", str(db), str(PAGES / "corridor_report.html"))
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr, done.stderr
    assert "No space left on device" in done.stderr and str(disk) in done.stderr
    assert query(db, "SELECT count(*) FROM articles") == [(1,)]


@pytest.mark.parametrize("command", [["retag", "--quiet"], ["ingest", "--quiet", str(PAGES / "corridor_report.html")],
                                     ["repair"]])
def test_a_read_only_folder_is_one_line_and_stats_still_work(tmpfs, command):
    disk = tmpfs("disk", size="40m")
    db = disk / "t.duckdb"
    assert cli("ingest", "--quiet", "--workers", "1", "--db", str(db), str(PAGES / "border_talks.html")).returncode == 0
    remount_ro(disk)
    done = cli(*command, "--db", str(db))
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr, done.stderr
    assert done.stderr.startswith(f"error: {disk}: cannot create the lock file t.duckdb.lock (Read-only file system); "
                                  "the database folder must be writable")
    stats = cli("stats", "--db", str(db))
    assert stats.returncode == 0 and "articles            1" in stats.stdout


def test_sample_into_a_folder_fails_at_once_and_leaves_nothing(tmp_path):
    folder = tmp_path / "store"
    folder.mkdir()
    started = time.monotonic()
    done = cli("sample", "--quiet", env={"TRACKER_DB": str(folder)})
    assert done.returncode == 2
    assert done.stderr == (f"error: {folder}: is a folder; --db and TRACKER_DB name the database file itself "
                           f"(e.g. {folder / 'tracker.duckdb'})\n")
    assert time.monotonic() - started < 20  # refused before building anything
    assert sorted(p.name for p in tmp_path.iterdir()) == ["store"] and not any(folder.iterdir())


BILLION_LAUGHS = "".join(
    f"{name}: &{name} [{', '.join([f'*{prev}'] * 9) if prev else ', '.join(['lol'] * 9)}]\n"
    for prev, name in zip([None, *"abcdefgh"], "abcdefghi")) + "sources: *i\n"


@pytest.mark.parametrize("content, message", [
    (BILLION_LAUGHS.encode(), ":6: YAML aliases (*e) expand past the limit (100 aliases, 100,000 nodes); "
                              "write the entries out instead"),
    ("sources:\n  - {source: gov, name: \"Ministère\"}\n".encode("latin-1"),
     ":2: not UTF-8 text (byte 0xe8); save the file as UTF-8"),
    (b"sources:\n  - {source: gov, kind: [unclosed\n", ":3: invalid YAML"),
])
def test_a_broken_sources_file_is_one_line_and_creates_nothing(tmp_path, content, message):
    sources = tmp_path / "sources.yaml"
    sources.write_bytes(content)
    db = tmp_path / "new" / "t.duckdb"
    done = cli("ingest", "--quiet", "--db", str(db), "--sources", str(sources), str(PAGES / "border_talks.html"),
               timeout=60)
    assert done.returncode == 2
    assert done.stderr.startswith(f"error: {sources}{message}")
    assert done.stderr.count("\n") == 1 and len(done.stderr) < 300
    assert not (tmp_path / "new").exists()


def test_stats_names_a_run_that_is_writing(db_path):
    from pipeline import store

    assert cli("ingest", "--quiet", "--workers", "1", str(PAGES / "border_talks.html")).returncode == 0
    with store.run_lock(db_path, command="retag"), store.open_store(db_path) as con:
        store.mark_upkeep_pending(con, "retag")
        con.close()
        stats = cli("stats").stdout
    assert f"writing      retag (pid {os.getpid()}, started " in stats
    assert "upkeep       owed by the running retag (retag)" in stats and "interrupted" not in stats
    assert json.loads(cli("stats", "--json").stdout)["writer"] is None


def test_the_command_line_starts_without_the_statistics_the_analysers_or_parsing_the_summary_tables():
    # Every command pays for what `pipeline.cli` imports: scipy.stats (the changes' tests), the
    # analysers (trafilatura, the statement extractor) and the models' parse (a DuckDB connection)
    # are loaded where they are used, not at start-up.
    probe = ("import sys; import pipeline.cli; from pipeline.store import rollups; "
             "print(*(m in sys.modules for m in ('scipy', 'trafilatura', 'pipeline.run.analyse')), "
             "rollups.definitions.cache_info().currsize, len(rollups.MODELS) > 0)")
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "False", "False", "0", "True"]
    assert cli("--help").returncode == 0

"""Dashboard ingest requests: validated as data (URLs and uploads only, bounded options), off unless
allowed, run in a real job process against a 127.0.0.1 server, and cleaned up afterwards."""
from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys

import duckdb
import pytest

from pipeline import submit
from pipeline.config import UploadLimits
from pipeline.submit import IngestDisabled, IngestRequest, RequestError, Upload, build_request, start_ingest
from tests.conftest import PAGES, Route


def test_lines_that_look_like_options_or_paths_are_refused():
    text = "--allow-private\n/etc\nfile:///etc/passwd\n\n# a comment\nhttps://ok.example/a\n--workers 500\n"
    with pytest.raises(RequestError) as err:
        build_request(text)
    assert err.value.problems == [
        "line 1: '--allow-private' is not an http(s) URL (only URLs are accepted here, no options or server paths)",
        "line 2: '/etc' is not an http(s) URL (only URLs are accepted here, no options or server paths)",
        "line 3: 'file:///etc/passwd' is not an http(s) URL (only URLs are accepted here, no options or server paths)",
        "line 7: '--workers 500' is not an http(s) URL (only URLs are accepted here, no options or server paths)",
    ]


def test_options_are_bounded():
    with pytest.raises(RequestError) as err:
        build_request("https://ok.example/a", workers=500, timeout=0, delay=-1, kind="--allow-private")
    assert err.value.problems == [
        "kind must be one of pages, feeds, sitemaps, not '--allow-private'",
        f"workers must be between 1 and {submit.max_workers()}, not 500",
        "timeout must be between 1 and 60, not 0",
        "delay must be between 0 and 30, not -1",
    ]
    with pytest.raises(RequestError, match="workers: '2' is not a whole number"):
        build_request("https://ok.example/a", workers="2")
    ok = build_request(" https://ok.example/a \nhttps://ok.example/a\n", kind="feeds", timeout=5)
    assert (ok.urls, ok.kind, ok.timeout) == (("https://ok.example/a",), "feeds", 5.0)


def test_uploads_are_typed_and_bounded():
    limits = UploadLimits(files=3, file_bytes=100, total_bytes=150)
    uploads = [Upload("run.sh", b"rm -rf /"), Upload("big.html", b"x" * 101), Upload("a.html", b"x" * 90),
               Upload("list.txt", b"https://ok.example/a\n/etc/passwd\n")]
    with pytest.raises(RequestError) as err:
        build_request("", uploads, limits=limits)
    assert err.value.problems == [
        "4 files; at most 3 per request",
        f"run.sh: not an accepted file type ({', '.join(submit.UPLOAD_SUFFIXES)})",
        "big.html: 101 bytes, larger than the 100-byte limit for one upload",
        "list.txt: line 2 is not an http(s) URL (uploaded lists may hold URLs only)",
        "232 bytes uploaded, more than the 150-byte limit per request",
    ]
    with pytest.raises(RequestError, match="give at least one URL or file"):
        build_request(" \n# nothing\n")


def test_upload_names_are_chosen_here():
    assert submit.safe_name("../../etc/cron.d/x.html", 0) == "000-x.html"
    assert submit.safe_name("..\\..\\evil name;rm.html.gz", 7) == "007-evil_name_rm.html.gz"
    assert submit.safe_name(".hidden.html", 1) == "001-hidden.html"


def test_ingest_from_the_dashboard_is_off_unless_allowed(tmp_path, monkeypatch):
    monkeypatch.delenv("TRACKER_DASHBOARD_INGEST", raising=False)
    with pytest.raises(IngestDisabled, match="TRACKER_DASHBOARD_INGEST=1"):
        start_ingest(build_request("https://ok.example/a"), tmp_path / "t.duckdb", tmp_path / "jobs")
    assert not (tmp_path / "jobs").exists()


def test_an_unvalidated_request_is_refused_at_start(tmp_path, monkeypatch):
    monkeypatch.setenv("TRACKER_DASHBOARD_INGEST", "1")
    with pytest.raises(RequestError, match="not an http"):
        start_ingest(IngestRequest(urls=("--allow-private",)), tmp_path / "t.duckdb", tmp_path / "jobs")


def test_a_job_ingests_urls_and_uploads_then_removes_its_uploads(server, db_path, tmp_path, monkeypatch):
    monkeypatch.setenv("TRACKER_DASHBOARD_INGEST", "1")
    monkeypatch.setenv("TRACKER_ALLOW_PRIVATE", "1")  # the test server is on 127.0.0.1
    url = server.add_page("/border", PAGES / "border_talks.html")
    server.routes["/hop"] = Route(b"", status=302, headers={"Location": "http://169.254.169.254/latest/meta-data/"})
    request = build_request(f"{url}\n{server.url('/hop')}\n",
                            [Upload("../report.html", (PAGES / "corridor_report.html").read_bytes())], timeout=2)
    job = start_ingest(request, db_path, tmp_path / "jobs")
    assert job.process.wait(120) == 0, job.tail()
    assert "2 stored (0 duplicates), 0 unchanged, 1 failed" in job.tail()
    assert not (job.folder / "uploads").exists()
    assert json.loads((job.folder / "exit.json").read_text())["code"] == 0
    with duckdb.connect(str(db_path), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM articles").fetchone() == (2,)
        (error,), = con.execute("SELECT error FROM failures").fetchall()
    assert error.startswith(f"{server.url('/hop')}: redirected to http://169.254.169.254/latest/meta-data/: refused: ")
    assert "not even with --allow-private" in error


def _job(root, name, *, pid=None, ended=None, age=dt.timedelta(0)):
    folder = root / name
    (folder / "uploads").mkdir(parents=True)
    (folder / "uploads" / "000-a.html").write_text("<html></html>")
    (folder / "request.json").write_text("{}")
    if pid is not None:
        (folder / "job.json").write_text(json.dumps({"pid": pid}))
    if ended is not None:
        (folder / "exit.json").write_text(json.dumps({"code": 0, "ended": ended.isoformat()}))
    stamp = (dt.datetime.now() - age).timestamp()
    os.utime(folder, (stamp, stamp))
    return folder


def test_cleanup_removes_ended_and_dead_jobs_only(tmp_path):
    now = dt.datetime.now(dt.UTC)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(dead.stdout)
    old_done = _job(tmp_path, "old-done", pid=dead_pid, ended=now - dt.timedelta(days=2))
    new_done = _job(tmp_path, "new-done", pid=dead_pid, ended=now - dt.timedelta(hours=1))
    running = _job(tmp_path, "running", pid=os.getpid(), age=dt.timedelta(days=3))
    killed_old = _job(tmp_path, "killed-old", pid=dead_pid, age=dt.timedelta(days=2))
    killed_new = _job(tmp_path, "killed-new", pid=dead_pid)
    (tmp_path / "not-a-job").mkdir()
    removed = submit.cleanup_jobs(tmp_path)
    assert sorted(p.name for p in removed) == ["killed-old", "old-done"]
    assert not old_done.exists() and not killed_old.exists()
    assert (new_done / "uploads").exists() and (running / "uploads").exists()
    assert killed_new.exists() and not (killed_new / "uploads").exists()  # a dead job's uploads go at once
    assert (tmp_path / "not-a-job").exists()


def test_cleanup_of_the_former_runners_logs_and_uploads(tmp_path):
    old_log, new_log = tmp_path / "tracker-job-a.log", tmp_path / "tracker-job-b.log"
    old_uploads, other = tmp_path / "tracker-upload-x", tmp_path / "unrelated.log"
    for path in (old_log, new_log, other):
        path.write_text("log")
    old_uploads.mkdir()
    (old_uploads / "000-a.html").write_text("<html></html>")
    stamp = (dt.datetime.now() - dt.timedelta(days=2)).timestamp()
    for path in (old_log, old_uploads, other):
        os.utime(path, (stamp, stamp))
    assert sorted(p.name for p in submit.cleanup_legacy(tmp_path)) == ["tracker-job-a.log", "tracker-upload-x"]
    assert new_log.exists() and other.exists() and not old_log.exists() and not old_uploads.exists()

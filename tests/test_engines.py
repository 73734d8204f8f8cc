"""Engines: the Dask engine on a real `distributed.LocalCluster` gives the same store as the local pool, keeps
input order, bounds the items in flight and refuses workers it cannot trust."""
from __future__ import annotations

import concurrent.futures
import json
import random
import socket
import threading
import time
from pathlib import Path

import duckdb
import pytest
from distributed import LocalCluster

from pipeline import cli
from pipeline.collect.inputs import Item
from pipeline.mentions.taxonomy import load_taxonomy
from pipeline.run import analyse, engines
from pipeline.run.ingest import ingest
from tests.conftest import FIXTURES, PAGES, WarcRecord, write_warc
from tests.test_ingest import options

# Columns that say when or in which run a row was written, not what was found.
RUN_COLUMNS = {"run_id", "fetched_at", "started", "finished"}


def snapshot(db: Path) -> dict[str, list[tuple]]:
    """Every row of every table (all schemas, the text index included), sorted, without RUN_COLUMNS and
    without the store's data_version stamp."""
    out = {}
    with duckdb.connect(str(db), read_only=True) as con:
        tables = con.execute("SELECT table_schema, table_name FROM information_schema.tables "
                             "WHERE table_type = 'BASE TABLE' ORDER BY 1, 2").fetchall()
        for schema, table in tables:
            columns = [c for (c,) in con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = ? AND table_name = ? "
                "ORDER BY ordinal_position", [schema, table]).fetchall() if c not in RUN_COLUMNS]
            quoted = ", ".join(f'"{c}"' for c in columns)
            rows = con.execute(f'SELECT {quoted} FROM "{schema}"."{table}"').fetchall()
            if (schema, table) == ("main", "meta"):
                rows = [r for r in rows if r[0] != "data_version"]
            out[f"{schema}.{table}"] = sorted(rows, key=repr)
    return out


def test_dask_store_equals_local_store(server, tmp_path):
    """Pages, a WARC, a download, JSONL items, duplicates and failures through both engines: the same rows."""
    statement = server.add_page("/statement", FIXTURES / "extract" / "meta_published.html")
    archive = write_warc(tmp_path / "crawl.warc.gz", [
        WarcRecord("https://archive.example/convoy", (PAGES / "corridor_report.html").read_bytes(),
                   date="2023-03-01T10:00:00Z"),
        WarcRecord("https://archive.example/logo.png", b"\x89PNG", content_type="image/png"),
        WarcRecord("https://archive.example/ru", (FIXTURES / "extract" / "russian.html").read_bytes(),
                   date="2023-03-13T06:00:00Z"),
    ])
    items = tmp_path / "items.jsonl"
    items.write_text("\n".join(json.dumps(row) for row in [
        {"html": (FIXTURES / "extract" / "syndicated_a.html").read_text(), "url": "https://harbor.example/a"},
        {"html": (FIXTURES / "extract" / "syndicated_b.html").read_text(), "url": "https://mountain.example/b"},
        {"text": "Officials in Yerevan and Baku said the Lachin corridor talks would resume next week, "
                 "according to a statement.", "title": "Talks resume", "published": "2023-05-02"},
    ]) + "\n")
    inputs = [str(PAGES), str(archive), statement, str(items), str(tmp_path / "missing.html")]

    local_db, dask_db = tmp_path / "local.duckdb", tmp_path / "dask.duckdb"
    local = ingest(inputs, options(local_db, tmp_path, workers=1))
    remote = ingest(inputs, options(dask_db, tmp_path, workers=2, engine="dask"))  # a LocalCluster of 2 processes

    assert (remote.ok, remote.failed, remote.duplicates) == (local.ok, local.failed, local.duplicates) == (9, 2, 2)
    assert remote.left_out == local.left_out == {str(archive): {"not HTML (image/png)": 1}}
    local_rows, dask_rows = snapshot(local_db), snapshot(dask_db)
    assert local_rows.keys() == dask_rows.keys()
    for table in local_rows:
        assert dask_rows[table] == local_rows[table], table
    assert len(local_rows["main.articles"]) == 9 and len(local_rows["main.statements"]) > 0
    # capture times are data, the same on both (the archived convoy page is the folder's page: unchanged)
    with duckdb.connect(str(dask_db), read_only=True) as con:
        assert con.execute("SELECT url, fetched_at::VARCHAR FROM articles WHERE url LIKE 'https://archive.example/%' "
                           "ORDER BY url").fetchall() == [("https://archive.example/ru", "2023-03-13 06:00:00")]


def _echo(item: Item, page: bytes | None, final_url: str | None) -> tuple[str, bytes | None, bool]:
    """Work for the engine tests: sleep a little (so tasks finish out of order) and report what arrived,
    and whether this worker's analyser was set up by the plugin."""
    time.sleep(random.random() * 0.01)
    if item.input == "boom":
        raise RuntimeError("boom")
    return item.input, page, analyse.worker().taxonomy is not None


@pytest.fixture
def threads_cluster():
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        yield cluster


def test_dask_engine_keeps_order_and_bounds_items_in_flight(threads_cluster, monkeypatch):
    monkeypatch.setattr(analyse, "_WORKER", None)
    pulled = 0

    def items():
        nonlocal pulled
        for n in range(400):
            pulled += 1
            yield Item(input="boom" if n == 123 else f"item-{n}")

    task = engines.Task(prepare=lambda item: (item.input.encode(), None), work=_echo,
                        lost=lambda item, reason: (item.input, reason, None))
    results, ahead = [], 0
    engine = engines.Dask(load_taxonomy(None), threads_cluster.scheduler_address, workers=1)
    for result in engine.results(items(), task):
        ahead = max(ahead, pulled - len(results))
        results.append(result)

    assert [r[0] for r in results] == ["boom" if n == 123 else f"item-{n}" for n in range(400)]
    assert results[5] == ("item-5", b"item-5", True)  # the page was read here and shipped; the plugin ran
    assert results[123] == ("boom", "RuntimeError: boom", None)
    assert ahead <= max(8, 2 * engines.PER_WORKER)  # 2 worker threads


def test_local_engine_bounds_items_in_flight_too():
    pulled = 0

    def items():
        nonlocal pulled
        for n in range(200):
            pulled += 1
            yield Item(input=f"item-{n}", html="<p>x</p>")

    task = engines.Task(prepare=lambda item: (None, None), work=_echo, lost=lambda item, reason: None)
    results, ahead = [], 0
    for result in engines.Local(workers=1, taxonomy_path=None).results(items(), task):
        ahead = max(ahead, pulled - len(results))
        results.append(result)
    assert [r[0] for r in results] == [f"item-{n}" for n in range(200)]
    assert ahead <= 8


def test_in_order_calls_idle_while_a_slow_item_holds_the_order(monkeypatch):
    """Results already yielded are the caller's to write while the next one is slow: `idle` is called
    while nothing finishes, and not while results keep coming."""
    monkeypatch.setattr(engines, "IDLE_SECONDS", 0.1)
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=4)
    slow = threading.Event()
    events: list[str] = []

    def work(item: Item) -> str:
        if item.input == "slow":
            slow.wait(5)
        return item.input

    def idle() -> None:
        events.append("idle")
        if events.count("idle") == 3:
            slow.set()

    items = [Item(input=name) for name in ("a", "b", "slow", "c")]
    for result in engines.in_order(items, lambda item: pool.submit(work, item), lambda: 8, idle):
        events.append(result)
    pool.shutdown()
    assert events == ["a", "b", "idle", "idle", "idle", "slow", "c"]
    assert list(engines.in_order(items[:2], lambda item: _done(item.input), lambda: 8, idle)) == ["a", "b"]
    assert events.count("idle") == 3  # finished results: no idle call


def _done(value: object) -> concurrent.futures.Future:
    future: concurrent.futures.Future = concurrent.futures.Future()
    future.set_result(value)
    return future


def test_worker_running_other_code_is_refused(threads_cluster, monkeypatch):
    versions = iter(["client-version", "worker-version", "worker-version"])
    monkeypatch.setattr(engines, "code_version", lambda: next(versions))
    with pytest.raises(engines.EngineError, match="runs other pipeline code or libraries .* install the same project"):
        engines.Dask(load_taxonomy(None), threads_cluster.scheduler_address, workers=1)


def test_unreachable_scheduler_is_one_clear_error():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(engines.EngineError, match=f"cannot reach the Dask scheduler at tcp://127.0.0.1:{port}"):
        engines.Dask(load_taxonomy(None), f"tcp://127.0.0.1:{port}", workers=1, connect_timeout=2)


def test_scheduler_needs_the_dask_engine(db_path, capsys):
    code = cli.main(["ingest", "--scheduler", "tcp://127.0.0.1:8786", str(PAGES / "border_talks.html")])
    assert code == cli.EXIT_USAGE
    assert "--scheduler needs --engine dask" in capsys.readouterr().err
    assert not db_path.exists()


"""The DuckDB store: schema, migration, locking behaviour, batch writes and the retag swap."""
from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time

import duckdb
import pandas as pd
import pytest

from pipeline import store


def _hold_lock(path: str, ready, seconds: float) -> None:
    con = duckdb.connect(path)
    ready.set()
    time.sleep(seconds)
    con.close()


def test_schema_has_the_contract_tables(tmp_path):
    with store.open_store(tmp_path / "t.duckdb") as con:
        tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        assert {"schema_version", "articles", "sources", "runs", "failures", "entities", "mentions",
                "statements", "statement_mentions"} <= tables
        assert con.execute("SELECT version FROM schema_version").fetchall() == [(store.SCHEMA_VERSION,)]
        cols = [r[0] for r in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'articles' "
            "ORDER BY ordinal_position").fetchall()]
        assert cols[:15] == ["article_id", "url", "canonical_url", "source", "hostname", "title", "author",
                             "published", "date_source", "language", "text", "content_hash", "duplicate_of",
                             "fetched_at", "run_id"]
        assert con.execute("SELECT data_type FROM information_schema.columns "
                           "WHERE table_name = 'runs' AND column_name = 'inputs'").fetchone() == ("VARCHAR[]",)


def test_an_older_database_is_migrated_on_open(tmp_path):
    path = tmp_path / "old.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE TABLE schema_version (version INTEGER); INSERT INTO schema_version VALUES (0)")
        con.execute("CREATE TABLE articles (article_id VARCHAR PRIMARY KEY, url VARCHAR, canonical_url VARCHAR, "
                    "source VARCHAR, hostname VARCHAR, title VARCHAR, author VARCHAR, published DATE, "
                    "date_source VARCHAR, language VARCHAR, text VARCHAR, content_hash VARCHAR, "
                    "duplicate_of VARCHAR, fetched_at TIMESTAMP, run_id VARCHAR)")
        con.execute("INSERT INTO articles (article_id, title) VALUES ('a1', 'kept')")
    with store.open_store(path) as con:
        assert con.execute("SELECT version FROM schema_version").fetchall() == [(store.SCHEMA_VERSION,)]
        assert con.execute("SELECT title, raw_sha256 FROM articles").fetchall() == [("kept", None)]
        assert con.execute("SELECT count(*) FROM meta").fetchone() == (0,)


def test_a_version_1_store_gets_genres_speaker_keys_and_the_cluster_view(tmp_path):
    path = tmp_path / "v1.duckdb"
    with store.open_store(path) as con:     # build the current schema, then take it back to version 1
        con.execute("DROP VIEW statement_clusters; ALTER TABLE articles DROP COLUMN genre; "
                    "ALTER TABLE statements DROP COLUMN speaker_key; UPDATE schema_version SET version = 1")
        con.execute("INSERT INTO sources VALUES ('mfa', 'mfa.example', 'MFA', NULL, 'government', NULL), "
                    "('wire', 'wire.example', 'Wire', NULL, 'independent media', NULL)")
        con.execute("INSERT INTO articles (article_id, source, text) VALUES ('a1', 'mfa', 'x'), ('a2', 'wire', 'y'), "
                    "('a3', 'unlisted', 'z')")
        con.execute("INSERT INTO statements (statement_id, article_id, quote, cluster_id) VALUES ('s1', 'a1', 'q', 's1')")
    with store.open_store(path) as con:
        assert con.execute("SELECT version FROM schema_version").fetchall() == [(store.SCHEMA_VERSION,)]
        assert con.execute("SELECT article_id, genre FROM articles ORDER BY 1").fetchall() == [
            ("a1", "release"), ("a2", "news"), ("a3", "news")]
        assert con.execute("SELECT statement_id, speaker_key FROM statements").fetchall() == [("s1", None)]
        assert con.execute("SELECT cluster_id, primary_statement_id, reports FROM statement_clusters").fetchall() == [
            ("s1", "s1", 0)]


def test_a_store_with_key_indexes_loses_them_and_keeps_its_rows(tmp_path):
    """Version 3: DuckDB rewrites a table's whole PRIMARY KEY index at every checkpoint after a
    write (seconds per batch on a 100 k store), so raw_pages carries no such index; articles keeps
    the Contract's key."""
    path = tmp_path / "v2.duckdb"
    with store.open_store(path) as con:     # the current schema, then articles and raw_pages keyed as in version 2
        con.execute("DROP TABLE articles; DROP TABLE raw_pages; UPDATE schema_version SET version = 2")
        con.execute("CREATE TABLE articles (article_id VARCHAR PRIMARY KEY, url VARCHAR, canonical_url VARCHAR, "
                    "source VARCHAR, hostname VARCHAR, title VARCHAR, author VARCHAR, published DATE, "
                    "date_source VARCHAR, language VARCHAR, text VARCHAR, content_hash VARCHAR, "
                    "duplicate_of VARCHAR, fetched_at TIMESTAMP, run_id VARCHAR, raw_sha256 VARCHAR, genre VARCHAR)")
        con.execute("CREATE TABLE raw_pages (raw_sha256 VARCHAR PRIMARY KEY, html_gz BLOB)")
        con.execute("INSERT INTO articles (article_id, title, genre) VALUES ('a1', 'kept', 'news'), ('a2', 'too', NULL)")
        con.execute("INSERT INTO raw_pages VALUES ('r1', 'x'::BLOB)")
    with store.open_store(path) as con:
        assert con.execute("SELECT table_name FROM duckdb_constraints() WHERE constraint_type = 'PRIMARY KEY' "
                           "AND table_name IN ('articles', 'raw_pages')").fetchall() == [("articles",)]
        assert con.execute("SELECT article_id, title, genre FROM articles ORDER BY 1").fetchall() == [
            ("a1", "kept", "news"), ("a2", "too", None)]
        assert con.execute("SELECT raw_sha256 FROM raw_pages").fetchall() == [("r1",)]
        assert [c for c, in con.execute("SELECT column_name FROM duckdb_columns() WHERE table_name = 'articles' "
                                        "ORDER BY column_index").fetchall()] == store.COLUMNS["articles"]
        assert con.execute("SELECT version FROM schema_version").fetchall() == [(store.SCHEMA_VERSION,)]


def test_a_store_at_this_schema_is_not_migrated_again(tmp_path):
    path = tmp_path / "t.duckdb"
    with store.open_store(path) as con:
        con.execute("DROP VIEW statement_clusters")   # what a migration would recreate
    with store.open_store(path) as con:
        assert con.execute("SELECT count(*) FROM duckdb_views() WHERE view_name = 'statement_clusters'").fetchone() == (0,)
        con.execute("COMMENT ON TABLE schema_version IS 'another schema'")
    with store.open_store(path) as con:
        assert con.execute("SELECT count(*) FROM duckdb_views() WHERE view_name = 'statement_clusters'").fetchone() == (1,)


def test_write_batch_refuses_an_article_id_stored_already_or_twice(tmp_path):
    with store.open_store(tmp_path / "t.duckdb") as con:
        store.write_batch(con, {"articles": store.frame("articles", [{"article_id": "a1", "title": "one"}])}, [])
        with pytest.raises(duckdb.ConstraintException, match="a1"):
            store.write_batch(con, {"articles": store.frame("articles", [{"article_id": "a1", "title": "again"}])}, [])
        twice = store.frame("articles", [{"article_id": "a2", "title": "two"}, {"article_id": "a2", "title": "two"}])
        with pytest.raises(duckdb.ConstraintException, match="a2"):
            store.write_batch(con, {"articles": twice}, [])
        raw = store.frame("raw_pages", [{"raw_sha256": "r1", "html_gz": b"x"}])
        for article_id in ("a3", "a4"):   # the same page twice: stored once
            store.write_batch(con, {"articles": store.frame("articles", [{"article_id": article_id}]), "raw_pages": raw}, [])
        assert con.execute("SELECT article_id FROM articles ORDER BY 1").fetchall() == [("a1",), ("a3",), ("a4",)]
        assert con.execute("SELECT count(*) FROM raw_pages").fetchone() == (1,)


def test_writer_waits_for_a_lock_then_gives_up(tmp_path):
    path = tmp_path / "t.duckdb"
    store.connect(path).close()
    ready = multiprocessing.Event()
    holder = multiprocessing.Process(target=_hold_lock, args=(str(path), ready, 1.5))
    holder.start()
    ready.wait(10)
    try:
        with pytest.raises(store.StoreBusy, match="locked by another process"):
            store.connect(path, wait=0.3)
        started = time.monotonic()
        with store.open_store(path, wait=10) as con:  # the holder lets go after 1.5 s
            assert con.execute("SELECT 1").fetchone() == (1,)
        assert time.monotonic() - started < 5
    finally:
        holder.join()


def test_write_batch_is_all_or_nothing(tmp_path):
    with store.open_store(tmp_path / "t.duckdb") as con:
        good = store.frame("articles", [{"article_id": "a1", "title": "one", "content_hash": "h1"}])
        store.write_batch(con, {"articles": good}, [])
        clash = store.frame("articles", [{"article_id": "a2", "title": "two"}, {"article_id": "a1", "title": "again"}])
        mentions = store.frame("mentions", [{"article_id": "a2", "entity_id": "armenia", "sentence_no": 0,
                                             "char_start": 0, "char_end": 7, "surface": "Armenia"}])
        with pytest.raises(duckdb.ConstraintException):
            store.write_batch(con, {"mentions": mentions, "articles": clash}, [])
        assert con.execute("SELECT article_id FROM articles").fetchall() == [("a1",)]
        assert con.execute("SELECT count(*) FROM mentions").fetchone() == (0,)


def test_replacing_an_article_drops_its_old_rows(tmp_path):
    with store.open_store(tmp_path / "t.duckdb") as con:
        first = {"articles": store.frame("articles", [{"article_id": "a1", "title": "old"}]),
                 "statements": store.frame("statements", [{"statement_id": "s1", "article_id": "a1"}]),
                 "statement_mentions": store.frame("statement_mentions", [{"statement_id": "s1", "entity_id": "x"}])}
        store.write_batch(con, first, [])
        second = {"articles": store.frame("articles", [{"article_id": "a1", "title": "new"}])}
        store.write_batch(con, second, ["a1"])
        assert con.execute("SELECT title FROM articles").fetchall() == [("new",)]
        assert con.execute("SELECT count(*) FROM statements").fetchone() == (0,)
        assert con.execute("SELECT count(*) FROM statement_mentions").fetchone() == (0,)


def test_swap_derived_replaces_tables_in_one_go(tmp_path):
    with store.open_store(tmp_path / "t.duckdb") as con:
        store.write_batch(con, {"mentions": store.frame("mentions", [
            {"article_id": "a1", "entity_id": "old", "sentence_no": 0, "char_start": 0, "char_end": 3,
             "surface": "old"}])}, [])
        staged = tmp_path / "m.parquet"
        store.frame("mentions", [{"article_id": "a1", "entity_id": "new", "sentence_no": 1, "char_start": 4,
                                  "char_end": 7, "surface": "new"}]).to_parquet(staged, index=False)
        entities = store.frame("entities", [{"entity_id": "new", "kind": "actor", "name": "New"}])
        store.swap_derived(con, {"mentions": [staged]}, entities)
        assert con.execute("SELECT entity_id, sentence_no FROM mentions").fetchall() == [("new", 1)]
        assert con.execute("SELECT entity_id FROM entities").fetchall() == [("new",)]
        assert con.execute("SELECT count(*) FROM statements").fetchone() == (0,)
        types = dict(con.execute("SELECT column_name, data_type FROM information_schema.columns "
                                 "WHERE table_name = 'mentions'").fetchall())
        assert types["char_start"] == "INTEGER"


def test_frame_keeps_column_order_and_fills_missing():
    df = store.frame("statement_mentions", [{"entity_id": "armenia", "statement_id": "s"}])
    assert list(df.columns) == ["statement_id", "entity_id"]
    assert df.iloc[0].tolist() == ["s", "armenia"]
    assert store.frame("entities", [{"entity_id": "x"}])["lat"].isna().all()
    assert isinstance(df, pd.DataFrame)


def test_stored_mention_digests_match_the_analysers(tmp_path):
    from pipeline.run.analyse import EMPTY_DIGEST, mentions_digest

    keys = [("armenia", 40, 47), ("armenia", 3, 10), ("ереван_город", 3, 10), ("baku", 120, 124)]
    kinds = {"armenia": "actor", "ереван_город": "place"}  # baku: no longer in the taxonomy
    with store.open_store(tmp_path / "t.duckdb") as con:
        store.write_batch(con, {"mentions": store.frame("mentions", [
            {"article_id": "a1", "entity_id": e, "sentence_no": 0, "char_start": s, "char_end": t, "surface": "x"}
            for e, s, t in keys])}, [])
        store.replace_table(con, "entities", store.frame("entities", [
            {"entity_id": e, "kind": k, "name": e} for e, k in kinds.items()]))
        stored = store.stored_mention_digests(con, ["a1", "a2"])
    with_kinds = [(e, kinds.get(e, ""), s, t) for e, s, t in keys]
    assert stored == {"a1": mentions_digest(reversed(with_kinds))}  # order-free; a2 has no mentions
    assert mentions_digest(with_kinds[:3]) != stored["a1"] != EMPTY_DIGEST
    # An entity whose kind changed (a theme turned place) changes the digest: its statements are redone.
    assert mentions_digest([(e, "theme" if k == "place" else k, s, t) for e, k, s, t in with_kinds]) != stored["a1"]


# ---------------------------------------------------------------------------------------------
# The run lock: one writer per store for a whole run
# ---------------------------------------------------------------------------------------------

def _hold_run_lock(path: str, ready, seconds: float, fork_child: bool) -> None:
    with store.run_lock(path, command="ingest"):
        if fork_child:  # a pool worker forked while the lock is held must not keep it alive
            multiprocessing.get_context("fork").Process(target=time.sleep, args=(30,), daemon=False).start()
        ready.set()
        time.sleep(seconds)


def test_run_lock_waits_then_names_the_holder(tmp_path):
    path = tmp_path / "t.duckdb"
    ready = multiprocessing.Event()
    holder = multiprocessing.Process(target=_hold_run_lock, args=(str(path), ready, 1.5, False))
    holder.start()
    ready.wait(10)
    try:
        with pytest.raises(store.StoreBusy) as err, store.run_lock(path, wait=0.3):
            pass
        assert str(err.value).startswith(f"{path}: busy: ingest (pid {holder.pid} on ")
        assert str(err.value).endswith("is writing to it; waited 0.3 s (try again later or raise --wait)")
        started = time.monotonic()
        with store.run_lock(path, wait=10):  # the holder lets go after 1.5 s
            assert store.lock.holder(path)["pid"] == os.getpid()
        assert time.monotonic() - started < 5
        assert store.lock.holder(path) is None
    finally:
        holder.join()


def test_a_lock_left_by_a_killed_run_is_taken_over_at_once(tmp_path, capfd):
    path = tmp_path / "t.duckdb"
    ready = multiprocessing.Event()
    holder = multiprocessing.Process(target=_hold_run_lock, args=(str(path), ready, 60, True))
    holder.start()
    ready.wait(10)
    os.kill(holder.pid, signal.SIGKILL)
    holder.join()
    started = time.monotonic()
    with store.run_lock(path, wait=5):
        pass
    assert time.monotonic() - started < 1  # its forked child still lives, but does not hold the lock
    note = capfd.readouterr().err
    assert note == f"note: {path}: taking over the lock left by ingest (pid {holder.pid} on " + note.split(" on ", 1)[1]
    assert note.rstrip().endswith("no longer running")


def test_run_lock_is_reentrant_in_one_thread_and_exclusive_across_threads(tmp_path):
    path = tmp_path / "t.duckdb"
    with store.run_lock(path, command="sample"):
        with store.run_lock(path, command="ingest"):
            assert store.lock.holder(path)["command"] == "sample"
        errors = []

        def other() -> None:
            try:
                with store.run_lock(path, wait=0.2):
                    pass
            except store.StoreBusy as exc:
                errors.append(str(exc))

        thread = threading.Thread(target=other)
        thread.start()
        thread.join()
        assert errors and "busy" in errors[0]


def test_connections_carry_a_duckdb_memory_limit(tmp_path, monkeypatch):
    monkeypatch.delenv("TRACKER_DUCKDB_MEMORY", raising=False)
    path = tmp_path / "t.duckdb"

    def limit(con) -> str:
        return con.execute("SELECT current_setting('memory_limit')").fetchone()[0]

    with store.open_store(path) as con:
        assert limit(con) == "488.2 MiB"     # 512 MB: the writer shares the machine with the workers
    with store.open_store(path, read_only=True) as con:
        assert limit(con) == "1.8 GiB"       # 2 GB for a reader
    monkeypatch.setenv("TRACKER_DUCKDB_MEMORY", "300MB")
    with store.open_store(path) as con:
        assert limit(con) == "286.1 MiB"
    monkeypatch.setenv("TRACKER_DUCKDB_MEMORY", "lots")
    with pytest.raises(store.StoreError, match="TRACKER_DUCKDB_MEMORY='lots': not a memory size"):
        store.connect(path)


def test_running_out_of_duckdbs_memory_limit_is_one_line_naming_the_setting_and_the_repair(tmp_path, monkeypatch):
    """An upkeep that outgrows the writer's memory limit is a store failure the command line reports in
    one line (it printed a traceback): the setting to raise and the command that finishes the upkeep."""
    monkeypatch.setenv("TRACKER_DUCKDB_MEMORY", "24MB")
    path = tmp_path / "t.duckdb"
    with store.open_store(path) as con, pytest.raises(duckdb.OutOfMemoryException) as caught:
        con.execute("SELECT list(i ORDER BY i DESC) FROM range(20000000) t(i) GROUP BY i % 1000000").fetchall()
    assert store.is_store_failure(caught.value)
    line = store.describe_error(path, caught.value)
    assert line.startswith(f"{path}: DuckDB ran out of its memory limit (Out of Memory Error: failed to allocate")
    assert "raise it with TRACKER_DUCKDB_MEMORY" in line and "`python -m pipeline repair`" in line
    assert "Possible solutions" not in line and "\n" not in line

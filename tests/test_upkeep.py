"""End-of-run upkeep that costs what the change costs (pipeline/run/finish.py, store/changes.py,
store/statement_upkeep.py, store/text_index.update_text_index, store/rollups.update): after batches of
new, duplicate, changed and removed articles, statement clusters, speakers' states, the text index
and every summary table hold what a full rebuild gives, row for row."""
from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from pipeline import store
from pipeline.query import queries, where
from pipeline.query.filters import Filters
from pipeline.run import finish
from pipeline.run.ingest import Options, ingest
from pipeline.run.repair import differences, rebuilt_copy, repair
from pipeline.statements import assign_clusters
from pipeline.store import changes, rollups
from tests.conftest import FIXTURES, PAGES

ROOT = Path(__file__).resolve().parent.parent
STATEMENT_PAGES = FIXTURES / "statements"
D = dt.date


@pytest.fixture
def incremental(monkeypatch):
    """Summary tables on every store, and the incremental upkeep whatever share of it a run changed."""
    monkeypatch.setattr(rollups, "MIN_ARTICLES", 1)
    monkeypatch.setattr(finish, "WHOLE_SHARE", 1.0)


def full_rebuild(db: Path, name: str = "reference.duckdb", statements: bool = True) -> Path:
    """A copy of the store with everything derived recomputed over the whole store, beside it."""
    return rebuilt_copy(db, db.with_name(name), statements)


def run(db: Path, *pages: Path | str, sources: Path = STATEMENT_PAGES / "sources.yaml"):
    summary = ingest([str(p) for p in pages], Options(db=db, sources=sources, workers=1, progress=False))
    assert summary.failed == 0, summary.failures
    return summary


def changed_copy(page: Path, folder: Path, old: str, new: str) -> Path:
    """The page with one phrase changed (same canonical URL: the same article, new content)."""
    text = page.read_text(encoding="utf-8")
    assert old in text
    out = folder / page.name
    out.write_text(text.replace(old, new), encoding="utf-8")
    return out


def test_upkeep_after_each_batch_equals_a_full_rebuild(db_path, tmp_path, incremental, caplog):
    """Real pages in batches (an ingest run each): a news report, then the briefing it quotes (the
    primary statement must now lead its cluster) and a syndicated copy (a duplicate), then a second
    report, speakers whose state one article teaches the other, a changed page (replaced article),
    and a removal; after each, everything derived equals a full rebuild."""
    caplog.set_level(logging.INFO, logger="pipeline.run.finish")
    edited = tmp_path / "edited"
    edited.mkdir()
    batches = [
        [STATEMENT_PAGES / "news_report_a.html", PAGES / "border_talks.html", PAGES / "corridor_report.html"],
        [STATEMENT_PAGES / "en_briefing.html", PAGES / "border_talks_syndicated.html"],
        [STATEMENT_PAGES / "news_report_b.html", STATEMENT_PAGES / "news_speakers.html"],
        [STATEMENT_PAGES / "ru_news_speakers.html", STATEMENT_PAGES / "en_readout.html"],
        [changed_copy(STATEMENT_PAGES / "news_report_b.html", edited, "dialogue going", "dialogue going, he added")],
    ]
    for n, pages in enumerate(batches):
        caplog.clear()
        run(db_path, *pages)
        assert differences(db_path, full_rebuild(db_path)) == {}, f"after batch {n + 1}"
        if n:
            assert any(r.getMessage().startswith("incremental upkeep") for r in caplog.records)
    with store.open_store(db_path, read_only=True) as con:
        primary = con.execute("SELECT s.statement_id FROM statements s JOIN articles a USING (article_id) "
                              "WHERE a.genre = 'transcript' AND s.quote = 'We urge both sides to keep the dialogue going.'"
                              ).fetchone()[0]
        assert con.execute("SELECT count(*) FROM statements WHERE cluster_id = ?", [primary]).fetchone()[0] >= 2
        assert con.execute("SELECT count(*) FROM articles WHERE duplicate_of IS NOT NULL").fetchone() == (1,)
        state = con.execute("SELECT DISTINCT speaker_state_id FROM statements WHERE speaker = 'Турал Гасымзаде'"
                            ).fetchall()
        assert state == [("azerbaijan",)]  # learnt from the other article, in another batch
        removed = con.execute("SELECT article_id FROM articles WHERE canonical_url LIKE '%ned-price-dialogue%'"
                              ).fetchone()[0]
    with store.open_store(db_path) as con:
        store.delete_articles(con, [removed])
    assert repair(db_path).done.mode == "incremental"
    assert differences(db_path, full_rebuild(db_path)) == {}
    with store.open_store(db_path, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM changed_articles").fetchone() == (0,)
        assert store.upkeep_pending(con) is None


def _article_rows(con: duckdb.DuckDBPyConnection, ids: list[str]) -> dict[str, pd.DataFrame]:
    frames = {table: con.execute(f"SELECT * FROM {table} WHERE article_id = ANY(?)", [ids]).df()
              for table in ("articles", "sentences", "mentions", "statements")}
    frames["statement_mentions"] = con.execute(
        "SELECT * FROM statement_mentions WHERE statement_id IN (SELECT statement_id FROM statements "
        "WHERE article_id = ANY(?))", [ids]).df()
    return frames


def test_incremental_upkeep_on_the_generated_store_equals_a_full_rebuild(large_stores, tmp_path, monkeypatch):
    """The generated store with every summary table materialised: new real pages (a new taxonomy's
    entities with them), articles changed in place (new date, source, language, text; one becoming a
    duplicate, one a duplicate no more), articles removed (statements in clusters of several among
    them), then one upkeep: every summary table and the text index equal a rebuild from the base tables,
    and searches find the same articles."""
    monkeypatch.setattr(rollups, "MIN_ARTICLES", 1_000)
    monkeypatch.setattr(finish, "WHOLE_SHARE", 1.0)
    db = tmp_path / "store.duckdb"
    shutil.copy(large_stores["tables"], db)
    run(db, STATEMENT_PAGES / "news_report_a.html", STATEMENT_PAGES / "en_briefing.html", PAGES / "border_talks.html")
    monthly = "SELECT month, sum(articles) FROM pair_months GROUP BY month ORDER BY month"
    with store.open_store(db) as con:
        pair_months = con.execute(monthly).fetchall()
        changed = [r[0] for r in con.execute(
            "SELECT article_id FROM articles WHERE article_id IN (SELECT article_id FROM statements) "
            "AND duplicate_of IS NULL ORDER BY article_id LIMIT 12").fetchall()]
        former_copy = con.execute("SELECT article_id FROM articles WHERE duplicate_of IS NOT NULL "
                                  "ORDER BY article_id LIMIT 1").fetchone()[0]
        frames = _article_rows(con, [*changed, former_copy])
        arts = frames["articles"]
        moved = arts["article_id"].isin(changed[:6])
        arts.loc[moved, "published"] = arts.loc[moved, "published"] + pd.Timedelta(days=40)
        arts.loc[moved, "source"] = "source00"
        arts.loc[moved, "language"] = "hy"
        arts.loc[moved, "text"] = arts.loc[moved, "text"] + " lachin corridor convoy reopened zzyzxnewword"
        arts.loc[arts["article_id"] == changed[6], "duplicate_of"] = changed[7]
        arts.loc[arts["article_id"] == former_copy, "duplicate_of"] = None
        frames["mentions"] = frames["mentions"][~frames["mentions"]["article_id"].isin(changed[8:10])]
        store.write_batch(con, frames, [*changed, former_copy])
        clustered = [r[0] for r in con.execute(
            "SELECT article_id FROM statements WHERE cluster_id IN (SELECT cluster_id FROM statements "
            "GROUP BY cluster_id HAVING count(*) > 1) AND article_id <> ALL(?) ORDER BY article_id LIMIT 8",
            [changed]).fetchall()]
        store.delete_articles(con, clustered)
        assert changes.pending(con) == len({*changed, former_copy, *clustered})
        done = finish.upkeep(con)
        finish.done(con)
        assert con.execute(monthly).fetchall() != pair_months  # moved, removed: the per-month pairs follow
    assert done.mode == "incremental"
    reference = full_rebuild(db, statements=False)
    assert differences(db, reference) == {}
    for q in ("zzyzxnewword", "lachin corridor", "corridor talks"):
        found = {}
        for path in (db, reference):
            with store.open_store(path, read_only=True) as con:
                found[path] = [where.text_matches(con, q, s)["article_key"].tolist() for s in ("plain", "postings")]
        assert found[db] == found[reference] and found[db][0] == found[db][1], q
    assert found[db][0]


def _statement(sid: str, article: str, quote: str, said: D | None, speaker: str = "Ilse Brandt") -> dict:
    return {"statement_id": sid, "article_id": article, "speaker": speaker, "speaker_role": "envoy",
            "speaker_key": "p:brnd:i" if speaker == "Ilse Brandt" else "p:lnd:o", "quote": quote, "kind": "direct",
            "statement_type": "appeal", "said_on": said, "cluster_id": sid}


def _write(db: Path, articles: list[tuple[str, str]], statements: list[dict], removed: list[str] = ()) -> str:
    """Write articles (id, genre) with their statements as one batch, remove others, and run the upkeep."""
    with store.open_store(db) as con:
        store.write_batch(con, {
            "articles": store.frame("articles", [{"article_id": a, "genre": g, "title": a, "text": a, "source": "s",
                                                  "content_hash": a} for a, g in articles]),
            "statements": store.frame("statements", statements)}, [], {store.UPKEEP_PENDING: "test"})
        if removed:
            store.delete_articles(con, list(removed))
        mode = finish.upkeep(con).mode
        finish.done(con)
        return mode


def clusters(db: Path) -> dict[str, str]:
    with store.open_store(db, read_only=True) as con:
        return dict(con.execute("SELECT statement_id, cluster_id FROM statements").fetchall())


def recomputed(db: Path) -> dict[str, str]:
    """Clusters recomputed by assign_clusters over every statement at once."""
    with store.open_store(db, read_only=True) as con:
        frame = con.execute("SELECT s.*, a.genre FROM statements s JOIN articles a USING (article_id)").df()
    return dict(zip(frame["statement_id"], assign_clusters(frame), strict=True))


def test_new_statements_join_merge_and_split_clusters_as_a_full_recomputation(db_path, monkeypatch):
    """Clusters link near-identical quotes of one speaker said within 21 days: a report between two
    others a month apart merges their clusters, removing it splits them again, a transcript's
    statement (primary source) takes the lead, undated reports link whatever their dates."""
    monkeypatch.setattr(finish, "WHOLE_SHARE", 1.0)
    quote = "We call for the full restoration of free movement through the corridor"
    assert _write(db_path, [("a1", "news"), ("a3", "news"), ("u1", "news"), ("x1", "news")], [
        _statement("s1", "a1", quote, D(2023, 3, 1)), _statement("s3", "a3", quote + " now", D(2023, 3, 30)),
        _statement("u1", "u1", "The talks will resume next week in the capital", None),
        _statement("o1", "x1", quote, D(2023, 3, 1), speaker="Oskar Lind")]) == "incremental"
    assert clusters(db_path) == recomputed(db_path) == {"s1": "s1", "s3": "s3", "u1": "u1", "o1": "o1"}
    _write(db_path, [("a2", "news"), ("u2", "news")], [
        _statement("s2", "a2", quote + " at once", D(2023, 3, 15)),
        _statement("u2", "u2", "the talks will resume next week in the capital", None)])
    assert clusters(db_path) == recomputed(db_path) == {
        "s1": "s1", "s2": "s1", "s3": "s1", "u1": "u1", "u2": "u1", "o1": "o1"}
    _write(db_path, [], [], removed=["a2"])
    assert clusters(db_path) == recomputed(db_path) == {"s1": "s1", "s3": "s3", "u1": "u1", "u2": "u1", "o1": "o1"}
    _write(db_path, [("t9", "transcript")], [_statement("t9", "t9", quote, D(2023, 3, 2))])
    assert clusters(db_path) == recomputed(db_path) == {
        "s1": "t9", "s3": "s3", "t9": "t9", "u1": "u1", "u2": "u1", "o1": "o1"}


def test_a_failed_upkeep_keeps_the_change_record_and_repair_finishes_it(db_path, incremental, monkeypatch):
    """An upkeep that fails half way (here: in the summary tables) rolls back the clusters and the text
    index with it, keeps the marker and the record of changed articles; `repair` then finishes it."""
    run(db_path, PAGES / "border_talks.html", STATEMENT_PAGES / "news_report_a.html")

    def broken(*args, **kwargs):
        raise duckdb.IOException("disk gone")

    rollups_update = rollups.update
    monkeypatch.setattr(rollups, "update", broken)
    with pytest.raises(duckdb.IOException):
        run(db_path, STATEMENT_PAGES / "en_briefing.html", PAGES / "corridor_report.html")
    with store.open_store(db_path, read_only=True) as con:
        assert store.upkeep_pending(con)
        assert changes.pending(con) == 2
        assert store.text_index_size(con) == 2  # the index update was rolled back with the rest
    monkeypatch.setattr(rollups, "update", rollups_update)
    assert repair(db_path).done.mode == "incremental"
    assert differences(db_path, full_rebuild(db_path)) == {}


# An ingest in a real process that kills itself (SIGKILL) inside the incremental upkeep's transaction,
# once statement clusters and the text index are updated and before the summary tables are.
KILL_INSIDE_UPKEEP = """
import os, signal, sys
import pipeline.store as store
from pipeline import cli
from pipeline.run import finish
from pipeline.store import rollups
rollups.MIN_ARTICLES = 1
finish.WHOLE_SHARE = 1.0
original = store.update_text_index
def crash(*args, **kwargs):
    original(*args, **kwargs)
    os.kill(os.getpid(), signal.SIGKILL)
store.update_text_index = crash
sys.exit(cli.main({argv!r}))
"""


def test_kill_9_inside_the_incremental_upkeep_is_recovered_by_repair(db_path, incremental):
    """kill -9 mid-upkeep: the batch stays stored, the upkeep's transaction is lost whole (the text
    index covers the old articles only), the marker and the change record stay; `repair` then does
    the incremental upkeep it owed, equal to a full rebuild, and clears both."""
    run(db_path, PAGES / "border_talks.html", STATEMENT_PAGES / "news_report_a.html")
    argv = ["ingest", "--quiet", "--workers", "1", "--sources", str(STATEMENT_PAGES / "sources.yaml"),
            str(STATEMENT_PAGES / "en_briefing.html"), str(PAGES / "corridor_report.html")]
    killed = subprocess.run([sys.executable, "-c", KILL_INSIDE_UPKEEP.format(argv=argv)], cwd=ROOT,
                            env=os.environ.copy(), capture_output=True, text=True, timeout=300)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    with store.open_store(db_path, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM articles").fetchone() == (4,)
        assert store.upkeep_pending(con) and changes.pending(con) == 2
        assert store.text_index_size(con) == 2
    summary = repair(db_path)
    assert summary.done.mode == "incremental" and summary.done.articles == 2, summary.line()
    assert differences(db_path, full_rebuild(db_path)) == {}
    with store.open_store(db_path, read_only=True) as con:
        assert store.upkeep_pending(con) is None and changes.pending(con) == 0
        assert store.text_index_size(con) == 4
    assert repair(db_path).done is None


def test_repair_full_recomputes_everything(db_path, incremental):
    run(db_path, STATEMENT_PAGES / "news_report_a.html", STATEMENT_PAGES / "en_briefing.html")
    with store.open_store(db_path) as con:
        con.execute("UPDATE statements SET cluster_id = statement_id")  # what a stale store might hold
        con.execute("DELETE FROM entity_days")
    summary = repair(db_path, full=True)
    assert summary.done.mode == "whole" and summary.line().startswith("repaired: recomputed on request (--full)")
    assert differences(db_path, full_rebuild(db_path)) == {}
    with store.open_store(db_path, read_only=True) as con:
        assert con.execute("SELECT count(DISTINCT cluster_id) < count(*) FROM statements").fetchone() == (True,)


def test_entity_keys_are_a_dictionary_queries_read_in_any_order(large_stores, tmp_path):
    """An entity new to the taxonomy is appended (next number, a free bit) without renumbering the
    others; and with the numbers in any order (here: reversed) every co-mention and heatmap strategy
    still gives the plain answer (pairs are named by entity id, ties broken by id)."""
    db = tmp_path / "store.duckdb"
    shutil.copy(large_stores["tables"], db)
    with store.open_store(db) as con:
        before = con.execute("SELECT entity_id, entity_no, top_bit FROM entity_keys ORDER BY entity_no").fetchall()
        con.execute("UPDATE entity_keys SET top_bit = NULL WHERE top_bit = 7")
        con.execute("INSERT INTO entities (entity_id, kind, name) VALUES ('zz_new_actor', 'actor', 'New actor')")
        rollups.rebuild(con, {"entities"}, force=True)
        after = con.execute("SELECT entity_id, entity_no, top_bit FROM entity_keys ORDER BY entity_no").fetchall()
        assert after[:-1] == [(e, n, None if b == 7 else b) for e, n, b in before]
        assert after[-1] == ("zz_new_actor", before[-1][1] + 1, 7)
        n = len(after)
        con.execute("UPDATE entity_keys SET entity_no = ? - 1 - entity_no", [n])
        rollups.rebuild(con, {"entity_keys"}, force=True)
    with queries.connect_readonly(db) as con:
        top = con.execute("SELECT entity_id FROM entity_totals GROUP BY entity_id ORDER BY sum(articles) DESC, "
                          "entity_id LIMIT 3").fetchall()
        for f in (Filters(), Filters(actors=[top[0][0], top[2][0]]), Filters(start=D(2023, 1, 1)),
                  Filters(actors=[top[1][0]], start=D(2022, 6, 1))):
            for name in ("co_mentions", "actor_theme_heatmap"):
                planned = queries.PLANNED[name]
                for args in ((f,), (f, 10, 6)):
                    plain = planned.run(con, "plain", *args)
                    for strategy in planned.strategies[1:]:
                        try:
                            pd.testing.assert_frame_equal(planned.run(con, strategy, *args), plain,
                                                          obj=f"{name} {strategy} {args}")
                        except queries.NotApplicable:
                            pass


def test_new_articles_are_appended_and_a_replaced_one_loses_its_old_rows(large_stores, tmp_path, monkeypatch):
    """The change record tells articles new since the last upkeep (no rows anywhere: their upkeep only
    appends) from articles stored before (replaced or removed: their old rows go), and each upkeep
    still equals a rebuild: a batch of new articles alone; then one of them replaced, another removed
    and written anew before the next upkeep, and a new one beside them."""
    monkeypatch.setattr(rollups, "MIN_ARTICLES", 1_000)
    monkeypatch.setattr(finish, "WHOLE_SHARE", 1.0)
    db = tmp_path / "store.duckdb"
    shutil.copy(large_stores["tables"], db)
    with store.open_store(db) as con:
        stored = [r[0] for r in con.execute(
            "SELECT article_id FROM articles WHERE article_id IN (SELECT article_id FROM statements) "
            "AND duplicate_of IS NULL ORDER BY article_id LIMIT 4").fetchall()]
        frames = _article_rows(con, stored)

    def renamed(ids: list[str], suffix: str, shift_days: int = 0) -> dict[str, pd.DataFrame]:
        """The articles' rows under new ids (article id + suffix), moved by `shift_days`."""
        said = set(frames["statements"].loc[frames["statements"]["article_id"].isin(ids), "statement_id"])
        out = {}
        for table, df in frames.items():
            df = (df[df["article_id"].isin(ids)] if "article_id" in df else df[df["statement_id"].isin(said)]).copy()
            for column in ("article_id", "statement_id"):
                if column in df:
                    df[column] = df[column] + suffix
            if table == "articles":
                df["published"] = df["published"] + pd.Timedelta(days=shift_days)
                df["url"] = df["url"] + suffix
                df["canonical_url"] = None
            if table == "statements":
                df["cluster_id"] = None
            out[table] = df
        return out

    with store.open_store(db) as con:
        store.write_batch(con, renamed(stored[:2], "-new"), [])
        changes.load(con)
        assert con.execute("SELECT count(*), bool_or(replaced) FROM upkeep_articles").fetchone() == (2, False)
        assert finish.upkeep(con).mode == "incremental"
        finish.done(con)
    assert differences(db, full_rebuild(db, statements=False)) == {}

    with store.open_store(db) as con:
        store.write_batch(con, renamed(stored[:1], "-new", shift_days=40), [stored[0] + "-new"])
        store.delete_articles(con, [stored[1] + "-new"])
        again, other = renamed(stored[1:2], "-new", shift_days=-3), renamed(stored[2:3], "-other")
        store.write_batch(con, {t: pd.concat([again[t], other[t]], ignore_index=True) for t in again}, [])
        changes.load(con)
        assert dict(con.execute("SELECT article_id, replaced FROM upkeep_articles").fetchall()) == {
            stored[0] + "-new": True, stored[1] + "-new": True, stored[2] + "-other": False}
        assert finish.upkeep(con).mode == "incremental"
        finish.done(con)
        assert con.execute("SELECT count(*) FROM article_facts WHERE article_id LIKE '%-new' OR article_id LIKE "
                           "'%-other'").fetchone() == (3,)
    assert differences(db, full_rebuild(db, statements=False)) == {}


def test_rows_of_older_versions_count_as_replaced(db_path):
    """A change record written before the `replaced` flag (NULL) is read as a replaced article: its
    upkeep looks for old rows."""
    with store.open_store(db_path) as con:
        con.execute("INSERT INTO changed_articles VALUES ('a1', NULL), ('a2', false), ('a3', false), ('a3', true)")
        assert changes.load(con) == 3
        assert dict(con.execute("SELECT article_id, replaced FROM upkeep_articles").fetchall()) == {
            "a1": True, "a2": False, "a3": True}

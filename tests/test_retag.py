"""Retag: rebuild mentions and statements from stored text, with the shipped or an edited taxonomy."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import yaml

from pipeline import store
from pipeline.run.retag import retag

ROOT = Path(__file__).resolve().parent.parent
TEXTS = {
    "a1": ("Aid trucks waited at the Lachin corridor for a third day. Bakers in Stepanakert ran out of flour, "
           "and bread was rationed.\nArmenia asked the European Union to send observers.", dt.date(2023, 1, 12)),
    "a2": ("Azerbaijan and Armenia resumed peace talks in Washington. \"We want a treaty this year,\" "
           "a senior Azerbaijani diplomat said on Monday.", dt.date(2024, 5, 2)),
    "a3": ("Queues for bread grew longer in Khankendi, residents said.", None),
}


def build(db_path: Path) -> None:
    articles = [{"article_id": k, "text": t, "published": d, "title": k, "content_hash": k}
                for k, (t, d) in TEXTS.items()]
    with store.open_store(db_path) as con:
        store.write_batch(con, {"articles": store.frame("articles", articles)}, [])


def counts(db_path: Path) -> dict[str, int]:
    with duckdb.connect(str(db_path), read_only=True) as con:
        return dict(con.execute("SELECT entity_id, count(*) FROM mentions GROUP BY 1").fetchall())


def dump(db_path: Path, table: str) -> list[tuple]:
    with duckdb.connect(str(db_path), read_only=True) as con:
        return con.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall()


def test_retag_builds_mentions_statements_and_entities(db_path):
    build(db_path)
    summary = retag(db_path, workers=1, progress=False)
    assert summary.articles == 3
    found = counts(db_path)
    assert found["lachin_corridor"] == 1 and found["stepanakert"] == 2  # Stepanakert and Khankendi
    assert found["armenia"] == 2 and found["azerbaijan"] == 2
    with duckdb.connect(str(db_path), read_only=True) as con:
        surfaces = {r[0] for r in con.execute(
            "SELECT surface FROM mentions WHERE entity_id = 'stepanakert'").fetchall()}
        assert surfaces == {"Stepanakert", "Khankendi"}
        assert con.execute("SELECT count(*) FROM entities WHERE entity_id = 'ned_price'").fetchone() == (1,)
        assert con.execute("SELECT count(*) FROM statements WHERE article_id = 'a2'").fetchone()[0] >= 1
        assert con.execute("SELECT count(DISTINCT article_id) FROM sentences").fetchone() == (3,)


def test_retag_is_deterministic_and_parallel_agrees(db_path):
    build(db_path)
    retag(db_path, workers=1, progress=False)
    first = {t: dump(db_path, t) for t in ("mentions", "statements", "statement_mentions", "sentences")}
    retag(db_path, workers=2, progress=False)
    assert {t: dump(db_path, t) for t in first} == first


def test_editing_the_taxonomy_changes_exactly_the_affected_counts(db_path, tmp_path):
    build(db_path)
    retag(db_path, workers=1, progress=False)
    before = counts(db_path)
    data = yaml.safe_load((ROOT / "data" / "taxonomy.yaml").read_text(encoding="utf-8"))
    data["themes"].append({"id": "theme_bread", "name": "Bread", "aliases": {"en": ["bread"]}})
    edited = tmp_path / "taxonomy.yaml"
    edited.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    retag(db_path, taxonomy_path=edited, workers=1, progress=False)
    after = counts(db_path)
    assert after.pop("theme_bread") == 2
    assert after == before
    with duckdb.connect(str(db_path), read_only=True) as con:
        assert con.execute("SELECT kind, name FROM entities WHERE entity_id = 'theme_bread'").fetchall() == [
            ("theme", "Bread")]


def test_statements_are_reextracted_only_where_they_can_change(db_path, monkeypatch):
    from pipeline.run import analyse

    build(db_path)
    retag(db_path, workers=1, progress=False)
    full = dump(db_path, "statements")
    calls: list[str] = []
    real = analyse.extract_document
    monkeypatch.setattr(analyse, "extract_document", lambda text, *a: calls.append(text) or real(text, *a))
    retag(db_path, workers=1, progress=False)  # same taxonomy, same code: every article keeps its statements
    assert calls == []
    assert dump(db_path, "statements") == full
    with store.open_store(db_path) as con:
        store.set_meta(con, "statements_fingerprint", "built by an older extractor")
    retag(db_path, workers=1, progress=False)
    assert len(calls) == 3
    assert dump(db_path, "statements") == full


def test_a_new_theme_re_extracts_only_the_articles_mentioning_it(db_path, tmp_path, monkeypatch):
    from pipeline.run import analyse

    build(db_path)
    retag(db_path, workers=1, progress=False)
    full = dump(db_path, "statements")
    data = yaml.safe_load((ROOT / "data" / "taxonomy.yaml").read_text(encoding="utf-8"))
    data["themes"].append({"id": "theme_bread", "name": "Bread", "aliases": {"en": ["bread"]}})
    edited = tmp_path / "taxonomy.yaml"
    edited.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    calls: list[str] = []
    real = analyse.extract_document
    monkeypatch.setattr(analyse, "extract_document", lambda text, *a: calls.append(text) or real(text, *a))
    retag(db_path, taxonomy_path=edited, workers=1, progress=False)
    assert len(calls) == 2 and all("bread" in text for text in calls)  # the third article keeps its statements
    assert dump(db_path, "statements") == full


def test_retag_decides_every_genre_again_with_the_sources_file(db_path, tmp_path):
    from pipeline.run.ingest import Options, ingest

    page = ROOT / "tests" / "fixtures" / "statements" / "en_readout.html"
    unlisted = tmp_path / "none.yaml"
    unlisted.write_text("sources: []\n", encoding="utf-8")
    ingest([str(page)], Options(db=db_path, sources=unlisted, workers=1, progress=False))
    query = "SELECT a.genre, s.kind, s.speaker_entity_id FROM articles a JOIN statements s USING (article_id) ORDER BY ALL"
    assert {r[0] for r in dump_query(db_path, query)} == {"news"}     # an unknown site: the readout reads as news
    official = tmp_path / "official.yaml"
    official.write_text("sources:\n  - {source: state, hostname: state-dept.example, kind: government, "
                        "issuer: us_state_department}\n", encoding="utf-8")
    retag(db_path, workers=1, progress=False, sources=official)
    assert dump_query(db_path, query) == [("release", "indirect", "antony_blinken"),
                                          ("release", "indirect", "antony_blinken"),
                                          ("release", "release", "ned_price")]


def dump_query(db_path: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db_path), read_only=True) as con:
        return con.execute(sql).fetchall()

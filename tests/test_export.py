"""pipeline/export.py on a tiny database built by hand; every expected CSV row is written out below.

Database (weeks irrelevant here; all dated articles fall on 4–6 March 2024):
  a1 gov  2024-03-04  title "=HYPERLINK(...)"  mentions armenia, lachin_corridor
  a2 news 2024-03-04  title "+Plus sign"        mentions azerbaijan (sentence 0), armenia (sentence 1)
  a5 gov  2024-03-05  title "Plain"             no mentions
  a3 news 2024-03-06  title "-minus"            mentions armenia, azerbaijan
  a6 news 2024-03-06  title "Weather"           mentions theme_blockade
  a4 gov  undated     title "@handle"           mentions armenia
Per day: totals 2, 1, 2; armenia 2, 0, 1; azerbaijan 1, 0, 1.
Statements s1 (a2) and s2 (a3) are one cluster "c1" (two reports); s3 (a1) stands alone.
"""
from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from pipeline import export, store
from tests.conftest import US_ON_LACHIN

ROOT = Path(__file__).resolve().parent.parent
D = dt.date
BOM = b"\xef\xbb\xbf"

ENTITIES = [
    ("armenia", "actor", "Armenia", "state", None, None, None),
    ("azerbaijan", "actor", "Azerbaijan", "state", None, None, None),
    ("lachin_corridor", "place", "Lachin corridor", None, None, 39.6, 46.55),
    ("theme_blockade", "theme", "Blockade", None, None, None, None),
]
SOURCES = [
    ("gov", "gov.example", "Government Office", "AM", "government", None),
    ("news", "news.example", "News Wire", "US", "independent media", None),
]
# article_id, source, published, title, sentences (joined by a space)
ARTICLES = [
    ("a1", "gov", D(2024, 3, 4), '=HYPERLINK("http://evil.example")',
     ["Armenia asked for the Lachin corridor to reopen."]),
    ("a2", "news", D(2024, 3, 4), "+Plus sign", ["Azerbaijan rejected the claim.", "Armenia objected."]),
    ("a5", "gov", D(2024, 3, 5), "Plain", ["Nothing happened."]),
    ("a3", "news", D(2024, 3, 6), "-minus", ["Armenia and Azerbaijan met."]),
    ("a6", "news", D(2024, 3, 6), "Weather", ["The blockade of snow ended."]),
    ("a4", "gov", None, "@handle", ["Armenia spoke again."]),
]
MENTIONS = [("a1", "armenia", "Armenia"), ("a1", "lachin_corridor", "Lachin corridor"),
            ("a2", "azerbaijan", "Azerbaijan"), ("a2", "armenia", "Armenia"),
            ("a3", "armenia", "Armenia"), ("a3", "azerbaijan", "Azerbaijan"),
            ("a6", "theme_blockade", "blockade"), ("a4", "armenia", "Armenia")]


def build_db(path: Path) -> Path:
    """Insert the rows of the module docstring with plain SQL."""
    with store.open_store(path) as con:
        con.executemany("INSERT INTO entities VALUES (?, ?, ?, ?, ?, ?, ?)", ENTITIES)
        con.executemany("INSERT INTO sources VALUES (?, ?, ?, ?, ?, ?)", SOURCES)
        for aid, src, pub, title, sents in ARTICLES:
            text = " ".join(sents)
            con.execute(
                "INSERT INTO articles (article_id, url, source, hostname, title, published, date_source, "
                "language, text, content_hash, fetched_at, run_id) VALUES (?, ?, ?, ?, ?, ?, ?, 'en', ?, ?, "
                "TIMESTAMP '2024-03-07 09:00', 'r1')",
                [aid, f"https://{src}.example/{aid}", src, f"{src}.example", title, pub,
                 "meta" if pub else "none", text, aid])
            start = 0
            for no, sentence in enumerate(sents):
                con.execute("INSERT INTO sentences VALUES (?, ?, ?, ?)", [aid, no, start, start + len(sentence)])
                start += len(sentence) + 1
        for aid, eid, surface in MENTIONS:
            sents = next(row[4] for row in ARTICLES if row[0] == aid)
            text = " ".join(sents)
            pos = text.index(surface)
            no = next(i for i, s in enumerate(sents) if text.index(s) <= pos < text.index(s) + len(s))
            con.execute("INSERT INTO mentions VALUES (?, ?, ?, ?, ?, ?)", [aid, eid, no, pos, pos + len(surface), surface])
        con.executemany(
            "INSERT INTO statements (statement_id, article_id, speaker, speaker_role, speaker_entity_id, "
            "speaker_state_id, quote, kind, statement_type, cue, char_start, char_end, said_on, cluster_id) "
            "VALUES (?, ?, ?, ?, NULL, ?, ?, ?, ?, NULL, ?, ?, ?, ?)",
            [("s1", "a2", "-Anonymous official", "spokesperson", "azerbaijan", "rejected the claim", "indirect",
              "reject", 0, 29, D(2024, 3, 4), "c1"),
             ("s2", "a3", "-Anonymous official", "spokesperson", "azerbaijan", "rejected the claim", "indirect",
              "reject", 0, 26, D(2024, 3, 5), "c1"),
             ("s3", "a1", "Envoy", None, "armenia", "=reopen the corridor", "direct", "appeal", 0, 49,
              None, "s3")])
        con.execute("INSERT INTO statement_mentions VALUES ('s3', 'lachin_corridor')")
        con.execute("INSERT INTO runs VALUES ('r1', TIMESTAMP '2024-03-07 09:00', TIMESTAMP '2024-03-07 09:01', "
                    "['fixture'], 6, 0, 0)")
    return path


@pytest.fixture()
def db(tmp_path: Path) -> Path:
    return build_db(tmp_path / "export.duckdb")


def parse(argv: list[str]) -> argparse.Namespace:
    """Parse like the CLI's export subcommand (cli.py adds --db and --wait, then add_arguments)."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path)
    parser.add_argument("--wait", type=float, default=5.0)
    export.add_arguments(parser)
    return parser.parse_args(argv)


def export_text(db: Path, tmp_path: Path, argv: list[str]) -> str:
    out = tmp_path / "out.csv"
    assert export.run(parse([*argv, "-o", str(out)]), db) == 0
    data = out.read_bytes()
    assert data.startswith(BOM)
    return data[len(BOM):].decode("utf-8")


def lines(*rows: str) -> str:
    return "".join(row + "\r\n" for row in rows)


# ---------------------------------------------------------------------------------------------
# to_csv_bytes
# ---------------------------------------------------------------------------------------------

def test_csv_has_bom_and_neutralises_formula_text_but_not_numbers():
    df = pd.DataFrame({
        "text": ["=SUM(A1:A2)", "+31 phone", "-minus", "@user", "plain", " =spaced", None, "Ереван"],
        "count": [-5, 3, -1, 0, 7, 1, 2, 4],
        "share": [-0.5, 0.25, -1.5, 0.0, 1.0, 0.5, None, 2.0],
    })
    data = export.to_csv_bytes(df)
    assert data.startswith(BOM) and not data.startswith(BOM + BOM)
    assert data[len(BOM):].decode("utf-8") == lines(
        "text,count,share",
        "'=SUM(A1:A2),-5,-0.5",
        "'+31 phone,3,0.25",
        "'-minus,-1,-1.5",
        "'@user,0,0.0",
        "plain,7,1.0",
        " =spaced,1,0.5",
        ",2,",
        "Ереван,4,2.0",
    )


def test_csv_neutralises_a_leading_tab_or_carriage_return():
    """A spreadsheet skips a leading tab or CR and then evaluates the formula behind it."""
    df = pd.DataFrame({"text": ["\t=HYPERLINK(\"http://evil.example\")", "\r=1+1", "mid\tdle", "\u00a0=x"]})
    assert export.to_csv_bytes(df)[len(BOM):].decode("utf-8") == (
        'text\r\n"\'\t=HYPERLINK(""http://evil.example"")"\r\n"\'\r=1+1"\r\nmid\tdle\r\n\u00a0=x\r\n')


def test_csv_joins_list_cells_and_quotes_commas_and_newlines():
    df = pd.DataFrame({"sources": [["gov", "news"], ["-x", "y"]], "quote": ['said "no", twice', "line1\nline2"]})
    assert export.to_csv_bytes(df)[len(BOM):].decode("utf-8") == (
        'sources,quote\r\ngov; news,"said ""no"", twice"\r\n\'-x; y,"line1\nline2"\r\n')


def test_text_column_of_negative_number_strings_is_text_and_is_prefixed():
    df = pd.DataFrame({"as_text": ["-3"], "as_int": [-3]})
    assert export.to_csv_bytes(df)[len(BOM):] == b"as_text,as_int\r\n'-3,-3\r\n"


def test_original_frame_is_not_modified():
    df = pd.DataFrame({"t": ["=1"]})
    export.to_csv_bytes(df)
    assert df["t"].tolist() == ["=1"]


# ---------------------------------------------------------------------------------------------
# Views through export.run (the CLI's code path)
# ---------------------------------------------------------------------------------------------

def test_trends_combined_per_day_layout(db, tmp_path):
    text = export_text(db, tmp_path, ["trends", "--actor", "armenia", "--actor", "azerbaijan"])
    assert text == lines(
        "date,total_articles,armenia_articles,armenia_share,azerbaijan_articles,azerbaijan_share",
        "2024-03-04,2,2,1.0,1,0.5",
        "2024-03-05,1,0,0.0,0,0.0",
        "2024-03-06,2,1,0.5,1,0.5",
    )


def test_trends_without_entities_has_totals_only_and_honours_dates(db, tmp_path):
    text = export_text(db, tmp_path, ["trends", "--from", "2024-03-05", "--to", "2024-03-07"])
    assert text == lines("date,total_articles", "2024-03-05,1", "2024-03-06,2", "2024-03-07,0")


def test_trends_source_filter_changes_the_denominator(db, tmp_path):
    text = export_text(db, tmp_path, ["trends", "--actor", "armenia", "--source", "news"])
    assert text == lines(
        "date,total_articles,armenia_articles,armenia_share",
        "2024-03-04,1,1,1.0",
        "2024-03-05,0,0,",
        "2024-03-06,2,1,0.5",
    )


def test_trends_weekly_granularity(db, tmp_path):
    text = export_text(db, tmp_path, ["trends", "--theme", "theme_blockade", "--granularity", "week"])
    assert text == lines("date,total_articles,theme_blockade_articles,theme_blockade_share",
                         "2024-03-04,5,1,0.2")


def test_articles_export_rows_and_formula_safe_titles(db, tmp_path):
    text = export_text(db, tmp_path, ["articles", "--actor", "armenia"])
    assert text == lines(
        "article_id,published,source,title,url,language,snippet",
        "a3,2024-03-06,news,'-minus,https://news.example/a3,en,Armenia and Azerbaijan met.",
        'a1,2024-03-04,gov,"\'=HYPERLINK(""http://evil.example"")",https://gov.example/a1,en,'
        "Armenia asked for the Lachin corridor to reopen.",
        "a2,2024-03-04,news,'+Plus sign,https://news.example/a2,en,Azerbaijan rejected the claim. Armenia objected.",
        "a4,,gov,'@handle,https://gov.example/a4,en,Armenia spoke again.",
    )


def test_articles_export_date_range_drops_undated(db, tmp_path):
    text = export_text(db, tmp_path, ["articles", "--from", "2024-03-05", "--to", "2024-03-06", "--source", "gov"])
    assert text == lines("article_id,published,source,title,url,language,snippet",
                         "a5,2024-03-05,gov,Plain,https://gov.example/a5,en,Nothing happened.")


def test_mentions_export_lists_the_sentences_behind(db, tmp_path):
    text = export_text(db, tmp_path, ["mentions", "--actor", "armenia"])
    assert text == lines(
        "published,source,title,url,article_id,sentence_no,entity_ids,sentence",
        "2024-03-06,news,'-minus,https://news.example/a3,a3,0,armenia,Armenia and Azerbaijan met.",
        '2024-03-04,gov,"\'=HYPERLINK(""http://evil.example"")",https://gov.example/a1,a1,0,armenia,'
        "Armenia asked for the Lachin corridor to reopen.",
        "2024-03-04,news,'+Plus sign,https://news.example/a2,a2,1,armenia,Armenia objected.",
    )


def test_statements_export_one_row_per_cluster(db, tmp_path):
    text = export_text(db, tmp_path, ["statements"])
    df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    assert df.columns.tolist() == ["said_on", "speaker", "speaker_role", "state", "statement_type", "kind", "genre",
                                   "about", "quote", "reports", "sources", "link", "urls", "statement_id",
                                   "article_id", "cluster_id"]
    assert df.values.tolist() == [  # the speakers' own states are never what they speak about
        ["2024-03-04", "'-Anonymous official", "spokesperson", "Azerbaijan", "reject", "indirect", "news", "",
         "rejected the claim", "2", "news", "https://news.example/a2",
         "https://news.example/a2; https://news.example/a3", "s1", "a2", "c1"],
        ["2024-03-04", "Envoy", "", "Armenia", "appeal", "direct", "news", "Lachin corridor", "'=reopen the corridor",
         "1", "gov", "https://gov.example/a1", "https://gov.example/a1", "s3", "a1", "s3"],
    ]


def test_statements_export_type_filter(db, tmp_path):
    text = export_text(db, tmp_path, ["statements", "--type", "appeal"])
    df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    assert df["statement_id"].tolist() == ["s3"]


def test_statements_export_said_by_state_about(said_db, tmp_path):
    """--by-state and --about are AND-ed: the US statements about the corridor, not the union."""
    text = export_text(said_db, tmp_path, ["statements", "--by-state", "united_states", "--about", "lachin_corridor"])
    assert text == lines(*US_ON_LACHIN)
    union = export_text(said_db, tmp_path, ["statements", "--actor", "united_states", "--place", "lachin_corridor"])
    assert len(union.splitlines()) == 1 + 8  # article filters: statements in articles naming either


@pytest.mark.parametrize("argv, ids", [
    (["--about", "lachin_corridor", "--about", "united_states"], ["r3", "n5", "n1", "n2", "r1", "t1"]),
    (["--by-state", "united_states", "--by-state", "russia", "--genre", "news"], ["n4", "n3", "n1", "n2"]),
    (["--genre", "transcript", "--genre", "release", "--type", "appeal"], ["t1", "t2"]),
    (["--speaker-type", "person", "--speaker-type", "other"], ["n5", "n4"]),
    (["--speaker", "p:krnwtlw:k"], ["n4"]),
    (["--by-state", "united_states", "--about", "lachin_corridor", "--from", "2023-02-02", "--to", "2023-03-31"],
     ["n3", "n1"]),
])
def test_statements_export_repeatable_flags(said_db, tmp_path, argv, ids):
    text = export_text(said_db, tmp_path, ["statements", *argv])
    assert pd.read_csv(io.StringIO(text), dtype=str)["statement_id"].tolist() == ids


@pytest.mark.parametrize("argv, message", [
    (["trends", "--actor", "atlantis"], "error: --actor: unknown entity id 'atlantis'"),
    (["trends", "--actor", "lachin_corridor"], "error: --actor: 'lachin_corridor' is a place; use --place"),
    (["articles", "--from", "2024-13-01"], "error: --from: '2024-13-01' is not a date (YYYY-MM-DD)"),
    (["articles", "--from", "2024-03-06", "--to", "2024-03-01"], "error: --from 2024-03-06 is after --to 2024-03-01"),
    (["statements", "--type", "praise"], "error: --type: unknown statement type 'praise'"),
    (["articles", "--source", "nowhere"], "error: --source: unknown source 'nowhere'"),
    (["trends", "--granularity", "year"], "error: --granularity: 'year' is not one of day, week, month"),
    (["statements", "--genre", "briefing"], "error: --genre: unknown genre 'briefing' (one of news, transcript, "
                                            "release)"),
    (["statements", "--speaker-type", "minister"], "error: --speaker-type: unknown speaker type 'minister'"),
    (["statements", "--by-state", "lachin_corridor"], "error: --by-state: 'lachin_corridor' is a place, not an actor"),
    (["statements", "--by-state", "atlantis"], "error: --by-state: unknown entity id 'atlantis'"),
    (["statements", "--about", "atlantis"], "error: --about: unknown entity id 'atlantis'"),
])
def test_bad_filter_values_exit_2_with_one_line(db, tmp_path, capsys, argv, message):
    out = tmp_path / "never.csv"
    assert export.run(parse([*argv, "-o", str(out)]), db) == 2
    err = capsys.readouterr().err
    assert err.startswith(message) and err.count("\n") == 1
    assert not out.exists()


def test_stdout_when_no_output_file(db, capfdbinary):
    assert export.run(parse(["trends", "--from", "2024-03-04", "--to", "2024-03-04"]), db) == 0
    assert capfdbinary.readouterr().out == BOM + b"date,total_articles\r\n2024-03-04,2\r\n"


# ---------------------------------------------------------------------------------------------
# Snapshot zip
# ---------------------------------------------------------------------------------------------

def test_snapshot_zip_holds_each_csv_and_manifest():
    frames = {"trends": pd.DataFrame({"date": ["2024-03-04"], "total_articles": [2]}),
              "statements.csv": pd.DataFrame({"quote": ["=x", "y", "z"]})}
    created = dt.datetime(2024, 3, 7, 12, 30, 5, 123, tzinfo=dt.timezone.utc)
    data = export.snapshot_zip(frames, {"actor": ["armenia"], "from": "2024-03-01"}, "ab" * 32, "r1:a6:m8:s3",
                               created_at=created)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert sorted(zf.namelist()) == ["manifest.json", "statements.csv", "trends.csv"]
        assert zf.read("trends.csv") == BOM + b"date,total_articles\r\n2024-03-04,2\r\n"
        assert zf.read("statements.csv") == BOM + b"quote\r\n'=x\r\ny\r\nz\r\n"
        manifest = json.loads(zf.read("manifest.json"))
    assert manifest == {
        "filters": {"actor": ["armenia"], "from": "2024-03-01"},
        "taxonomy_sha256": "ab" * 32,
        "data_version": "r1:a6:m8:s3",
        "created_at": "2024-03-07T12:30:05Z",
        "rows": {"trends.csv": 1, "statements.csv": 3},
    }


def test_snapshot_zip_is_reproducible_for_a_given_time():
    frames = {"articles": pd.DataFrame({"a": [1]})}
    when = dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc)
    assert export.snapshot_zip(frames, {}, None, "v", when) == export.snapshot_zip(frames, {}, None, "v", when)


# ---------------------------------------------------------------------------------------------
# The real command line
# ---------------------------------------------------------------------------------------------

def test_cli_export_subprocess_writes_the_same_bytes(db, tmp_path):
    out = tmp_path / "cli.csv"
    proc = subprocess.run(
        [sys.executable, "-m", "pipeline", "export", "trends", "--db", str(db), "--actor", "armenia",
         "--actor", "azerbaijan", "-o", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert out.read_bytes() == BOM + lines(
        "date,total_articles,armenia_articles,armenia_share,azerbaijan_articles,azerbaijan_share",
        "2024-03-04,2,2,1.0,1,0.5",
        "2024-03-05,1,0,0.0,0,0.0",
        "2024-03-06,2,1,0.5,1,0.5",
    ).encode()
    assert "wrote 3 trends rows" in proc.stderr


def test_cli_export_bad_entity_exits_2(db):
    proc = subprocess.run([sys.executable, "-m", "pipeline", "export", "articles", "--db", str(db),
                           "--place", "atlantis"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert proc.stderr == "error: --place: unknown entity id 'atlantis'\n"
    assert proc.stdout == ""

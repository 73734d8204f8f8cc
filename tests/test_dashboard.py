"""The Streamlit dashboard under AppTest, one page at a time, on the hand-built store of
tests/test_queries.py (expected numbers are counted by hand in that module's docstring)."""
from __future__ import annotations

import base64
import datetime as dt
import json
import re
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from pipeline import export, submit
from pipeline.config import UploadLimits
from pipeline.query.filters import Filters
from tests.conftest import PAGES, US_ON_LACHIN, Route, build_said_db, build_small_db
from views import common, data

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "dashboard.py")
BUSY = "store busy — showing last results"


@pytest.fixture()
def db(tmp_path, monkeypatch):
    path = build_small_db(tmp_path / "small.duckdb")
    monkeypatch.setenv("TRACKER_DB", str(path))
    return path


def app(**params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def charts(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def values(data) -> list:
    """A plotly trace array: plain list, or plotly's typed-array form {'dtype', 'bdata'}."""
    if isinstance(data, dict) and "bdata" in data:
        return np.frombuffer(base64.b64decode(data["bdata"]), dtype=np.dtype(data["dtype"])).tolist()
    return list(data)


def traces(at: AppTest, chart: int = 0) -> dict[str, tuple[list, list]]:
    return {t["name"]: ([x[:10] for x in values(t["x"])], values(t["y"])) for t in charts(at)[chart]["data"]}


def url(at: AppTest) -> dict[str, list[str]]:
    """The app's query string, every value as a list."""
    return {k: (v if isinstance(v, list) else [v]) for k, v in at.query_params.items()}


def html_bodies(at: AppTest) -> str:
    return "\n".join(h.proto.body for h in at.get("html"))


def test_trends_weekly_counts_start_monday_and_undated_apart(db):
    at = app(actor="armenia")
    no_exception(at)
    x, y = traces(at)["Armenia"]
    assert x == ["2024-01-01", "2024-01-08", "2024-01-15", "2024-01-22", "2024-01-29"]
    assert all(dt.date.fromisoformat(d).weekday() == 0 for d in x)
    assert y == [2, 0, 1, 0, 0]
    assert any("Undated articles (left out of the chart): **2** — Armenia: 1" in m.value for m in at.markdown)


def test_trends_share_and_month_granularity(db):
    at = app(actor="armenia", gran="month", measure="share")
    no_exception(at)
    x, y = traces(at)["Armenia"]
    assert x == ["2024-01-01", "2024-02-01"]
    assert y == pytest.approx([3 / 5, 0.0])  # a1 a2 a5 of a1..a5; February: a9 only


def test_sidebar_filter_changes_chart_and_url(db):
    at = app(actor="armenia", gran="month")
    assert set(traces(at)) == {"Armenia"}
    at.multiselect(key="actor").set_value(["armenia", "azerbaijan"]).run()
    no_exception(at)
    assert traces(at)["Azerbaijan"][1] == [3, 0]
    assert url(at)["actor"] == ["armenia", "azerbaijan"]
    at.multiselect(key="source").set_value(["indy"]).run()
    assert traces(at)["Armenia"][1] == [1]      # a5; indy has no February article
    assert traces(at)["Azerbaijan"][1] == [1]   # a3
    assert url(at)["source"] == ["indy"]


def test_url_query_params_round_trip(db):
    params = {"page": "trends", "actor": ["armenia", "azerbaijan"], "theme": "theme_blockade",
              "from": "2024-01-01", "to": "2024-01-31", "source": "gov", "lang": "en", "q": "talks",
              "gran": "month", "measure": "mentions"}
    at = app(**params)
    no_exception(at)
    assert at.multiselect(key="actor").value == ["armenia", "azerbaijan"]
    assert at.multiselect(key="theme").value == ["theme_blockade"]
    assert at.text_input(key="from").value == "2024-01-01"
    assert at.text_input(key="q").value == "talks"
    assert url(at) == {k: (v if isinstance(v, list) else [v]) for k, v in params.items()}
    again = app(**url(at))
    assert url(again) == url(at)
    assert traces(again) == traces(at)
    assert traces(at)["Armenia"] == (["2024-01-01"], [1])  # a1 (gov, en, mentions "talks"), counted once


def test_drill_down_lists_sentences_with_escaped_highlight(db):
    at = app(actor="armenia")
    at.selectbox(key="trend_period").set_value("2024-01-15..2024-01-21").run()
    no_exception(at)
    body = html_bodies(at)
    assert "<mark" in body and ">Armenia</mark>" in body
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in body
    assert "<script>" not in body
    assert 'href="https://indy.example/a5"' in body


def filters_of(at: AppTest):
    """The filters of the app's current URL (as the page read them)."""
    return Filters.from_query_params(url(at))


def title(at: AppTest) -> str:
    return at.title[0].value


def test_page_link_opens_its_page_with_its_filters(db):
    at = app(page="statements", actor="armenia")
    no_exception(at)
    assert title(at) == "Statements"
    assert at.multiselect(key="actor").value == ["armenia"]
    assert url(at) == {"page": ["statements"], "actor": ["armenia"]}
    again = app(**url(at))
    assert title(again) == "Statements" and url(again) == url(at)


def test_page_key_is_kept_valid(db):
    at = app(actor="armenia")
    assert title(at) == "Trends"
    assert url(at) == {"actor": ["armenia"], "page": ["trends"]}  # the page shown is always named
    at = app(page="nonexistent", actor="armenia")
    no_exception(at)
    assert title(at) == "Trends" and url(at)["page"] == ["trends"]


def test_keys_of_other_pages_leave_the_url(db):
    at = app(page="actors", view="Wording by source", gran="month", measure="share", article="a5")
    no_exception(at)
    assert url(at) == {"page": ["actors"], "view": ["Wording by source"], "entity": ["stepanakert"]}
    at = app(page="articles", article="a5", entity="armenia", view="Places", gran="month")
    assert url(at) == {"page": ["articles"], "article": ["a5"]}


def test_unknown_link_values_are_dropped_and_the_rest_kept(db):
    at = app(page="trends", actor=["armenia", "nonexistent"], source="nowhere", gran="year", measure="share",
             **{"from": "2024-13-45", "to": "2024-01-31"})
    no_exception(at)
    assert at.multiselect(key="actor").value == ["armenia"]
    assert at.text_input(key="from").value == ""
    assert at.text_input(key="to").value == "2024-01-31"
    assert url(at) == {"page": ["trends"], "actor": ["armenia"], "measure": ["share"], "to": ["2024-01-31"]}
    x, _ = traces(at)["Armenia"]
    assert x[0] == "2024-01-01" and len(x) == 5  # weeks, as gran=year is not a granularity
    (note,) = [w.value for w in at.warning if "Not understood in this link" in w.value]
    for item in ("actor=nonexistent", "source=nowhere", "gran=year", "from=2024-13-45"):
        assert f"`{item}`" in note
    assert "actor=armenia" not in note and "to=2024-01-31" not in note
    at.multiselect(key="actor").set_value(["armenia", "azerbaijan"]).run()  # the note stays on its page …
    assert any("Not understood in this link" in w.value for w in at.warning)


def test_link_note_only_when_something_was_dropped(db):
    at = app(page="trends", actor="armenia", gran="month")
    assert not [w for w in at.warning if "Not understood" in w.value]


def test_clear_filters_empties_bound_and_unbound_keys(db):
    at = app(page="trends", actor="armenia", lang="en", q="talks", gran="month",
             **{"from": "2024-01-01", "to": "2024-01-31"})
    assert url(at)["q"] == ["talks"] and url(at)["from"] == ["2024-01-01"]
    next(b for b in at.button if b.label == "Clear filters").click().run()
    no_exception(at)
    assert at.text_input(key="q").value == "" and at.text_input(key="from").value == ""
    assert url(at) == {"page": ["trends"], "gran": ["month"]}


def test_actors_page_top_lists_heatmap_map_wording(db):
    at = app(page="actors")
    no_exception(at)
    top_actors = at.dataframe[0].value
    assert top_actors["entity_id"].tolist()[:2] == ["armenia", "azerbaijan"]
    assert top_actors["articles"].tolist()[:2] == [4, 3]
    assert [json.loads(c.proto.spec)["data"][0]["type"] for c in at.get("plotly_chart")] == ["heatmap"]  # tab 1 only
    at = app(page="actors", view="Places")
    no_exception(at)
    (geo,) = at.get("plotly_chart")
    assert "scattergeo" in geo.proto.spec
    assert json.loads(geo.proto.config)["topojsonURL"] == "/app/static/topojson/"
    assert (ROOT / "static" / "topojson" / "world_50m.json").is_file()
    at = app(page="actors", view="Wording by source")
    no_exception(at)
    wording = next(s for s in charts(at) if any(t.get("name") == "Ханкенди" for t in s["data"]))
    assert {t["name"] for t in wording["data"]} == {"Stepanakert", "Ханкенди"}
    assert at.selectbox(key="entity").value == "stepanakert"


def test_statements_page_clusters(db):
    at = app(page="statements")
    no_exception(at)
    table = at.dataframe[0].value
    assert table["statement_id"].tolist() == ["s3", "s2"]  # cluster c1 shows its earliest report, s2
    assert table["reports"].tolist() == [1, 2]
    at = app(page="statements", type="concern")
    assert at.dataframe[0].value["speaker"].tolist() == ["Ned Price"]


@pytest.fixture()
def said(tmp_path, monkeypatch):
    """The "said by" × "about" store of tests/conftest.py (its docstring counts US on Lachin by hand)."""
    path = build_said_db(tmp_path / "said.duckdb")
    monkeypatch.setenv("TRACKER_DB", str(path))
    return path


def test_statements_said_by_state_and_about_lachin(said):
    """Two clicks: Said by state = United States, About = Lachin corridor give the US statements about the
    corridor — the table, its CSV (the export's bytes), the chart and the URL — not the union."""
    at = app(page="statements")
    no_exception(at)
    assert len(at.dataframe[0].value) == 9  # every cluster (n6 is in a duplicate article)
    at.multiselect(key="by_state").select("united_states").run()
    at.multiselect(key="about").select("lachin_corridor").run()
    no_exception(at)
    table = at.dataframe[0].value
    assert table["statement_id"].tolist() == ["r3", "n1", "r1", "t1"]
    assert table["reports"].tolist() == [1, 1, 2, 1]
    # The table shows outlets by name and a reader link; the CSV (the export's bytes) keeps ids and no link.
    csv = "".join(row + "\r\n" for row in US_ON_LACHIN).encode("utf-8-sig")
    rows = data.statements(filters_of(at), 500)
    assert export.to_csv_bytes(export.statements_table(rows)) == csv
    assert table["read"].str.startswith("articles?page=articles&").all()
    assert url(at) == {"page": ["statements"], "by_state": ["united_states"], "about": ["lachin_corridor"]}
    assert "Said by state: United States · About: Lachin corridor" in html_bodies(at)
    steps = {(t["name"], x[:7]): y for t in charts(at)[0]["data"] for x, y in zip(values(t["x"]), values(t["y"]))}
    assert {key: n for key, n in steps.items() if n} == {("appeal", "2023-01"): 1, ("appeal", "2023-02"): 1,
                                                         ("concern", "2023-02"): 1, ("welcome", "2023-06"): 1}
    # The article filters keep their meaning: statements from articles mentioning the US or the corridor.
    at = app(page="statements", actor="united_states", place="lachin_corridor")
    assert at.dataframe[0].value["statement_id"].tolist() == ["r3", "n5", "n1", "n2", "r1", "r2", "t1", "t2"]


def test_statement_filters_from_a_link_and_their_options(said):
    at = app(page="statements", by_state="united_states", genre="transcript", speaker_type="official",
             about="lachin_corridor")
    no_exception(at)
    assert at.dataframe[0].value["statement_id"].tolist() == ["t1"]
    assert at.multiselect(key="genre").value == ["transcript"]
    options = at.multiselect(key="speaker_type").options
    assert "official (3)" in options and "person outside the taxonomy (1)" in options
    assert "Lachin corridor · place (7)" in at.multiselect(key="about").options
    at = app(page="statements", speaker="p:krnwtlw:k", type="appeal")
    assert at.dataframe[0].value["speaker"].tolist() == ["Karen Whitlow"]
    next(b for b in at.button if b.label == "Clear filters").click().run()
    assert url(at) == {"page": ["statements"]} and len(at.dataframe[0].value) == 9


def test_articles_page_reader_escapes_text(db):
    at = app(page="articles", article="a5")
    no_exception(at)
    assert at.dataframe[0].value["article_id"].tolist()[:1] == ["a9"]  # newest first
    body = html_bodies(at)
    assert "&lt;script&gt;" in body and "<script>" not in body
    assert "Escaping &lt;b&gt;test&lt;/b&gt;" in body
    at = app(page="articles", q="no such words anywhere")
    assert any("No articles match" in i.value for i in at.info)


def test_sources_page_coverage_runs_failures_and_form(db):
    at = app(page="sources")
    no_exception(at)
    cov = at.dataframe[0].value.set_index("source")
    assert cov.loc["gov", "articles"] == 3 and cov.loc["gov", "undated"] == 1
    assert at.dataframe[1].value["run_id"].tolist() == ["r1"]
    assert at.dataframe[2].value["error"].tolist() == ["HTTP 404"]
    assert at.text_area[0].label.startswith("URLs")


# --- The ingest form: URLs and uploads as data, bounded options, off unless allowed ----------------

SUBMIT = "FormSubmitter:ingest_form-Ingest"
NOT_A_URL = "is not an http(s) URL (only URLs are accepted here, no options or server paths)"


@pytest.fixture()
def ingest_on(db, tmp_path, monkeypatch):
    """The small store with dashboard ingest allowed; jobs kept under tmp_path/jobs."""
    monkeypatch.setenv("TRACKER_DASHBOARD_INGEST", "1")
    monkeypatch.setenv("TRACKER_JOBS_DIR", str(tmp_path / "jobs"))
    return tmp_path / "jobs"


def refusals(at: AppTest) -> list[str]:
    """The problem lines of the form's error, as the user reads them (markdown escapes removed)."""
    lines = [line for e in at.error for line in e.value.splitlines() if line.startswith("- ")]
    return [re.sub(r"\\(.)", r"\1", line[2:]) for line in lines]


def send(at: AppTest, urls: str = "", **widgets) -> AppTest:
    """Fill the form (URLs, then any widget by key) and press Ingest."""
    next(t for t in at.text_area if t.label == "URLs (one per line)").input(urls)
    for key, value in widgets.items():
        at.number_input(key=key).set_value(value)
    return at.button(key=SUBMIT).click().run()


def test_ingest_form_is_off_without_the_setting(db, monkeypatch):
    monkeypatch.delenv("TRACKER_DASHBOARD_INGEST", raising=False)
    at = app(page="sources")
    no_exception(at)
    note = " ".join(i.value for i in at.info)
    assert "Ingest from the dashboard is off" in note and "TRACKER_DASHBOARD_INGEST=1" in note
    assert "authenticating reverse proxy" in note
    assert at.text_area(key="ingest_urls").disabled and at.radio(key="ingest_kind").disabled
    assert all(n.disabled for n in at.number_input) and at.file_uploader[0].disabled
    assert at.button(key=SUBMIT).disabled


@pytest.mark.parametrize("line", ["--allow-private", "/etc", "--workers 500", str(PAGES), "file:///etc/passwd"])
def test_ingest_form_refuses_options_and_server_paths_in_one_line(ingest_on, line):
    """Each line is data: an option or a server path is a bad URL, refused with one line naming it; no job
    starts and the text stays in the form to be corrected."""
    at = send(app(page="sources"), f"{line}\n")
    no_exception(at)
    assert refusals(at) == [f"line 1: {line!r} {NOT_A_URL}"]
    assert "job" not in at.session_state and not ingest_on.exists()
    assert at.text_area(key="ingest_urls").value == f"{line}\n"


def test_ingest_form_options_are_bounded_widgets(ingest_on, server, monkeypatch):
    at = app(page="sources")
    workers, timeout, delay = (at.number_input(key=k) for k in ("ingest_workers", "ingest_timeout", "ingest_delay"))
    assert (workers.min, workers.max, workers.value) == (1, submit.max_workers(), 1)
    assert (timeout.min, timeout.max) == submit.BOUNDS["timeout"]
    assert (delay.min, delay.max) == submit.BOUNDS["delay"]
    assert at.radio(key="ingest_kind").options == ["pages", "feeds (RSS/Atom)", "sitemaps"]
    monkeypatch.delenv("TRACKER_ALLOW_PRIVATE", raising=False)  # the job refuses 127.0.0.1 before connecting
    at = send(at, server.url("/a") + "\n", ingest_workers=500)  # a value out of bounds never reaches the run
    assert "job" in at.session_state
    (saved,) = [json.loads(p.read_text()) for p in ingest_on.glob("*/request.json")]
    assert 1 <= saved["workers"] <= submit.max_workers() and saved["urls"] == [server.url("/a")]
    assert at.session_state["job"]["proc"].wait(60) == 0 and server.requests == []


def test_ingest_form_bounds_uploads(ingest_on, monkeypatch):
    """Uploads: Streamlit's per-file cap (server.maxUploadSize, the widget's limit) agrees with the
    request limits, and a file or a request over them is refused with one line naming it."""
    limits = UploadLimits()
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] == -(-limits.file_bytes // 2**20)
    at = app(page="sources")
    assert at.file_uploader[0].proto.max_upload_size_mb == config["server"]["maxUploadSize"]
    monkeypatch.setattr(submit, "DEFAULT_UPLOAD_LIMITS", UploadLimits(files=3, file_bytes=100, total_bytes=150))
    at.file_uploader[0].set_value([("big.html", b"x" * 101, "text/html")])
    at = send(at)
    assert refusals(at) == ["big.html: 101 bytes, larger than the 100-byte limit for one upload"]
    at.file_uploader[0].set_value([("a.html", b"x" * 80, "text/html"), ("b.html", b"x" * 80, "text/html")])
    at = send(at)
    assert refusals(at) == ["160 bytes uploaded, more than the 150-byte limit per request"]
    at.file_uploader[0].set_value([("urls.txt", b"https://ok.example/a\n/etc/passwd\n", "text/plain")])
    at = send(at)
    assert refusals(at) == ["urls.txt: line 2 is not an http(s) URL (uploaded lists may hold URLs only)"]
    assert "job" not in at.session_state and not ingest_on.exists()


def test_ingest_form_runs_a_validated_job(ingest_on, db, server, monkeypatch):
    """A URL on 127.0.0.1 (allowed by the server's own TRACKER_ALLOW_PRIVATE, never by the form) and an
    upload are ingested by a job that got data only; a redirect to a metadata address stays refused."""
    monkeypatch.setenv("TRACKER_ALLOW_PRIVATE", "1")
    url = server.add_page("/border", PAGES / "border_talks.html")
    server.routes["/hop"] = Route(b"", status=302, headers={"Location": "http://169.254.169.254/latest/meta-data/"})
    at = app(page="sources")
    at.file_uploader[0].set_value([("../../report.html", (PAGES / "corridor_report.html").read_bytes(), "text/html")])
    at = send(at, f"{url}\n{server.url('/hop')}\n", ingest_timeout=2.0)
    no_exception(at)
    assert refusals(at) == []
    (folder,) = ingest_on.iterdir()
    saved = json.loads((folder / "request.json").read_text())
    assert saved == {"db": str(db.resolve()), "urls": [url, server.url("/hop")], "uploads": ["000-report.html"],
                     "kind": "pages", "workers": 1, "timeout": 2.0, "delay": 1.0}
    job = at.session_state["job"]
    assert job["label"] == "Ingesting 3 input(s)" and job["proc"].wait(120) == 0
    with duckdb.connect(str(db), read_only=True) as con:
        urls = {u for (u,) in con.execute("SELECT url FROM articles").fetchall()}
        errors = [e for (e,) in con.execute("SELECT error FROM failures").fetchall()]
    assert url in urls and any("169.254.169.254" in e and "not even with --allow-private" in e for e in errors)
    assert not (folder / "uploads").exists()
    at.run()  # the job has ended: the form is back, emptied, under the job's result
    assert at.text_area(key="ingest_urls").value == "" and not at.file_uploader[0].value
    assert any("Ingesting 3 input(s) — finished" in s.value for s in at.success)


def test_empty_database_offers_the_sample(tmp_path, monkeypatch):
    monkeypatch.setenv("TRACKER_DB", str(tmp_path / "none.duckdb"))
    at = app()
    no_exception(at)
    assert any("does not exist yet" in i.value for i in at.info)
    assert any(b.label == "Build the sample database" for b in at.button)
    from pipeline import store
    with store.open_store(tmp_path / "empty.duckdb"):
        pass
    monkeypatch.setenv("TRACKER_DB", str(tmp_path / "empty.duckdb"))
    at = app()
    assert any("has no articles yet" in i.value for i in at.info)


def test_no_results_are_said(db):
    at = app(actor="armenia", **{"from": "2030-01-01"})
    no_exception(at)
    assert any("No dated articles" in i.value for i in at.info)


WRITER = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])
con.execute("INSERT INTO failures VALUES ('r2', 'x', 'fetch', 'held')")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
con.close()
"""


def _hold_lock(path: Path, seconds: float) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(path), str(seconds)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "locked"
    return proc


def test_store_busy_serves_last_results(db):
    at = app(actor="armenia")
    before = traces(at)
    writer = _hold_lock(db, 20)
    try:
        at.run()
        no_exception(at)
        assert any(BUSY in w.value for w in at.warning)
        assert traces(at) == before
    finally:
        writer.kill()
        writer.wait()
    at.run()
    assert not any(BUSY in w.value for w in at.warning)


def test_store_busy_fallback_is_kept_per_browser_session(db):
    first = app(actor="armenia")
    before = traces(first)
    writer = _hold_lock(db, 20)
    try:
        other = app(actor="armenia")  # another browser session, opened while a writer holds the store
        no_exception(other)
        assert any(BUSY in w.value for w in other.warning)
        assert charts(other) == []  # nothing it read itself, and never the first session's results
        first.run()
        assert any(BUSY in w.value for w in first.warning)
        assert traces(first) == before
    finally:
        writer.kill()
        writer.wait()


def test_store_busy_fallback_is_bounded(db, monkeypatch):
    monkeypatch.setattr(data, "LAST_MAX", 6)
    at = app(actor="armenia")
    assert len(at.session_state["_last_results"]) == 6
    for word in ("talks", "blockade", "corridor"):
        at.text_input(key="q").set_value(word).run()
        kept = at.session_state["_last_results"]
        assert len(kept) == 6
        assert any(f"q='{word}'" in args for _, args, _ in kept)  # the newest results stay


def test_no_connection_outlives_a_run(db):
    app(page="articles", article="a5")
    duckdb.connect(str(db)).close()  # a read-write open in this process fails while a read-only one is open


def test_unreadable_database_is_said(tmp_path, monkeypatch):
    path = tmp_path / "notes.duckdb"
    path.write_text("not a database\n" * 100)
    monkeypatch.setenv("TRACKER_DB", str(path))
    at = app(page="statements")
    no_exception(at)
    assert any(str(path) in e.value and "cannot open the database" in e.value for e in at.error)


def test_store_busy_before_anything_is_cached(tmp_path, monkeypatch):
    path = build_small_db(tmp_path / "cold.duckdb")
    monkeypatch.setenv("TRACKER_DB", str(path))
    writer = _hold_lock(path, 20)
    try:
        started = time.monotonic()
        at = app()
        no_exception(at)
        assert any(BUSY in w.value for w in at.warning)
        assert time.monotonic() - started < 15
    finally:
        writer.kill()
        writer.wait()


def test_snapshot_zip_holds_each_view_and_manifest(db):
    import io
    import zipfile

    from views import snapshot
    at = app(actor="armenia", gran="month", measure="share")
    no_exception(at)
    button = next(b for b in at.get("download_button") if b.proto.label == "⬇ Download snapshot (zip)")
    assert button.proto.label
    view = {"page": "trends", "granularity": "month", "measure": "share", "chart": "line"}
    zipped = snapshot.snapshot_bytes(db, export.Filters(actors=["armenia"]), view, "ab" * 32)
    with zipfile.ZipFile(io.BytesIO(zipped)) as zf:
        names = set(zf.namelist())
        manifest = json.loads(zf.read("manifest.json"))
        daily = zf.read("trends_daily.csv").decode("utf-8-sig").splitlines()
        statements = zf.read("statements.csv").decode("utf-8-sig").splitlines()
    assert {"trends_daily.csv", "statements.csv", "articles.csv", "mentions.csv", "source_coverage.csv",
            "manifest.json"} <= names
    assert manifest["view"] == view
    assert manifest["filters"]["actor"] == ["armenia"] and manifest["filters"]["from"] is None
    assert set(manifest["filters"]) >= {"from", "to", "actor", "place", "source", "lang", "about", "type", "q"}
    assert manifest["data_version"] == "r1:a9:m17:s3"
    assert daily[0] == "date,total_articles,armenia_articles,armenia_share"
    assert daily[1].startswith("2024-01-01,1,1,1.0")
    assert statements[0] == ",".join(export.STATEMENT_COLUMNS)


def labels(at: AppTest) -> list[str]:
    return [b.proto.label for b in at.get("download_button")]


def test_articles_offer_rows_shown_and_all_matching_rows(db, monkeypatch):
    """Three articles a page of eight: "3 rows shown" beside "All 8 matching rows"; the all-rows bytes
    (built on click) are the CLI export's bytes, every article; file names carry view and dates."""
    from views import articles
    monkeypatch.setattr(articles, "PAGE_SIZE", 3)
    at = app(page="articles")
    no_exception(at)
    assert "⬇ Articles CSV · 3 rows shown" in labels(at) and "⬇ All 8 matching rows" in labels(at)
    assert len(at.dataframe[0].value) == 3
    every = common.all_rows_csv(lambda con: (export.ARTICLE_COLUMNS, export.articles_batches(con, export.Filters())), db)
    cli = subprocess.run([sys.executable, "-m", "pipeline", "export", "articles", "--db", str(db)], cwd=ROOT,
                         capture_output=True, timeout=120)
    assert cli.returncode == 0 and every == cli.stdout
    assert len(every.decode("utf-8-sig").strip().splitlines()) == 1 + 8
    assert export.file_name("articles", export.Filters(start=dt.date(2024, 1, 1)), "all") == \
        "articles_2024-01-01_end_all.csv"


def test_statements_page_csv_cli_csv_and_snapshot_csv_have_the_same_columns(db, monkeypatch):
    """The Statements page's table (what its CSV writes), `python -m pipeline export statements` and the
    snapshot's statements.csv: one header; the same for articles and the drill-down sentences (mentions)."""
    import io
    import zipfile

    from views import snapshot
    at = app(page="statements")
    # The grid adds one display-only column, the in-app reader link; its CSV holds the export's columns.
    page_statements = [c for c in at.dataframe[0].value.columns if c != "read"]
    at = app(page="articles")
    page_articles = list(at.dataframe[0].value.columns)
    zipped = snapshot.snapshot_bytes(db, export.Filters(), {}, None)
    with zipfile.ZipFile(io.BytesIO(zipped)) as zf:
        snap = {n: zf.read(f"{n}.csv").decode("utf-8-sig").splitlines()[0].split(",")
                for n in ("statements", "articles", "mentions")}
    for view, page_columns in (("statements", page_statements), ("articles", page_articles),
                               ("mentions", export.MENTION_COLUMNS)):
        cli = subprocess.run([sys.executable, "-m", "pipeline", "export", view, "--db", str(db)], cwd=ROOT,
                             capture_output=True, timeout=120)
        header = cli.stdout.decode("utf-8-sig").splitlines()[0].split(",")
        assert page_columns == header == snap[view], view


def test_statements_page_counts_every_match_and_offers_all_of_them(db, monkeypatch):
    from views import statements
    monkeypatch.setattr(statements, "SHOWN_ROWS", 1)
    at = app(page="statements")
    no_exception(at)
    assert len(at.dataframe[0].value) == 1
    assert any("2 statements match · showing 1" in c.value for c in at.caption)
    assert "⬇ Statements CSV · 1 row shown" in labels(at) and "⬇ All 2 matching rows" in labels(at)


def test_statements_chart_is_stacked_monthly_steps_that_drop_to_zero_in_silent_months():
    """One stacked step path per state and type (not a bar per month): a month with nothing said is 0,
    and the last month is drawn as wide as the others."""
    import pandas as pd

    from views import statements
    grid = pd.DataFrame({"period": pd.to_datetime(["2023-01-01", "2023-03-01", "2023-03-01", "2023-01-01"]),
                         "state": ["Armenia", "Armenia", "Armenia", "Azerbaijan"],
                         "statement_type": ["appeal", "appeal", "condemn", "appeal"],
                         "statements": [2, 1, 4, 3]})
    filled = statements.every_month(grid, ["Armenia", "Azerbaijan"])
    assert len(filled) == 2 * 2 * 4  # states × types × Jan..Apr (April closes March's step)
    armenia = filled[filled["state"] == "Armenia"].groupby("period")["statements"].sum()
    assert armenia.tolist() == [2, 0, 5, 0]
    assert filled["statements"].sum() == grid["statements"].sum()
    fig = statements._grid_figure(grid, ["Armenia", "Azerbaijan"])
    assert len(fig.data) == 4 and {t.type for t in fig.data} == {"scatter"}
    assert all(t.line.shape == "hv" and t.stackgroup for t in fig.data)


def test_grids_show_a_formula_safe_copy_for_their_own_csv_download(said, tmp_path):
    """st.dataframe's toolbar "Download as CSV" exports the grid's cells: each grid gets the neutralised
    copy (a speaker named like a formula shows, and downloads, with a leading apostrophe)."""
    con = duckdb.connect(str(said))
    con.execute("UPDATE statements SET speaker = '=HYPERLINK(\"http://evil.example\")' WHERE statement_id = 'r3'")
    con.close()
    at = app(page="statements")
    no_exception(at)
    speakers = at.dataframe[0].value["speaker"].tolist()
    assert "'=HYPERLINK(\"http://evil.example\")" in speakers
    assert not any(str(s).startswith(("=", "+", "-", "@", "\t", "\r")) for s in speakers)


def test_wording_groups_case_forms_under_the_taxonomy_spelling_and_the_tail_as_other():
    import pandas as pd

    from views import entities
    surfaces = ["Степанакерта", "Степанакерте", "Степанакерт", "Stepanakert", "Ханкенди"] + \
        [f"Spelling{i}" for i in range(12)]
    words = pd.DataFrame({"period": pd.Timestamp("2024-01-01"), "source": "s1", "surface": surfaces,
                          "mentions": [50, 40, 30, 20, 15] + list(range(12, 0, -1)), "articles": 1})
    grouped = entities.spellings(words, "stepanakert")
    counts = grouped.groupby("spelling")["mentions"].sum()
    assert counts["Степанакерт"] == 120 and counts["Stepanakert"] == 20
    assert grouped.set_index("spelling")["forms"]["Степанакерт"] == "Степанакерт, Степанакерта, Степанакерте"
    assert len(counts) == entities.MAX_SPELLINGS and counts["other"] == sum(range(1, 7))
    assert len(set(entities.SPELLING_COLOURS)) == entities.MAX_SPELLINGS - 1


def test_wording_chart_uses_outlet_names_and_counts_undated(db):
    at = app(page="actors", view="Wording by source")
    no_exception(at)
    spec = next(s for s in charts(at) if any(t.get("name") == "Ханкенди" for t in s["data"]))
    facets = {a["text"] for a in spec["layout"].get("annotations", [])}
    outlets = data.source_options()
    assert facets and facets <= set(outlets["name"]), facets
    colours = [t["marker"]["color"] for t in spec["data"]]
    assert len({(t["name"], t["marker"]["color"]) for t in spec["data"]}) == len({t["name"] for t in spec["data"]})
    assert colours
    notes = " ".join(m.value for m in at.markdown)
    assert "Undated" in notes or "Every mention of it under these filters is dated." in notes


# ---------------------------------------------------------------------------------------------
# Changes page and freshness (the store with known changes: tests/test_changes.py counts it)
# ---------------------------------------------------------------------------------------------

@pytest.fixture()
def changes_store(changes_db, monkeypatch):
    monkeypatch.setenv("TRACKER_DB", str(changes_db))
    return changes_db


def signal_tables(at: AppTest) -> dict[str, object]:
    """The Changes page's tables by signal kind (each table holds one kind)."""
    return {frame.value["kind"].iloc[0]: frame.value for frame in at.dataframe if "kind" in frame.value}


def test_changes_page_threshold_round_trips_through_the_url(changes_store):
    at = app(page="changes", p="0.0001")
    no_exception(at)
    assert title(at) == "Changes"
    assert at.segmented_control(key="p").value == "0.0001"
    assert url(at) == {"page": ["changes"], "p": ["0.0001"]}
    assert signal_tables(at)["surge"]["key"].tolist() == ["surge/lachin_corridor/2024-03-09"]
    at.segmented_control(key="p").set_value("0.001").run()  # the default leaves the URL
    assert url(at) == {"page": ["changes"]}
    assert signal_tables(at)["surge"]["key"].tolist() == ["surge/lachin_corridor/2024-03-09",
                                                          "surge/armenia/2024-03-06"]
    at.segmented_control(key="min").set_value("5").run()
    assert url(at) == {"page": ["changes"], "min": ["5"]}
    assert signal_tables(at)["surge"]["key"].tolist() == ["surge/armenia/2024-03-06"]
    assert any("Window 2024-03-04 – 2024-03-10 (7 days). Surges: 1 entity-day tested" in c.value for c in at.caption)


def test_changes_page_window_and_bad_values_in_the_url(changes_store):
    at = app(page="changes", since="2024-03-06", until="2024-03-09", p="0.5", shift_p="0.05")
    no_exception(at)
    assert url(at) == {"page": ["changes"], "since": ["2024-03-06"], "until": ["2024-03-09"], "shift_p": ["0.05"]}
    assert at.date_input(key="since").value == dt.date(2024, 3, 6)
    assert any("`p=0.5`" in w.value for w in at.warning)  # named, as every link value left out
    assert any(c.value.startswith("Window 2024-03-06 – 2024-03-09 (4 days).") for c in at.caption)
    tables = signal_tables(at)
    assert tables["surge"]["day"].tolist() == [dt.date(2024, 3, 9), dt.date(2024, 3, 6)]
    assert "type_shift" not in tables  # 6–9 March against 2–5 March: too few statements before
    at = app(page="changes", since="2024-13-01")
    assert url(at) == {"page": ["changes"]}
    at = app(page="trends", p="0.01", since="2024-03-06")  # the Changes page's keys leave other pages
    assert url(at) == {"page": ["trends"]}


def test_changes_page_rows_link_to_the_views_behind_them(changes_store):
    at = app(page="changes", lang="en", **{"from": "2024-01-01"})
    no_exception(at)
    tables = signal_tables(at)
    assert set(tables) == {"surge", "first_entity", "first_speaker", "type_shift"}
    surge = tables["surge"].set_index("key")
    assert surge.loc["surge/armenia/2024-03-06", "link"] == (
        "/?page=trends&lang=en&actor=armenia&from=2024-02-07&to=2024-03-06&gran=day")
    assert surge.loc["surge/armenia/2024-03-06", "behind_link"] == (
        "/articles?page=articles&lang=en&actor=armenia&from=2024-03-06&to=2024-03-06")
    assert tables["first_entity"]["link"].tolist() == ["/articles?page=articles&lang=en&article=lachin_corridor-0309-0"]
    assert tables["type_shift"]["behind_link"].tolist() == [
        "/statements?page=statements&lang=en&by_state=azerbaijan&type=condemn&type=appeal&from=2024-03-04"
        "&to=2024-03-10"]
    assert any("sidebar's date range does not apply" in c.value for c in at.caption)
    labels = [b.label for b in at.get("download_button")]
    assert any(b.startswith("⬇ Download all signals (CSV) · all ") for b in labels)
    assert any(b.startswith("⬇ Download surges (CSV) · all ") for b in labels)


def test_freshness_in_the_sidebar(changes_store):
    at = app(page="articles", new_since="2024-03-11T00:00")
    no_exception(at)
    assert url(at)["new_since"] == ["2024-03-11T00:00"]
    shown = [m.value for m in at.sidebar.markdown]
    assert "**3** new articles since 2024-03-11 00:00 UTC" in shown
    assert any(c.value.startswith(f"Database: {changes_store} · updated ") and "(2024-03-12 09:30 UTC)" in c.value
               for c in at.sidebar.caption)
    at = app(page="articles", new_since="2024-03-08", place="lachin_corridor")  # a date alone means midnight
    assert "**3** new articles since 2024-03-08 00:00 UTC" in [m.value for m in at.sidebar.markdown]
    assert url(at)["new_since"] == ["2024-03-08T00:00"]
    next(b for b in at.button if b.label == "Mark as seen").click().run()
    no_exception(at)
    (seen,) = url(at)["new_since"]
    assert abs(dt.datetime.fromisoformat(seen) - dt.datetime.now(dt.UTC).replace(tzinfo=None)) < dt.timedelta(minutes=2)
    assert "**0** new articles since" in " ".join(m.value for m in at.sidebar.markdown)
    at = app(page="articles", new_since="soon")
    assert "new_since" not in url(at)


# ---------------------------------------------------------------------------------------------
# Issue 13: dates, the drill-down in the URL, the smaller things
# ---------------------------------------------------------------------------------------------

def sentences_heading(at: AppTest) -> list[str]:
    return [h.value for h in at.subheader if h.value.startswith("Sentences behind")]


def test_typed_dates_apply_and_short_forms_are_written_out(db):
    at = app(actor="armenia")
    at.text_input(key="from").input("2024-01-08").run()
    no_exception(at)
    assert url(at)["from"] == ["2024-01-08"] and "dates" not in url(at)
    assert at.selectbox(key="dates").value == "custom"
    x, y = traces(at)["Armenia"]
    assert x[0] == "2024-01-08" and sum(y) == 1  # a5 only: a1, a2 are before the 8th
    at.text_input(key="to").input("2024-01").run()
    assert at.text_input(key="to").value == "2024-01-31" and url(at)["to"] == ["2024-01-31"]
    at.text_input(key="to").input("2024-02-30").run()
    assert any("“To” = “2024-02-30” is ignored" in w.value for w in at.warning)
    assert "to" not in url(at)


def test_date_presets_are_kept_in_the_url(db, monkeypatch):
    at = app(actor="armenia", dates="30d")
    no_exception(at)
    today = dt.date.today()
    assert at.text_input(key="from").value == (today - dt.timedelta(days=29)).isoformat()
    assert at.text_input(key="to").value == today.isoformat()
    assert url(at)["dates"] == ["30d"] and "from" not in url(at) and "to" not in url(at)
    at.selectbox(key="dates").set_value("year").run()
    assert url(at)["dates"] == ["year"] and at.text_input(key="from").value == f"{today.year}-01-01"
    at.selectbox(key="dates").set_value("any").run()
    assert "dates" not in url(at) and at.text_input(key="from").value == ""
    at = app(actor="armenia", dates="fortnight", to="2024-01-10")
    assert url(at)["to"] == ["2024-01-10"] and "dates" not in url(at)
    assert any("`dates=fortnight`" in w.value for w in at.warning)


def test_drill_down_period_round_trips_through_the_url(db):
    at = app(actor="armenia")
    at.selectbox(key="trend_period").set_value("2024-01-15..2024-01-21").run()
    assert url(at)["period"] == ["2024-01-15"] and "period_entity" not in url(at)
    assert sentences_heading(at) == ["Sentences behind 2024-01-15 – 2024-01-21 · Armenia"]
    again = app(**url(at))
    no_exception(again)
    assert sentences_heading(again) == sentences_heading(at)
    assert html_bodies(again) == html_bodies(at) and url(again) == url(at)
    # A range selected on the chart for one of two lines, as a link carries it.
    at = app(actor=["armenia", "azerbaijan"], period="2024-01-01..2024-01-14", period_entity="azerbaijan")
    no_exception(at)
    assert sentences_heading(at) == ["Sentences behind 2024-01-01 – 2024-01-14 · Azerbaijan"]
    assert at.selectbox(key="trend_period").value == "2024-01-01..2024-01-14"
    assert url(at)["period"] == ["2024-01-01..2024-01-14"] and url(at)["period_entity"] == ["azerbaijan"]
    body = html_bodies(at)
    assert ">Azerbaijan</mark>" in body and ">Armenia</mark>" not in body
    at.selectbox(key="trend_period").set_value(None).run()
    assert "period" not in url(at) and "period_entity" not in url(at) and not sentences_heading(at)


def test_drill_down_keys_leave_with_their_page_or_when_invalid(db):
    at = app(actor="armenia", period="2024-02-31", period_entity="nobody")
    assert "period" not in url(at) and "period_entity" not in url(at)
    note = next(w.value for w in at.warning if "Not understood" in w.value)
    assert "`period=2024-02-31`" in note and "`period_entity=nobody`" in note
    at = app(page="articles", actor="armenia", period="2024-01-15", entity="armenia")
    assert url(at) == {"page": ["articles"], "actor": ["armenia"], "article": ["a5"]}  # the reader's article


def test_without_entities_the_line_controls_say_why(db):
    at = app()
    assert at.segmented_control(key="measure").disabled and at.segmented_control(key="chart").disabled
    assert not at.segmented_control(key="gran").disabled
    assert any("Measure and chart type apply to entity lines" in c.value for c in at.caption)
    at = app(actor="armenia")
    assert not at.segmented_control(key="measure").disabled
    assert not any("Measure and chart type apply" in c.value for c in at.caption)


def test_share_leaves_empty_weeks_as_gaps(db):
    at = app(actor="armenia", measure="share")
    x, y = traces(at)["Armenia"]
    assert x == ["2024-01-01", "2024-01-08", "2024-01-15", "2024-01-22", "2024-01-29"]
    assert y[:3] == pytest.approx([2 / 3, 0.0, 1.0]) and y[4] == 0.0
    assert np.isnan(y[3])  # no dated article in the week of the 22nd: unknown, not 0 %
    assert charts(at)[0]["data"][0]["connectgaps"] is False


def test_partial_first_and_last_weeks_are_noted(db):
    at = app(actor="armenia", **{"from": "2024-01-03", "to": "2024-01-17"})
    note = next(c.value for c in at.caption if c.value.startswith("Partial periods"))
    assert "first week (2024-01-01) counts only from 2024-01-03" in note
    assert "last week (2024-01-15) counts only up to 2024-01-17" in note
    at = app(actor="armenia", **{"from": "2024-01-01", "to": "2024-01-21"})
    assert not [c for c in at.caption if c.value.startswith("Partial periods")]


def test_tooltips_read_as_sentences(db):
    for measure, words in (("articles", "articles mentioning"), ("share", "of dated articles"),
                           ("mentions", "mentions in")):
        at = app(actor="armenia", measure=measure)
        template = charts(at)[0]["data"][0]["hovertemplate"]
        assert "Week of %{x|%d %b %Y}" in template and words in template
        assert "=" not in template.replace("<extra></extra>", "")


def test_every_multiselect_selects_only_what_is_clicked(db):
    at = app(page="statements")
    assert len(at.multiselect) >= 12
    assert all(m.proto.select_all == 0 for m in at.multiselect)  # 0: no "Select all matches"


def test_outlet_names_blanks_and_reader_links(db):
    at = app(actor="armenia")
    at.selectbox(key="trend_period").set_value("2024-01-15..2024-01-21").run()
    body = html_bodies(at)
    assert "Indy Wire" in body and " indy " not in body
    assert 'href="articles?page=articles&amp;actor=armenia&amp;article=a5" target="_self"' in body
    at = app(page="statements")
    table = at.dataframe[0].value
    assert [sorted(n) for n in table["sources"]] == [["Government Press Office"], ["AZ News", "Government Press Office"]]
    assert table["read"].tolist() == ["articles?page=articles&article=a9", "articles?page=articles&article=a2"]
    shown = table.drop(columns=["about", "sources", "urls", "said_on", "reports"])
    assert not shown.isna().any().any() and "None" not in shown.astype(str).to_numpy()
    at = app(page="articles")
    table = at.dataframe[0].value
    assert set(table["source"]) == {"Government Press Office", "AZ News", "Indy Wire"}


def test_reader_opens_a_linked_article_outside_the_results(db):
    at = app(page="articles", q="zzzz", article="a7")
    no_exception(at)
    assert "Undated notice" in html_bodies(at)
    assert url(at)["article"] == ["a7"]
    at = app(page="articles", article="nope")
    assert "article" not in url(at) or url(at)["article"] != ["nope"]
    assert any("`article=nope`" in w.value for w in at.warning)


def test_zero_result_search_says_what_and_suggests_prefixes(db):
    at = app(page="articles", q="Armeni")
    info = " ".join(i.value for i in at.info)
    assert "“Armeni” in any form" in info and "try `Armeni*`" in info
    assert any("Лачин*" in c.value and "OR" in c.value for c in at.caption)  # the syntax under the box
    at = app(page="articles", q="Armeni*")
    assert not [i for i in at.info if "No articles match" in i.value]
    assert any(c.value.startswith("4 matching articles") for c in at.caption)


def test_missing_text_and_dates_are_blank_not_none():
    frame = pd.DataFrame({"said_on": pd.to_datetime(["2024-01-15", None]),
                          "seen": pd.to_datetime(["2024-01-15 10:30", None]),
                          "speaker": pd.Series(["Mirzoyan", None], dtype="str"),
                          "reports": [1, 2]})
    shown, config = common.dates_as_text(common.blank_missing(frame), {
        "said_on": st.column_config.DateColumn("Said on", format="YYYY-MM-DD", help="when"), "seen": "Seen"})
    assert shown["said_on"].tolist() == ["2024-01-15", ""]
    assert shown["seen"].tolist() == ["2024-01-15 10:30", ""]
    assert shown["speaker"].tolist() == ["Mirzoyan", ""]
    assert config["said_on"]["label"] == "Said on" and config["said_on"]["help"] == "when"
    assert config["said_on"]["type_config"]["type"] == "text" and config["seen"]["label"] == "Seen"
    full = frame.iloc[:1]
    assert common.dates_as_text(full, {"said_on": "Said on"})[0]["said_on"].dtype.kind == "M"  # no gap: a date

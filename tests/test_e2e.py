"""End to end in a real headless Chromium against `streamlit run dashboard.py` on 127.0.0.1.

The database is built by the real pipeline (`python -m pipeline ingest`) from the pages in
tests/fixtures/e2e/pages/ — fictional outlets and speakers writing about Armenia, Azerbaijan and
the Lachin corridor in May–June 2024. Every request to a host other than 127.0.0.1/localhost is
blocked and counted; each test ends by asserting there were none. Screenshots of every page go to
screenshots/ (git-ignored) with a tall viewport, because Streamlit scrolls an inner panel.

Hand-counted facts about the fixture pages (published dates, weeks start on Monday):
  2024-05-02 Ridge Post        Armenia, Azerbaijan, Lachin corridor
  2024-05-03 Caspian Ledger    Armenia, Azerbaijan, Lachin (road)
  2024-05-20 Highland Wire     Armenia, Azerbaijan, Lachin corridor, Stepanakert
  2024-06-10 Ridge Post        Armenia, Azerbaijan, Lachin corridor, European Union
  2024-06-11 Caspian Ledger    Armenia, Azerbaijan
Weeks from 2024-04-29 to 2024-06-10: all articles 2,0,0,1,0,0,2; European Union 0,0,0,0,0,0,1.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import duckdb
import pytest

from tests.conftest import SMALL_ARTICLES, US_ON_LACHIN, Route, build_said_db, build_small_db
from tests.e2e_helpers import (
    CHROMIUM,
    CHROMIUM_ARGS,
    FIXTURES,
    ROOT,
    SCREENSHOTS,
    VIEWPORT,
    OutsideRequests,
    StreamlitApp,
    copy_db,
    hold_write_lock,
    run_pipeline,
)

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]
# ms: the longest one UI step may take on a busy 2-core machine ($E2E_STEP_MS raises it on a machine
# shared by several test runs, where loading the page's scripts alone can take longer)
SHORT = int(os.environ.get("E2E_STEP_MS", "20000"))
expect.set_options(timeout=SHORT)
WEEKS = ["2024-04-29", "2024-05-06", "2024-05-13", "2024-05-20", "2024-05-27", "2024-06-03", "2024-06-10"]
LATE_PAGE = FIXTURES / "late" / "wire-2024-06-12-kestrel.html"
LATE_TITLE = "Kestrel convoy reaches Goris after night crossing"


# ---------------------------------------------------------------------------------------------
# Fixtures
# ---------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def built_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture pages ingested by the real CLI into a fresh database (once per module)."""
    db = tmp_path_factory.mktemp("e2e") / "tracker.duckdb"
    run_pipeline("ingest", "--workers", "1", "--quiet", str(FIXTURES / "pages"), db=db)
    return db


@pytest.fixture(scope="module")
def app(built_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[StreamlitApp]:
    """One dashboard shared by the read-only scenarios."""
    server = StreamlitApp(db=built_db, log=tmp_path_factory.mktemp("e2e-log") / "streamlit.log",
                          env={"TRACKER_DASHBOARD_INGEST": ""}).start()  # ingest off, as by default
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture()
def outside() -> OutsideRequests:
    return OutsideRequests()


@pytest.fixture()
def context(browser, outside: OutsideRequests) -> Iterator[object]:
    """A browser context (tall viewport, downloads on) whose requests to other hosts are blocked and
    counted; the test fails if there was any."""
    ctx = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    ctx.route("**/*", outside.route)
    ctx.set_default_timeout(SHORT)
    yield ctx
    ctx.close()
    assert outside.blocked == [], f"requests to other hosts: {outside.blocked}"


@pytest.fixture()
def page(context) -> object:
    return context.new_page()


# ---------------------------------------------------------------------------------------------
# Page helpers
# ---------------------------------------------------------------------------------------------

_BUSY_JS = """() => !!document.querySelector(
    '[data-testid="stSkeleton"], [data-stale="true"], [data-testid="stStatusWidget"]')"""


def settle(page, quiet: float = 0.7, timeout: float | None = None) -> None:
    """Wait until the script run is over: no skeletons, no stale elements, no running widget."""
    time.sleep(0.2)
    deadline, calm = time.monotonic() + (timeout or max(30, SHORT / 1000)), None
    while time.monotonic() < deadline:
        busy = page.evaluate(_BUSY_JS)
        if busy:
            calm = None
        elif calm is None:
            calm = time.monotonic()
        elif time.monotonic() - calm >= quiet:
            return
        time.sleep(0.1)
    raise AssertionError("the app did not finish its run in time")


def open_app(page, app: StreamlitApp, query: str = "") -> None:
    page.goto(app.url + query)
    page.get_by_test_id("stSidebar").get_by_test_id("stMultiSelect").first.wait_for()
    page.get_by_test_id("stHeading").first.wait_for()
    settle(page)
    assert_no_traceback(page)


def open_fresh(page, app: StreamlitApp, query: str = "") -> None:
    """`open_app` for a server just started: its first run imports and reads everything, which can
    take longer than one UI step on a busy machine."""
    page.goto(app.url + query)
    page.get_by_test_id("stSidebar").get_by_test_id("stMultiSelect").first.wait_for(timeout=120_000)
    page.get_by_test_id("stHeading").first.wait_for(timeout=120_000)
    settle(page, timeout=120)
    assert_no_traceback(page)


def assert_no_traceback(page) -> None:
    assert page.get_by_test_id("stException").count() == 0, page.get_by_test_id("stException").first.inner_text()
    assert "Traceback" not in page.locator("body").inner_text()


def sidebar_select(page, label: str, option: str, shown: str | None = None) -> None:
    """Pick one option of a sidebar multiselect by typing and clicking it (Enter would pick
    Streamlit's 'Select all matches'); `shown` is its label before the count when that is not `option`."""
    box = page.get_by_test_id("stSidebar").get_by_test_id("stMultiSelect").filter(has_text=label)
    box.click()
    page.keyboard.type(option)
    page.get_by_role("option", name=re.compile(rf"^{re.escape(shown or option)} \(")).first.click()
    page.keyboard.press("Escape")
    settle(page)


def chosen(page, label: str) -> list[str]:
    """The chips of a sidebar multiselect."""
    box = page.get_by_test_id("stSidebar").get_by_test_id("stMultiSelect").filter(has_text=label)
    tags = box.locator(".react-aria-ComboBox [data-tag]")
    return [tags.nth(i).get_attribute("aria-label") for i in range(tags.count())]


def go_to(page, label: str) -> None:
    """Open a page through the sidebar's navigation menu."""
    page.get_by_test_id("stSidebarNav").get_by_text(label, exact=True).click()
    expect(page.get_by_test_id("stHeading").filter(has_text=label).first).to_be_visible()
    settle(page)


def address(page) -> str:
    """The address bar (`page.url` can miss a history.pushState that changes the path)."""
    return page.evaluate("location.href")


def query(page) -> dict[str, list[str]]:
    """The address bar's query string, every key with all its values."""
    return parse_qs(urlsplit(address(page)).query)


def date_field(page, label: str):
    """A sidebar date input's field (its year, month and day are separate spinbuttons)."""
    return page.get_by_test_id("stSidebar").get_by_test_id("stDateInput").filter(
        has=page.get_by_text(label, exact=True)).get_by_test_id("stDateInputField")


def traces(page, chart: int = 0) -> list[dict]:
    """name, type, x (ISO dates) and y of each trace of the n-th plotly chart on the page."""
    return page.evaluate("""(n) => {
        const el = document.querySelectorAll('.js-plotly-plot')[n];
        if (!el || !el._fullData) return [];
        return el._fullData.map(t => ({name: t.name, type: t.type,
            x: Array.from(t.x || []).map(v => String(v).slice(0, 10)), y: Array.from(t.y || []).map(Number)}));
    }""", chart)


def grid_rows(page, table: int = 0) -> list[list[str]]:
    """Header and body rows of the n-th st.dataframe (read from the grid's accessible table)."""
    return page.evaluate("""(n) => {
        const grid = document.querySelectorAll('[data-testid="stDataFrame"]')[n];
        if (!grid) return [];
        return Array.from(grid.querySelectorAll('[role="row"]')).map(r =>
            Array.from(r.querySelectorAll('[role="columnheader"], [role="gridcell"]')).map(c => c.innerText.trim()));
    }""", table)


def captions(page) -> str:
    return "\n".join(page.get_by_test_id("stCaptionContainer").all_inner_texts())


def shot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def wait_for(predicate, timeout: float | None = None, what: str = "condition") -> None:
    deadline = time.monotonic() + (timeout or max(20, SHORT / 1000))
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}")


# ---------------------------------------------------------------------------------------------
# Scenarios
# ---------------------------------------------------------------------------------------------

def test_choose_actor_changes_table_and_chart(app: StreamlitApp, page) -> None:
    open_app(page, app, "?page=articles")
    assert "5 matching articles" in captions(page)
    assert len(grid_rows(page)) == 1 + 5
    sidebar_select(page, "Actors", "European Union")
    assert chosen(page, "Actors") == ["European Union (1)"]
    expect(page.get_by_text("1 matching articles")).to_be_visible()
    rows = grid_rows(page)
    assert len(rows) == 2 and rows[1][:3] == ["2024-06-10", "ridge-post.example",
                                              "Brussels hosts a new round of peace talks"]
    shot(page, "01-articles-european-union")

    go_to(page, "Trends")
    wait_for(lambda: any(t["name"] == "European Union" for t in traces(page)), what="the entity's trend line")
    (line,) = traces(page)
    assert line["x"] == WEEKS and line["y"] == [0, 0, 0, 0, 0, 0, 1]
    assert "actor=european_union" in address(page) and "page=trends" in address(page)
    shot(page, "02-trends-european-union")


def test_trends_without_entities_shows_all_articles(app: StreamlitApp, page) -> None:
    open_app(page, app, "?page=trends")
    (bars,) = traces(page)
    assert bars["type"] == "bar" and bars["x"] == WEEKS and bars["y"] == [2, 0, 0, 1, 0, 0, 2]


def test_reopened_url_restores_the_same_filters(app: StreamlitApp, context, page) -> None:
    open_app(page, app, "?page=trends")
    sidebar_select(page, "Actors", "Azerbaijan")
    sidebar_select(page, "Places", "Lachin corridor")
    search = page.get_by_test_id("stSidebar").get_by_role("textbox", name="Text search")
    search.fill("checkpoint")
    search.press("Enter")
    settle(page)
    wait_for(lambda: "q=checkpoint" in address(page), what="the search in the URL")
    before = {t["name"]: t["y"] for t in traces(page)}
    url = address(page)
    assert "actor=azerbaijan" in url and "place=lachin_corridor" in url

    again = context.new_page()
    open_app(again, app, "?" + url.split("?", 1)[1])
    assert chosen(again, "Actors") == ["Azerbaijan (5)"]
    assert chosen(again, "Places") == ["Lachin corridor (4)"]
    search_box = again.get_by_test_id("stSidebar").get_by_role("textbox", name="Text search")
    assert search_box.input_value() == "checkpoint"
    after = {t["name"]: t["y"] for t in traces(again)}
    assert after == before and set(after) == {"Azerbaijan", "Lachin corridor"}
    # "checkpoint" is only in the 2024-05-02 and 2024-05-03 pages (both in the first week).
    assert after["Azerbaijan"] == after["Lachin corridor"] == [2, 0, 0, 0, 0, 0, 0]
    assert address(again) == url
    shot(again, "03-reopened-url")


def test_page_link_opens_its_page_and_the_menu_keeps_the_key(app: StreamlitApp, context, page) -> None:
    open_app(page, app, "?page=statements&actor=armenia")
    expect(page.get_by_test_id("stHeading").filter(has_text="Statements").first).to_be_visible()
    assert chosen(page, "Actors") == ["Armenia (5)"]
    wait_for(lambda: urlsplit(address(page)).path == "/statements", what="the page's own path")
    assert query(page) == {"page": ["statements"], "actor": ["armenia"]}

    go_to(page, "Articles")
    wait_for(lambda: query(page).get("page") == ["articles"], what="the page key to follow the menu")
    assert query(page)["actor"] == ["armenia"] and urlsplit(address(page)).path == "/articles"
    expect(page.get_by_text("5 matching articles")).to_be_visible()

    again = context.new_page()
    open_app(again, app, "?" + address(page).split("?", 1)[1])
    expect(again.get_by_test_id("stHeading").filter(has_text="Articles").first).to_be_visible()
    assert chosen(again, "Actors") == ["Armenia (5)"]
    wait_for(lambda: address(again) == address(page), what="the reopened link to settle on the same address")


def test_page_keys_follow_their_page(app: StreamlitApp, page) -> None:
    open_app(page, app, "?page=trends&actor=armenia&gran=month")
    wait_for(lambda: [t["x"] for t in traces(page)] == [["2024-05-01", "2024-06-01"]], what="the monthly line")
    go_to(page, "Actors & themes")
    page.get_by_role("tab", name="Wording by source").click()
    wait_for(lambda: "entity" in query(page), what="the wording entity in the URL")
    assert query(page) == {"page": ["actors"], "actor": ["armenia"], "view": ["Wording by source"],
                           "entity": ["stepanakert"]}
    go_to(page, "Trends")
    wait_for(lambda: query(page).get("gran") == ["month"], what="the granularity back in the URL")
    assert "entity" not in query(page) and "view" not in query(page)
    wait_for(lambda: [t["x"] for t in traces(page)] == [["2024-05-01", "2024-06-01"]], what="the monthly line")


def test_link_with_unknown_values_keeps_the_valid_ones(app: StreamlitApp, page) -> None:
    open_app(page, app, "?page=trends&actor=armenia&actor=nonexistent&from=2024-13-45&gran=year&to=2024-05-31")
    wait_for(lambda: query(page) == {"page": ["trends"], "actor": ["armenia"], "to": ["2024-05-31"]},
             what="the unknown values to leave the URL")
    assert chosen(page, "Actors") == ["Armenia (5)"]
    (line,) = traces(page)
    assert line["x"][0] == WEEKS[0] and line["y"][:4] == [2, 0, 0, 1] and sum(line["y"]) == 3
    note = page.get_by_test_id("stAlert").filter(has_text="Not understood in this link").inner_text()
    assert all(item in note for item in ("actor=nonexistent", "from=2024-13-45", "gran=year"))


def date_box(page, label: str):
    """A sidebar date box (plain text, YYYY-MM-DD)."""
    return page.get_by_test_id("stSidebar").get_by_test_id("stTextInput").filter(
        has=page.get_by_text(label, exact=True)).locator("input")


def test_typed_dates_apply_on_tab_and_enter(app: StreamlitApp, context, page) -> None:
    open_app(page, app, "?page=trends&from=2024-05-01&to=2024-06-16")
    assert traces(page)[0]["y"] == [2, 0, 0, 1, 0, 0, 2]
    box = date_box(page, "To")
    box.fill("2024-06-05")
    box.press("Tab")  # leaving the box applies it: no calendar to close
    wait_for(lambda: query(page).get("to") == ["2024-06-05"], what="the typed date in the URL")
    settle(page)
    wait_for(lambda: traces(page)[0]["y"] == [2, 0, 0, 1, 0, 0], what="the chart to end on 5 June")
    box = date_box(page, "From")
    box.fill("2024-05-06")
    box.press("Enter")
    wait_for(lambda: query(page).get("from") == ["2024-05-06"], what="the date typed with Enter in the URL")
    settle(page)
    wait_for(lambda: traces(page)[0]["y"] == [0, 0, 1, 0, 0], what="the chart to start on 6 May")
    for label in ("From", "To"):  # the whole date reads in the box
        assert date_box(page, label).evaluate("e => e.scrollWidth <= e.clientWidth"), label

    again = context.new_page()
    open_app(again, app, "?" + address(page).split("?", 1)[1])
    assert date_box(again, "From").input_value() == "2024-05-06"
    assert date_box(again, "To").input_value() == "2024-06-05"
    assert traces(again)[0]["y"] == [0, 0, 1, 0, 0]
    assert address(again) == address(page)

    page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").filter(
        has=page.get_by_text("Dates", exact=True)).click()
    page.get_by_role("option", name="This year").click()
    wait_for(lambda: query(page).get("dates") == ["year"] and "from" not in query(page), what="the preset in the URL")
    page.get_by_test_id("stSidebar").get_by_role("button", name="Clear filters").click()
    wait_for(lambda: query(page) == {"page": ["trends"]}, what="cleared dates to leave the URL")
    shot(page, "03b-dates-cleared")


def test_dates_read_in_full_at_1440_px(browser, outside: OutsideRequests, app: StreamlitApp) -> None:
    ctx = browser.new_context(viewport={"width": 1440, "height": 900})
    ctx.route("**/*", outside.route)
    page = ctx.new_page()
    try:
        open_app(page, app, "?page=trends&from=2024-05-01&to=2024-06-16")
        for label, value in (("From", "2024-05-01"), ("To", "2024-06-16")):
            box = date_box(page, label)
            assert box.input_value() == value
            assert box.evaluate("e => e.scrollWidth <= e.clientWidth"), f"{label} is cut"
        shot(page, "03c-dates-1440")
    finally:
        ctx.close()
    assert outside.blocked == []


def test_click_chart_point_lists_its_sentences(app: StreamlitApp, page) -> None:
    open_app(page, app, "?page=trends&actor=armenia")
    wait_for(lambda: [t["name"] for t in traces(page)] == ["Armenia"], what="the Armenia line")
    point = page.locator(".js-plotly-plot .scatterlayer .trace").first.locator(".point").nth(WEEKS.index("2024-05-20"))
    box = point.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    heading = page.get_by_text("Sentences behind 2024-05-20 – 2024-05-26 · Armenia")
    expect(heading).to_be_visible()
    settle(page)
    sentence = page.locator(".dst-sentence")
    expect(sentence).to_have_count(1)
    text = sentence.inner_text()
    assert "2024-05-20" in text and "highland-wire.example" in text
    assert "urged Armenia and Azerbaijan to agree on a permanent arrangement" in text
    assert sentence.locator("mark").all_inner_texts() == ["Armenia"]
    shot(page, "04-trends-point-sentences")


def test_drill_down_survives_the_link(app: StreamlitApp, context, page) -> None:
    open_app(page, app, "?page=trends&actor=armenia&place=lachin_corridor")
    wait_for(lambda: len(traces(page)) == 2, what="two lines")
    line = page.locator(".js-plotly-plot .scatterlayer .trace").nth(1)  # Lachin corridor
    point = line.locator(".point").nth(WEEKS.index("2024-04-29"))
    box = point.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(page.get_by_text("Sentences behind 2024-04-29 – 2024-05-05 · Lachin corridor")).to_be_visible()
    wait_for(lambda: query(page).get("period") == ["2024-04-29"], what="the period in the URL")
    assert query(page)["period_entity"] == ["lachin_corridor"]
    settle(page)
    before = page.locator(".dst-sentence").all_inner_texts()
    assert before and all("Lachin" in m for m in page.locator(".dst-sentence mark").all_inner_texts())

    again = context.new_page()
    open_app(again, app, "?" + address(page).split("?", 1)[1])
    expect(again.get_by_text("Sentences behind 2024-04-29 – 2024-05-05 · Lachin corridor")).to_be_visible()
    assert again.locator(".dst-sentence").all_inner_texts() == before
    assert query(again) == query(page)
    # The sentence's "read here" opens the article in the reader, under the same filters.
    again.locator(".dst-sentence a", has_text="read here").first.click()
    expect(again.get_by_test_id("stHeading").filter(has_text="Articles").first).to_be_visible()
    settle(again)
    assert query(again)["page"] == ["articles"] and query(again)["actor"] == ["armenia"]
    assert "article" in query(again) and "period" not in query(again)
    expect(again.locator(".dst-article mark").first).to_be_visible()


def test_phone_width_chart_toolbar_clears_the_legend(browser, outside: OutsideRequests, app: StreamlitApp) -> None:
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                              has_touch=True)
    ctx.route("**/*", outside.route)
    page = ctx.new_page()
    try:
        page.goto(app.url + "?page=trends&actor=armenia&actor=azerbaijan&place=lachin_corridor&place=stepanakert")
        page.get_by_test_id("stPlotlyChart").first.wait_for()
        settle(page)
        assert_no_traceback(page)
        chart = page.get_by_test_id("stPlotlyChart").first
        chart.scroll_into_view_if_needed()
        chart.hover()
        bar = chart.locator(".modebar-container").bounding_box()
        legend = chart.locator(".legend").bounding_box()
        plot = chart.locator(".nsewdrag").first.bounding_box()
        assert bar and legend and plot
        overlap = (min(bar["x"] + bar["width"], legend["x"] + legend["width"]) - max(bar["x"], legend["x"]) > 0
                   and min(bar["y"] + bar["height"], legend["y"] + legend["height"]) - max(bar["y"], legend["y"]) > 0)
        assert not overlap, (bar, legend)
        assert legend["y"] >= plot["y"] + plot["height"]  # under the plot, not under the toolbar
        shot(page, "05-trends-390px")
        chart.screenshot(path=str(SCREENSHOTS / "05-trends-390px-chart.png"))
    finally:
        ctx.close()
    assert outside.blocked == []


def test_drag_a_range_lists_the_sentences_behind_it(app: StreamlitApp, page) -> None:
    open_app(page, app, "?page=trends&place=lachin_corridor")
    wait_for(lambda: [t["name"] for t in traces(page)] == ["Lachin corridor"], what="the Lachin line")
    chart = page.get_by_test_id("stPlotlyChart").first
    chart.hover()
    if chart.evaluate("e => e.querySelector('.js-plotly-plot')._fullLayout.dragmode") != "select":
        chart.locator(".modebar-btn[data-title='Box Select']").click()
    area = page.locator(".js-plotly-plot .nsewdrag").first.bounding_box()
    # From the left edge to just past the second week: selects the points of 2024-04-29 and 2024-05-06.
    x_end = area["x"] + area["width"] * 1.5 / 6
    page.mouse.move(area["x"] + 2, area["y"] + 2)
    page.mouse.down()
    page.mouse.move(x_end, area["y"] + area["height"] - 2, steps=8)
    page.mouse.up()
    expect(page.get_by_text("Sentences behind 2024-04-29 – 2024-05-12 · Lachin corridor")).to_be_visible()
    settle(page)
    texts = page.locator(".dst-sentence").all_inner_texts()
    assert texts and all(("2024-05-02" in t or "2024-05-03" in t) for t in texts)
    marks = page.locator(".dst-sentence mark").all_inner_texts()
    assert marks and all("Lachin" in m for m in marks)


def _expected_daily(db: Path, entities: list[str]) -> list[list[str]]:
    """The combined per-day rows computed straight from the tables (not through pipeline.queries)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        first, last = con.execute("SELECT min(published), max(published) FROM articles "
                                  "WHERE duplicate_of IS NULL").fetchone()
        rows = []
        day = first
        while day <= last:
            total = con.execute("SELECT count(*) FROM articles WHERE published = ? AND duplicate_of IS NULL",
                                [day]).fetchone()[0]
            row = [day.isoformat(), str(total)]
            for eid in entities:
                n = con.execute("SELECT count(DISTINCT a.article_id) FROM articles a JOIN mentions m "
                                "USING (article_id) WHERE a.published = ? AND a.duplicate_of IS NULL "
                                "AND m.entity_id = ?", [day, eid]).fetchone()[0]
                row += [str(n), "" if total == 0 else repr(n / total)]
            rows.append(row)
            day += dt.timedelta(days=1)
        return rows
    finally:
        con.close()


def test_download_combined_csv_matches_database_and_cli(app: StreamlitApp, built_db: Path, page, tmp_path) -> None:
    open_app(page, app, "?page=trends&actor=armenia&place=lachin_corridor")
    button = page.get_by_test_id("stDownloadButton").filter(has_text="combined per-day")
    with page.expect_download() as info:
        button.click()
    download = info.value
    data = Path(download.path()).read_bytes()
    assert download.suggested_filename == "trends_daily_all-dates_all.csv"
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["date", "total_articles", "armenia_articles", "armenia_share",
                       "lachin_corridor_articles", "lachin_corridor_share"]
    assert rows[1:] == _expected_daily(built_db, ["armenia", "lachin_corridor"])
    assert rows[1][:3] == ["2024-05-02", "1", "1"] and rows[-1][:3] == ["2024-06-11", "1", "1"]
    assert len(rows) == 1 + 41  # 2 May … 11 June, every day present

    out = tmp_path / "cli.csv"
    run_pipeline("export", "trends", "--actor", "armenia", "--place", "lachin_corridor", "-o", str(out), db=built_db)
    assert out.read_bytes() == data
    shot(page, "05-trends-download")


def test_snapshot_zip_download(app: StreamlitApp, built_db: Path, page) -> None:
    open_app(page, app, "?page=trends&actor=armenia&gran=month")
    with page.expect_download() as info:
        page.get_by_test_id("stSidebar").get_by_test_id("stDownloadButton").filter(has_text="snapshot").click()
    assert re.fullmatch(r"tracker-snapshot_trends_all-dates_\d{8}-\d{4}\.zip", info.value.suggested_filename)
    with zipfile.ZipFile(info.value.path()) as zf:
        names = set(zf.namelist())
        manifest = json.loads(zf.read("manifest.json"))
        daily = zf.read("trends_daily.csv")
        counts = {n: len(list(csv.reader(io.StringIO(zf.read(n).decode("utf-8-sig"))))) - 1
                  for n in names if n.endswith(".csv")}
    assert {"manifest.json", "trends_daily.csv", "statements.csv", "articles.csv"} <= names
    assert set(manifest) == {"view", "filters", "taxonomy_sha256", "data_version", "created_at", "rows"}
    assert manifest["view"] == {"page": "trends", "granularity": "month", "measure": "articles", "chart": "line"}
    assert {k: v for k, v in manifest["filters"].items() if v} == {"actor": ["armenia"]}
    assert re.fullmatch(r"[0-9a-f]{64}", manifest["taxonomy_sha256"])
    assert manifest["data_version"].endswith(":a5:m" + str(_count(built_db, "mentions")) + ":s"
                                             + str(_count(built_db, "statements")))
    assert manifest["rows"] == counts
    assert daily.startswith(b"\xef\xbb\xbf") and counts["trends_daily.csv"] == 41
    assert counts["articles.csv"] == 5


def _count(db: Path, table: str) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        con.close()


def test_every_page_renders_and_stays_offline(app: StreamlitApp, page) -> None:
    for key, title, name in (("actors", "Actors & themes", "06-actors-themes"),
                             ("statements", "Statements", "07-statements"),
                             ("articles", "Articles", "08-articles-reader"),
                             ("sources", "Sources & runs", "09-sources-runs")):
        open_app(page, app, f"?page={key}&actor=armenia")
        expect(page.get_by_test_id("stHeading").filter(has_text=title).first).to_be_visible()
        assert_no_traceback(page)
        shot(page, name)
    # The offline map: its base map comes from this server, and it drew country outlines.
    open_app(page, app, "?page=actors&view=Places")
    assert page.locator(".js-plotly-plot .geo, .js-plotly-plot .geolayer").count() >= 1
    assert page.locator(".js-plotly-plot .geo path, .js-plotly-plot .geolayer path").count() > 5


# ---------------------------------------------------------------------------------------------
# Ingest while the page is open, with another process holding the write lock
# ---------------------------------------------------------------------------------------------

@pytest.fixture()
def writable_app(built_db: Path, tmp_path: Path) -> Iterator[StreamlitApp]:
    """A dashboard on its own copy of the database (this scenario adds an article)."""
    server = StreamlitApp(db=copy_db(built_db, tmp_path / "tracker.duckdb"), log=tmp_path / "streamlit.log",
                          env={"TRACKER_DASHBOARD_INGEST": "1", "TRACKER_JOBS_DIR": str(tmp_path / "jobs")}).start()
    yield server
    server.stop()


def test_ingest_while_open_with_store_locked(writable_app: StreamlitApp, page) -> None:
    app = writable_app
    open_fresh(page, app, "?page=articles")
    assert "5 matching articles" in captions(page)
    go_to(page, "Sources & runs")
    go_to(page, "Articles")

    with hold_write_lock(app.db, seconds=8):
        # A new search needs a query the cache cannot answer while another process writes.
        page.get_by_test_id("stSidebar").get_by_role("textbox", name="Text search").fill("Goris")
        page.keyboard.press("Enter")
        settle(page)
        expect(page.get_by_text("store busy — showing last results")).to_be_visible()
        assert_no_traceback(page)
        shot(page, "10-store-busy")
        # Still usable: another page renders from cache or says it is busy, without a traceback.
        go_to(page, "Sources & runs")
        assert_no_traceback(page)
        # Ingest a file through the page's own form; the run waits for the lock to go.
        form = page.get_by_test_id("stForm")
        form.locator("input[type=file]").set_input_files(str(LATE_PAGE))
        expect(form.get_by_role("button", name=f"Remove {LATE_PAGE.name}")).to_be_visible()
        form.get_by_role("button", name="Ingest").click()
        expect(page.get_by_text("Ingesting 1 input(s)").first).to_be_visible()
        assert_no_traceback(page)
        shot(page, "11-ingest-running")

    expect(page.get_by_text(re.compile(r"Ingesting 1 input\(s\) — finished"))).to_be_visible(timeout=60_000)
    settle(page)
    assert_no_traceback(page)
    shot(page, "12-ingest-finished")
    go_to(page, "Articles")
    expect(page.get_by_text("1 matching articles")).to_be_visible()
    assert page.get_by_text("store busy").count() == 0
    rows = grid_rows(page)
    assert rows[1][:3] == ["2024-06-12", "highland-wire.example", LATE_TITLE]
    shot(page, "13-new-article")


def test_cli_ingest_while_open_shows_the_new_article(writable_app: StreamlitApp, page) -> None:
    """The same with the command line writing: the page picks the new rows up on its next run."""
    app = writable_app
    open_fresh(page, app, "?page=articles&q=Kestrel")
    expect(page.get_by_text("No articles match the search for")).to_be_visible()
    with hold_write_lock(app.db, seconds=4):
        ingest = subprocess.Popen([sys.executable, "-m", "pipeline", "ingest", "--db", str(app.db), "--workers", "1",
                                   "--quiet", str(LATE_PAGE)], cwd=ROOT, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True)
        go_to(page, "Trends")
        assert_no_traceback(page)
    out, err = ingest.communicate(timeout=120)
    assert ingest.returncode == 0, err
    go_to(page, "Articles")
    expect(page.get_by_text("1 matching articles")).to_be_visible()
    assert grid_rows(page)[1][2] == LATE_TITLE


# ---------------------------------------------------------------------------------------------
# Complete and formula-safe downloads (a generated store with more articles than a results page)
# ---------------------------------------------------------------------------------------------

FORMULA_TITLE = '=HYPERLINK("http://evil.example","click")'


@pytest.fixture(scope="module")
def many_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The benchmark generator's store at 400 articles; its newest article titled like a formula."""
    from benchmarks.queries import Sizes, build

    db = tmp_path_factory.mktemp("e2e-many") / "many.duckdb"
    build(db, Sizes(articles=400, mentions=3_000, statements=200, sources=6, entities=120, speakers=20,
                    vocabulary=300, words=30), log=lambda _: None)
    con = duckdb.connect(str(db))
    newest = con.execute("SELECT article_id FROM articles WHERE duplicate_of IS NULL "
                         "ORDER BY published DESC NULLS LAST, article_id LIMIT 1").fetchone()[0]
    con.execute("UPDATE articles SET title = ? WHERE article_id = ?", [FORMULA_TITLE, newest])
    con.close()
    return db


@pytest.fixture(scope="module")
def many_app(many_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[StreamlitApp]:
    server = StreamlitApp(db=many_db, log=tmp_path_factory.mktemp("e2e-many-log") / "streamlit.log").start()
    yield server
    server.stop()


def _csv_rows(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_all_matching_rows_download_holds_every_article_of_the_database(many_app: StreamlitApp, many_db: Path,
                                                                        page) -> None:
    """Articles page: 50 shown of every non-duplicate article; "All N matching rows" downloads all N,
    in the page's order, each title as stored (the formula one neutralised), named after the view."""
    con = duckdb.connect(str(many_db), read_only=True)
    stored = con.execute("SELECT article_id, title FROM articles WHERE duplicate_of IS NULL "
                         "ORDER BY published DESC NULLS LAST, article_id").fetchall()
    con.close()
    open_fresh(page, many_app, "?page=articles")
    n = len(stored)
    assert f"{n:,} matching articles · showing 50" in captions(page)
    with page.expect_download() as shown_dl:
        page.get_by_role("button", name="⬇ Articles CSV · 50 rows shown").click()
    shown = _csv_rows(shown_dl.value.path().read_bytes())
    assert [r["article_id"] for r in shown] == [a for a, _ in stored[:50]]
    assert shown_dl.value.suggested_filename == "articles_all-dates_shown.csv"
    with page.expect_download(timeout=60_000) as all_dl:
        page.get_by_role("button", name=f"⬇ All {n:,} matching rows").click()
    rows = _csv_rows(all_dl.value.path().read_bytes())
    assert all_dl.value.suggested_filename == "articles_all-dates_all.csv"
    assert [r["article_id"] for r in rows] == [a for a, _ in stored]
    assert [r["title"] for r in rows] == ["'" + t if t.startswith("=") else t for _, t in stored]
    assert rows[0]["title"] == "'" + FORMULA_TITLE
    assert list(rows[0]) == ["article_id", "published", "source", "title", "url", "language", "snippet"]
    assert_no_traceback(page)


def test_grid_toolbar_csv_download_is_formula_safe(many_app: StreamlitApp, context) -> None:
    """The grid's own toolbar "Download as CSV" (st.dataframe's) exports the neutralised cell."""
    context.add_init_script("delete window.showSaveFilePicker;")  # the anchor download Playwright can catch
    page = context.new_page()
    open_fresh(page, many_app, "?page=articles")
    grid = page.get_by_test_id("stDataFrame").first
    grid.hover()
    with page.expect_download() as dl:
        grid.get_by_role("button", name="Download as CSV").click()
    data = dl.value.path().read_bytes()
    text = data.decode("utf-8-sig")
    assert FORMULA_TITLE not in text.replace("'" + FORMULA_TITLE, "").replace(
        "'" + FORMULA_TITLE.replace('"', '""'), "")
    assert "'=HYPERLINK(" in text
    for row in csv.reader(io.StringIO(text, newline="")):
        assert not any(cell.startswith(("=", "+", "@", "\t", "\r")) for cell in row), row


# ---------------------------------------------------------------------------------------------
# The ingest form: URLs and uploads as data, never options or server paths
# ---------------------------------------------------------------------------------------------

NOT_A_URL = "is not an http(s) URL (only URLs are accepted here, no options or server paths)"


@pytest.fixture()
def ingest_app(built_db: Path, tmp_path: Path) -> Iterator[StreamlitApp]:
    """A dashboard started with ingest allowed, on its own copy of the database. Its own configuration
    (TRACKER_ALLOW_PRIVATE, never the form) lets it fetch from the test server on 127.0.0.1."""
    env = {"TRACKER_DASHBOARD_INGEST": "1", "TRACKER_ALLOW_PRIVATE": "1", "TRACKER_JOBS_DIR": str(tmp_path / "jobs")}
    server = StreamlitApp(db=copy_db(built_db, tmp_path / "tracker.duckdb"), log=tmp_path / "streamlit.log",
                          env=env).start()
    yield server
    server.stop()


def test_ingest_form_is_off_without_the_setting(app: StreamlitApp, page) -> None:
    open_fresh(page, app, "?page=sources")
    note = page.get_by_test_id("stAlertContentInfo").filter(has_text="Ingest from the dashboard is off")
    expect(note).to_contain_text("TRACKER_DASHBOARD_INGEST=1")
    expect(note).to_contain_text("authenticating reverse proxy")
    form = page.get_by_test_id("stForm")
    expect(form.get_by_role("button", name="Ingest")).to_be_disabled()
    expect(form.locator("textarea")).to_be_disabled()
    expect(form.locator("input[type=file]")).to_be_disabled()
    for field in ("Workers", "Timeout (s)", "Delay per host (s)"):
        expect(form.get_by_role("spinbutton", name=field)).to_be_disabled()


def test_ingest_form_refuses_options_and_paths_and_ingests_a_local_url(ingest_app: StreamlitApp, server,
                                                                       page) -> None:
    """Hostile lines are bad URLs, refused with one line each and nothing run; a bounded option widget
    cannot leave its bounds; a URL on 127.0.0.1 is ingested, and a redirect from it to the metadata
    address stays refused although the server's configuration allows private addresses."""
    app = ingest_app
    before = _count(app.db, "articles")
    url = server.add_page("/kestrel", LATE_PAGE)
    server.routes["/hop"] = Route(b"", status=302, headers={"Location": "http://169.254.169.254/latest/meta-data/"})
    open_fresh(page, app, "?page=sources")
    form = page.get_by_test_id("stForm")
    error = page.get_by_test_id("stAlertContentError")
    for line in ("--allow-private", str(LATE_PAGE.parent), "--workers 500"):
        form.locator("textarea").fill(line)
        form.get_by_role("button", name="Ingest").click()
        expect(error).to_have_count(1)
        settle(page)
        assert error.locator("li").all_inner_texts() == [f"line 1: '{line}' {NOT_A_URL}"]
        expect(form.locator("textarea")).to_have_value(line)  # kept, to be corrected
        assert_no_traceback(page)
    shot(page, "14-ingest-refused")
    assert not (app.db.parent / "jobs").exists() and _count(app.db, "articles") == before

    workers = form.get_by_role("spinbutton", name="Workers")
    workers.fill("500")
    workers.press("Tab")
    settle(page)
    assert (workers.get_attribute("min"), workers.get_attribute("max")) == ("1", "2")  # 1 … the machine's cores
    expect(form.get_by_text("Number is outside the allowed range. Please enter a value between 1 and 2.")) \
        .to_be_visible()
    workers.fill("2")
    workers.press("Tab")

    form.locator("textarea").fill(f"{url}\n{server.url('/hop')}")
    form.get_by_role("button", name="Ingest").click()
    expect(page.get_by_text(re.compile(r"Ingesting 2 input\(s\) — finished"))).to_be_visible(timeout=90_000)
    expect(page.get_by_text(re.compile(r"1 stored \(0 duplicates\), 0 unchanged, 1 failed"))).to_be_visible()
    assert error.count() == 0
    shot(page, "15-ingest-finished")
    (saved,) = [json.loads(p.read_text()) for p in (app.db.parent / "jobs").glob("*/request.json")]
    assert saved["urls"] == [url, server.url("/hop")] and saved["uploads"] == [] and saved["workers"] == 2
    with duckdb.connect(str(app.db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM articles").fetchone() == (before + 1,)
        assert con.execute("SELECT count(*) FROM articles WHERE url NOT LIKE 'http%'").fetchone() == (0,)
        (error_row,), = con.execute("SELECT error FROM failures WHERE input = ?", [server.url("/hop")]).fetchall()
    assert "169.254.169.254" in error_row and "not even with --allow-private" in error_row
    go_to(page, "Articles")
    page.get_by_test_id("stSidebar").get_by_role("textbox", name="Text search").fill("Kestrel")
    page.keyboard.press("Enter")
    settle(page)
    expect(page.get_by_text("1 matching articles")).to_be_visible()
    assert grid_rows(page)[1][2] == LATE_TITLE


# ---------------------------------------------------------------------------------------------
# Said by × about on the hand-counted store
# ---------------------------------------------------------------------------------------------

@pytest.fixture()
def said_app(tmp_path: Path) -> Iterator[StreamlitApp]:
    """A dashboard on the "said by" × "about" store of tests/conftest.py (counted by hand there)."""
    server = StreamlitApp(db=build_said_db(tmp_path / "said.duckdb"), log=tmp_path / "streamlit.log").start()
    yield server
    server.stop()


def test_said_by_state_and_about_in_two_clicks(said_app: StreamlitApp, page, tmp_path) -> None:
    """Said by state = United States, About = Lachin corridor: exactly the four US statements about the
    corridor (not the union), in the table, the URL and the CSV — the same bytes as the export's flags."""
    open_fresh(page, said_app, "?page=statements")
    expect(page.get_by_text("9 statements match · showing 9 (newest first")).to_be_visible()
    assert len(grid_rows(page)) == 1 + 9
    sidebar_select(page, "Said by: speaker's state", "United States")
    sidebar_select(page, "About", "Lachin corridor", shown="Lachin corridor · place")
    assert chosen(page, "Said by: speaker's state")[0].startswith("United States (")
    assert chosen(page, "About")[0].startswith("Lachin corridor · place (")
    assert query(page) == {"page": ["statements"], "by_state": ["united_states"], "about": ["lachin_corridor"]}
    expect(page.get_by_text("Said by state: United States · About: Lachin corridor")).to_be_visible()
    expect(page.get_by_text("4 statements match · showing 4 (newest first")).to_be_visible()
    rows = grid_rows(page)
    assert [r[:4] for r in rows[1:]] == [["2023-06-15", "US Department of State", "United States", "welcome"],
                                         ["2023-02-03", "Antony Blinken", "United States", "appeal"],
                                         ["2023-02-01", "US Department of State", "United States", "concern"],
                                         ["2023-01-10", "Ned Price", "United States", "appeal"]]
    shot(page, "16-said-by-about")
    with page.expect_download() as info:
        page.get_by_test_id("stDownloadButton").filter(has_text="Statements CSV · all 4 rows").first.click()
    data = Path(info.value.path()).read_bytes()
    assert info.value.suggested_filename == "statements_all-dates_all.csv"
    assert data == "".join(row + "\r\n" for row in US_ON_LACHIN).encode("utf-8-sig")
    out = tmp_path / "cli.csv"
    run_pipeline("export", "statements", "--by-state", "united_states", "--about", "lachin_corridor", "-o", str(out),
                 db=said_app.db)
    assert out.read_bytes() == data
    # A link with the two keys reopens the same view.
    open_fresh(page, said_app, "?page=statements&by_state=united_states&about=lachin_corridor")
    expect(page.get_by_text("4 statements match · showing 4 (newest first")).to_be_visible()
    assert len(grid_rows(page)) == 1 + 4


# ---------------------------------------------------------------------------------------------
# Search syntax in the browser, on the hand-counted store of tests/conftest.py
# ---------------------------------------------------------------------------------------------

@pytest.fixture()
def small_app(tmp_path: Path) -> Iterator[StreamlitApp]:
    server = StreamlitApp(db=build_small_db(tmp_path / "small.duckdb"), log=tmp_path / "streamlit.log").start()
    yield server
    server.stop()


TITLES = {a[0]: a[4] for a in SMALL_ARTICLES}
TYPED_SEARCHES = {  # counted by hand from SMALL_ARTICLES (as tests/test_queries.py's SEARCHES)
    "Arm*": ["a5", "a2", "a1", "a6"],
    "Stepanakert OR Ханкенди": ["a4", "a3"],
    '"peace talks"': ["a1"],
    "школы": ["a4"],
}


def test_search_syntax_typed_in_the_sidebar(small_app: StreamlitApp, page) -> None:
    """Prefixes, OR, quoted phrases and word forms typed in the box give the hand-counted articles, in the
    URL; a search that finds nothing says what was searched and suggests the prefix form."""
    open_fresh(page, small_app, "?page=articles")
    box = page.get_by_test_id("stSidebar").get_by_role("textbox", name="Text search")
    for q, expected in TYPED_SEARCHES.items():
        box.fill(q)
        box.press("Enter")
        settle(page)
        expect(page.get_by_text(f"{len(expected)} matching articles")).to_be_visible()
        assert [r[2] for r in grid_rows(page)[1:]] == [TITLES[a] for a in expected], q
        assert query(page)["q"] == [q]
        assert_no_traceback(page)
    box.fill("Armeni")
    box.press("Enter")
    settle(page)
    note = page.get_by_test_id("stAlertContentInfo").filter(has_text="No articles match the search for")
    expect(note).to_contain_text("Armeni*")
    shot(page, "17-search-zero-results")

"""End to end in a real headless Chromium against `streamlit run dashboard.py` on 127.0.0.1.

The database is built by the real pipeline (`python -m pipeline ingest`) from the pages in
tests/fixtures/e2e/pages/ (fictional outlets and speakers, Armenia/Azerbaijan/Lachin corridor,
May–June 2024). Every request to a host other than 127.0.0.1/localhost is blocked and counted;
each test ends by asserting there were none. Screenshots go to screenshots/ (git-ignored).
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.e2e_helpers import (CHROMIUM, CHROMIUM_ARGS, FIXTURES, SCREENSHOTS, VIEWPORT, OutsideRequests,
                         StreamlitApp, copy_db, run_pipeline)

playwright_api = pytest.importorskip("playwright.sync_api")

pytestmark = pytest.mark.timeout(300)
SHORT = 15_000  # ms: the longest any single UI step may take


@pytest.fixture(scope="module")
def built_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture pages ingested by the real CLI into a fresh database (built once per module)."""
    db = tmp_path_factory.mktemp("e2e") / "tracker.duckdb"
    run_pipeline("ingest", "--workers", "1", "--quiet", str(FIXTURES / "pages"), db=db)
    return db


@pytest.fixture(scope="module")
def app(built_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[StreamlitApp]:
    """One dashboard for the read-only scenarios."""
    server = StreamlitApp(db=built_db, log=tmp_path_factory.mktemp("e2e-log") / "streamlit.log").start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with playwright_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture()
def outside() -> OutsideRequests:
    return OutsideRequests()


@pytest.fixture()
def page(browser, outside: OutsideRequests) -> Iterator[object]:
    """A fresh tab (tall viewport, downloads on) whose requests to other hosts are blocked and counted."""
    context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    context.route("**/*", outside.route)
    context.set_default_timeout(SHORT)
    tab = context.new_page()
    yield tab
    context.close()
    assert outside.blocked == [], f"requests to other hosts: {outside.blocked}"


def shot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def test_smoke_dashboard_loads_without_outside_requests(app: StreamlitApp, page) -> None:
    page.goto(app.url)
    page.get_by_test_id("stApp").wait_for()
    page.get_by_test_id("stSidebar").wait_for()
    assert page.get_by_test_id("stException").count() == 0
    shot(page, "00-start")

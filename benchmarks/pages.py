"""Page benchmark: each dashboard page's time to its first complete render in headless Chromium.

Starts `streamlit run dashboard.py` on 127.0.0.1 against a store and times, in headless Chromium, from
the navigation to the moment the page is complete and stays so: the script run is over (no skeleton,
stale element or running indicator), every plotly chart is drawn and every table's grid is shown.
Three kinds of visit per page:
- cold: the first visit after the server started, in a new browser (nothing cached anywhere);
- new browser: a visit in a new browser context once the server's query cache is warm (a colleague
  opening a link for the first time: Streamlit's JavaScript is downloaded and compiled again);
- reload: `--repeats` visits in one browser tab by address (the browser's cache and the server's
  cache filled: an analyst reopening a bookmark; the page and its JavaScript load again);
- warm: `--repeats` moves to the page from the sidebar menu in that tab, coming from another page
  with the same filters (how an analyst goes from page to page: nothing reloads, the server runs the
  page's script and the browser draws it; a tab of Actors & themes is clicked on the page's first
  tab); the target applies to these.
Streamlit's own floor (benchmarks/data/floor_app.py: a title, a small chart, a 10-row table) is timed
the same way in the same run, and each page's new-browser and reload times are also given as seconds
over it: what a first visit costs before any page content is Streamlit's, not the dashboard's.
Also reported: what the server sent the browser (websocket bytes), the largest chart (plotly JSON)
and the CPU seconds the Streamlit server and Chromium spent on the page: on a shared machine the
wall-clock times grow with the load average, the CPU seconds much less, so they compare two runs
made under different loads. Chromium resolves no host but 127.0.0.1 (`--host-resolver-rules`), and
any request to another host fails the run; the rules block without intercepting requests, because
Playwright's request interception turns the browser cache off. Run it from the project folder with
the project's Python; the targets are < 2 s per page on the sample store and < 3 s at 100 k
articles on a quiet 2-core machine.

    python benchmarks/pages.py                              # the sample store (built if missing)
    python benchmarks/pages.py --articles 100000 --mentions 1000000 --statements 100000
    python benchmarks/pages.py --db path/to/tracker.duckdb --repeats 5
"""
from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.e2e_helpers import CHROMIUM, CHROMIUM_ARGS, LOCAL_HOSTS, StreamlitApp  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
VIEWPORT = {"width": 1440, "height": 1000}
TARGETS = {"sample": 2.0, "large": 3.0}  # seconds per page (warm), sample store / 100 k articles

# Page views timed: (label, query string, how an analyst moves to it: its entry in the sidebar menu, or
# "tab:<name>" for a tab of Actors & themes, clicked on the page's first tab). "{actor}" is the store's
# most mentioned actor.
VIEWS = [
    ("Trends", "?page=trends", "Trends"),
    ("Trends · actor", "?page=trends&actor={actor}", "Trends"),
    ("Actors & themes", "?page=actors", "Actors & themes"),
    ("Actors · together", "?page=actors&view=Mentioned+together", "tab:Mentioned together"),
    ("Actors · places", "?page=actors&view=Places", "tab:Places"),
    ("Actors · wording", "?page=actors&view=Wording+by+source", "tab:Wording by source"),
    ("Statements", "?page=statements", "Statements"),
    ("Articles", "?page=articles", "Articles"),
    ("Sources & runs", "?page=sources", "Sources & runs"),
]

# The baseline: Streamlit's own floor (benchmarks/data/floor_app.py), timed the same way in the same run.
FLOOR = ("Streamlit floor", "floor", "Floor")

# True while the page is not complete: the run is going, or a chart or table is not drawn yet.
_BUSY_JS = """() => {
    if (document.querySelector('[data-testid="stSkeleton"], [data-stale="true"], [data-testid="stStatusWidget"]'))
        return true;
    if (!document.querySelector('[data-testid="stHeading"]')) return true;
    for (const el of document.querySelectorAll('[data-testid="stPlotlyChart"]')) {
        const plot = el.querySelector('.js-plotly-plot');
        if (!plot || !plot._fullLayout) return true;
    }
    for (const el of document.querySelectorAll('[data-testid="stDataFrame"]')) {
        if (!el.querySelector('canvas, [role="grid"]')) return true;
    }
    return false;
}"""

# The largest plotly figure spec on the page, in characters of JSON.
_CHART_JS = """() => Math.max(0, ...Array.from(document.querySelectorAll('.js-plotly-plot')).map(
    p => JSON.stringify({data: p.data || [], layout: p.layout || {}}).length))"""


def render_time(page, url: str, quiet: float = 1.0, timeout: float = 120.0, menu: str | None = None) -> float:
    """Seconds from navigation (to `url`, or a click on the sidebar menu's `menu` entry) until the page
    is complete, counted to the first moment after which it stayed complete for `quiet` seconds."""
    start = time.perf_counter()
    if menu and menu.startswith("tab:"):
        page.get_by_role("tab", name=menu.removeprefix("tab:"), exact=True).click()
        time.sleep(0.1)  # the click's rerun marks the page stale
    elif menu:
        page.get_by_test_id("stSidebarNav").get_by_text(menu, exact=True).click()
        time.sleep(0.1)
    else:
        page.goto(url)
    calm_since = None
    while time.perf_counter() - start < timeout:
        busy = page.evaluate(_BUSY_JS)
        now = time.perf_counter()
        if busy:
            calm_since = None
        elif calm_since is None:
            calm_since = now
        elif now - calm_since >= quiet:
            return calm_since - start
        time.sleep(0.05)
    raise TimeoutError(f"{url} not complete after {timeout:.0f} s")


def cpu_times(server_pid: int) -> dict[int, tuple[str, float]]:
    """pid -> ("server" or "browser", CPU seconds so far) of the Streamlit server and every Chromium
    process started by this benchmark."""
    import psutil

    out = {}
    for proc in psutil.Process().children(recursive=True):
        try:
            kind = "server" if proc.pid == server_pid else "browser" if "chrom" in proc.name() else None
            if kind:
                t = proc.cpu_times()
                out[proc.pid] = (kind, t.user + t.system)
        except psutil.Error:
            continue
    return out


def cpu_spent(before: dict[int, tuple[str, float]], after: dict[int, tuple[str, float]]) -> dict[str, float]:
    """CPU seconds each kind of process spent between two `cpu_times` readings (a process started in
    between counts whole)."""
    spent = {"server": 0.0, "browser": 0.0}
    for pid, (kind, seconds) in after.items():
        spent[kind] += seconds - before.get(pid, (kind, 0.0))[1]
    return spent


def top_actor(db: Path) -> str:
    """The actor in most articles (for the Trends view with an entity)."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        row = con.execute("SELECT m.entity_id FROM mentions m JOIN entities e USING (entity_id) WHERE e.kind = "
                          "'actor' GROUP BY 1 ORDER BY count(DISTINCT m.article_id) DESC, 1 LIMIT 1").fetchone()
    finally:
        con.close()
    return row[0] if row else "armenia"


def sample_store(path: Path) -> Path:
    """The bundled sample built into `path` by the real pipeline (once)."""
    if not path.exists():
        print(f"building the sample store {path} …", flush=True)
        subprocess.run([sys.executable, "-m", "pipeline", "sample", "--db", str(path)], cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL)
    return path


def large_store(articles: int, mentions: int, statements: int) -> Path:
    """The query benchmark's generated store of these sizes (benchmarks/queries.py; built once, cached)."""
    from benchmarks.queries import Sizes, _params, build, cached_params

    sizes = Sizes(articles=articles, mentions=mentions, statements=statements)
    path = RESULTS / f"pages_a{articles}_m{mentions}_s{statements}.duckdb"
    if cached_params(path) != _params(sizes):
        print(f"generating {path} …", flush=True)
        build(path, sizes)
    return path


def _visit(page, url: str, server_pid: int, menu: str | None = None) -> dict:
    """One timed visit of `url` in the browser tab `page`: seconds, CPU seconds per kind of process,
    websocket KB received, the largest chart's KB and the page's exception text, if any."""
    received = [0]

    def count(ws) -> None:
        ws.on("framereceived", lambda payload: received.__setitem__(0, received[0] + len(payload)))

    page.on("websocket", count)
    before = cpu_times(server_pid)
    seconds = render_time(page, url, menu=menu)
    spent = cpu_spent(before, cpu_times(server_pid))
    page.remove_listener("websocket", count)
    out = {"seconds": seconds, **spent, "kb": received[0] / 1024, "chart_kb": page.evaluate(_CHART_JS) / 1024}
    if page.get_by_test_id("stException").count():
        out["error"] = page.get_by_test_id("stException").first.inner_text()[:300]
    return out


def floor_root(folder: Path) -> Path:
    """A folder serving benchmarks/data/floor_app.py as `dashboard.py` with the project's Streamlit
    settings: the baseline every page's time is compared with."""
    (folder / ".streamlit").mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / ".streamlit" / "config.toml", folder / ".streamlit" / "config.toml")
    shutil.copy(ROOT / "benchmarks" / "data" / "floor_app.py", folder / "dashboard.py")
    return folder


def measure(db: Path, repeats: int, log_dir: Path, root: Path = ROOT, views: list[tuple[str, str, str]] = VIEWS,
            away: str | None = None) -> dict:
    """Cold, new-browser, reload and warm render times, websocket bytes and chart sizes of `views`;
    each warm move comes from the page at `away` (default: Sources & runs, or Trends for itself)."""
    from playwright.sync_api import sync_playwright

    actor = top_actor(db)
    server = StreamlitApp(db=db.resolve(), log=log_dir / "pages-streamlit.log", root=root).start(timeout=60)
    out: dict[str, dict] = {label: {"warm": [], "reload": [], "kb": [], "chart_kb": 0.0, "server_cpu": [],
                                    "browser_cpu": []} for label, _, _ in views}
    outside: list[str] = []

    def record(context) -> None:
        context.on("request", lambda r: None if (urlsplit(r.url).hostname or "") in LOCAL_HOSTS
                   or r.url.startswith(("data:", "blob:", "about:")) else outside.append(r.url))

    def visit(page, label: str, query: str, menu: str | None = None) -> dict:
        seen = _visit(page, server.url + query.format(actor=actor), server.proc.pid, menu)
        cell = out[label]
        cell["kb"].append(seen["kb"])
        cell["chart_kb"] = max(cell["chart_kb"], seen["chart_kb"])
        if "error" in seen:
            cell["error"] = seen["error"]
        return seen

    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                         args=[*CHROMIUM_ARGS, "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"])
            for kind in ("cold", "new_browser"):
                for label, query, _ in views:
                    context = browser.new_context(viewport=VIEWPORT)
                    record(context)
                    out[label][kind] = visit(context.new_page(), label, query)["seconds"]
                    context.close()
            context = browser.new_context(viewport=VIEWPORT)
            record(context)
            tab = context.new_page()  # one tab, as an analyst moving between pages
            for label, query, _ in views:  # fill this browser's cache with each page once, untimed
                visit(tab, label, query)
            for _ in range(repeats):
                for label, query, menu in views:
                    out[label]["reload"].append(visit(tab, label, query)["seconds"])
                    other = "sources" if menu != "Sources & runs" else "trends"
                    render_time(tab, server.url + (away or ("?page=actors" if menu.startswith("tab:") else
                                                            query.format(actor=actor).replace(
                                                                query.split("&")[0], f"?page={other}"))))
                    seen = visit(tab, label, query, menu)
                    out[label]["warm"].append(seen["seconds"])
                    out[label]["server_cpu"].append(seen["server"])
                    out[label]["browser_cpu"].append(seen["browser"])
            context.close()
            browser.close()
            if outside:
                raise AssertionError(f"the pages asked other hosts: {outside[:5]}")
    finally:
        server.stop()
    return {"views": out, "actor": actor}


def table(result: dict, target: float) -> str:
    """The markdown table of one run, each page's new-browser and reload times also as seconds over
    Streamlit's floor measured in the same run."""
    lines = ["| page | cold (s) | new browser (s) | over floor (s) | reload median (s) | over floor (s) "
             "| warm median (s) | warm max (s) | server CPU (s) | browser CPU (s) | sent to browser (KB) "
             "| largest chart (KB) | verdict |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    floor = result["views"].get(FLOOR[0])

    def reload_of(cell: dict) -> float:
        return statistics.median(cell["reload"]) if cell["reload"] else float("nan")

    for label, cell in result["views"].items():
        warm = cell["warm"]
        median = statistics.median(warm) if warm else cell["cold"]
        verdict = "error" if "error" in cell else ("ok" if median < target else f"over {target:g} s")
        cpu = {k: f"{statistics.median(cell[k]):.2f}" if cell.get(k) else "–" for k in ("server_cpu", "browser_cpu")}
        over = (f"{cell['new_browser'] - floor['new_browser']:+.2f}", f"{reload_of(cell) - reload_of(floor):+.2f}") \
            if floor and cell is not floor else ("–", "–")
        lines.append(f"| {label} | {cell['cold']:.2f} | {cell['new_browser']:.2f} | {over[0]} | {reload_of(cell):.2f} | "
                     f"{over[1]} | {median:.2f} | {max(warm or [cell['cold']]):.2f} | "
                     f"{cpu['server_cpu']} | {cpu['browser_cpu']} | "
                     f"{statistics.median(cell['kb']):,.0f} | {cell['chart_kb']:,.0f} | {verdict} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=None, help="store to serve (default: the sample store)")
    parser.add_argument("--articles", type=int, default=None, help="use the generated store of this many articles")
    parser.add_argument("--mentions", type=int, default=None)
    parser.add_argument("--statements", type=int, default=None)
    parser.add_argument("--repeats", type=int, default=3, help="reload and warm (menu) visits per page")
    parser.add_argument("--app-root", type=Path, default=ROOT,
                        help="serve the dashboard of another checkout (e.g. `git archive` of an older commit)")
    parser.add_argument("--pages", nargs="+", metavar="PAGE", choices=[label for label, _, _ in VIEWS],
                        help="time only these pages (default: all)")
    parser.add_argument("--label", default="", help="a name for this run in the results (e.g. before/after)")
    args = parser.parse_args(argv)

    RESULTS.mkdir(parents=True, exist_ok=True)
    if args.db:
        db, kind = args.db, "large" if args.articles else "sample"
    elif args.articles:
        n = args.articles
        db, kind = large_store(n, args.mentions or 10 * n, args.statements or n), "large"
    else:
        db, kind = sample_store(RESULTS / "pages_sample.duckdb"), "sample"
    target = TARGETS[kind]
    load_before = os.getloadavg()
    views = [view for view in VIEWS if not args.pages or view[0] in args.pages]
    result = measure(db, args.repeats, RESULTS, args.app_root.resolve(), views)
    with tempfile.TemporaryDirectory() as tmp:
        floor = measure(db, args.repeats, RESULTS, floor_root(Path(tmp)), [FLOOR], away="other")
    result["views"].update(floor["views"])
    load_after = os.getloadavg()
    md = table(result, target)
    when = dt.datetime.now().isoformat(timespec="seconds")
    head = (f"pages on {db.name} ({kind}; Trends · actor = {result['actor']}), {args.repeats} warm visits each, "
            f"{when}, load average before {load_before[0]:.2f}/{load_before[1]:.2f}/{load_before[2]:.2f}, "
            f"after {load_after[0]:.2f}/{load_after[1]:.2f}/{load_after[2]:.2f} on {os.cpu_count()} cores")
    print(head + "\n\n" + md)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    name = f"pages-{args.label + '-' if args.label else ''}{stamp}"
    with contextlib.suppress(OSError):
        (RESULTS / f"{name}.json").write_text(json.dumps({"head": head, "db": str(db), "label": args.label,
                                                          **result}, indent=2, default=str))
        (RESULTS / f"{name}.md").write_text(head + "\n\n" + md + "\n")
    slow = [1 for cell in result["views"].values() if "error" in cell
            or statistics.median(cell["warm"] or [cell["cold"]]) >= target]
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())

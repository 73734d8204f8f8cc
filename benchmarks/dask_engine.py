"""The Dask engine's two rates: pages per second per worker, and rows per second of the one writer.

What a cluster of N machines reaches is about `N × cores × per-worker rate`, until the main process
(the writer, and for local files the reading that feeds the workers) saturates. This script measures,
in one run on the same pages:

1. per-worker rate: `engines.dask` on a LocalCluster of 1 and of `--workers` single-threaded worker
   processes (extract, mentions, statements; steady state, from the first result to the last), and
   the local process pool over the same items for comparison;
2. writer rate: the real `_Writer` loading those outcomes (repeated under new ids up to
   `--writer-pages` articles) into an empty DuckDB store in its short batched transactions, as
   articles + mentions + statements rows per second (and all rows, sentences and raw pages included);
3. feed rate: what the main process reads per second for the workers when the pages are in a WARC
   (scan, then each record read by offset) — the engine ships pages, so workers need no shared disk.

    python benchmarks/dask_engine.py --corpus ../shared/corpora/caucasus/state_dept_press_releases_rss/all_items.jsonl.gz
    python benchmarks/dask_engine.py -n 300            # generated sample pages when no corpus is given

Results: benchmarks/results/dask_engine.md.
"""
from __future__ import annotations

import argparse
import copy
import functools
import io
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from warcio.statusandheaders import StatusAndHeaders  # noqa: E402
from warcio.warcwriter import WARCWriter  # noqa: E402

from pipeline import store  # noqa: E402
from pipeline.collect.fetch import Fetcher  # noqa: E402
from pipeline.collect.inputs import Item, expand  # noqa: E402
from pipeline.collect.warc import Capture, read_page, scan  # noqa: E402
from pipeline.config import DEFAULT_SOURCES  # noqa: E402
from pipeline.mentions.taxonomy import load_taxonomy  # noqa: E402
from pipeline.run import engines  # noqa: E402
from pipeline.run.finish import prepare  # noqa: E402
from pipeline.run.ingest import Options, Summary, _lost, _prepare, _Writer, process, read_item  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpora" / "caucasus" / "state_dept_press_releases_rss" / "all_items.jsonl.gz"
COUNTED = ("articles", "mentions", "statements")


def corpus_items(corpus: Path | None, n: int, work: Path) -> tuple[list[Item], str]:
    """The first `n` items of the corpus (a JSONL of pages), or `n` generated sample pages."""
    if corpus is not None and corpus.exists():
        source, name = str(corpus), corpus.name
    else:
        from tools.sample.generator import generate
        generate(work / "sample", n, 23)
        source, name = str(work / "sample"), f"{n} generated sample pages"
    items = [i for i in expand(source) if isinstance(i, Item)][:n]
    return items, name


def task() -> engines.Task:
    return engines.Task(prepare=functools.partial(_prepare, Fetcher(allow_private=False)), work=process, lost=_lost)


def timed(outcomes) -> tuple[list, float, float]:
    """All outcomes, seconds from start to the first result, and steady-state seconds from the first to the last."""
    started = time.perf_counter()
    first, results = None, []
    for outcome in outcomes:
        if first is None:
            first = time.perf_counter()
        results.append(outcome)
    return results, first - started, time.perf_counter() - first


def per_worker(items: list[Item], workers: int) -> dict:
    taxonomy = load_taxonomy(None)
    results, startup, steady = timed(engines.dask(items, task(), taxonomy, None, workers))
    return {"workers": workers, "startup": startup, "seconds": steady, "pages": len(results),
            "rate": (len(results) - 1) / steady, "outcomes": results}


def local_pool(items: list[Item], workers: int) -> dict:
    results, startup, steady = timed(engines.local(items, task(), workers, None))
    return {"workers": workers, "startup": startup, "seconds": steady, "rate": (len(results) - 1) / steady}


def _renamed(outcome, copy_no: int):
    """An outcome as if it came from another page: new article, statement ids and hashes."""
    if copy_no == 0 or outcome.article is None:
        return outcome
    out = copy.deepcopy(outcome)
    suffix = f"-{copy_no}"
    out.article["article_id"] += suffix
    out.article["content_hash"] += suffix
    if out.raw:
        out.raw = (out.raw[0] + suffix, out.raw[1])
        out.article["raw_sha256"] = out.raw[0]
    for rows in (out.derived or {}).values():
        for row in rows or []:
            for key in ("article_id", "statement_id", "cluster_id"):
                if key in row:
                    row[key] += suffix
    return out


def writer_rate(outcomes: list, pages: int, work: Path) -> dict:
    """The real writer loading `pages` articles (the outcomes, repeated under new ids) into an empty store."""
    db = work / "writer.duckdb"
    taxonomy = load_taxonomy(None)
    stored = [o for o in outcomes if o.article is not None]
    batch = [_renamed(stored[i % len(stored)], i // len(stored)) for i in range(pages)]
    opts = Options(db=db, progress=False)
    summary = Summary("bench")
    with store.open_store(db) as con:
        resolver = prepare(con, taxonomy, DEFAULT_SOURCES)
        store.start_run(con, "bench", None, [])
    writer = _Writer(opts, "bench", resolver, summary)
    counted = sum(1 + sum(len((o.derived or {}).get(t) or []) for t in COUNTED[1:]) for o in batch)
    every = sum(1 + (1 if o.raw else 0) + sum(len(r or []) for r in (o.derived or {}).values()) for o in batch)
    started = time.perf_counter()
    for outcome in batch:
        writer.add(outcome)
    writer.flush()
    seconds = time.perf_counter() - started
    return {"pages": pages, "seconds": seconds, "pages_rate": pages / seconds, "rows": counted,
            "rows_rate": counted / seconds, "all_rows": every, "all_rate": every / seconds}


def feed_rate(items: list[Item], work: Path) -> dict:
    """Pages per second the main process reads from a WARC of the same pages (scan + each record by offset)."""
    archive = work / "feed.warc.gz"
    with archive.open("wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for n, item in enumerate(items):
            body = read_item(item) or b""
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(f"https://feed.example/{n}", "response",
                                                          payload=io.BytesIO(body), http_headers=http))
    started = time.perf_counter()
    pages = sum(1 for c in scan(archive) if isinstance(c, Capture) and read_page(archive, c.offset) is not None)
    seconds = time.perf_counter() - started
    return {"pages": pages, "seconds": seconds, "rate": pages / seconds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="a JSONL(.gz) of pages")
    parser.add_argument("-n", type=int, default=400, help="pages (default 400)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="largest worker count (default: cores)")
    parser.add_argument("--writer-pages", type=int, default=4000, help="articles the writer loads (default 4000)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="dask-bench-"))
    items, name = corpus_items(args.corpus, args.n, work)
    print(f"{len(items)} items from {name}", flush=True)

    counts = sorted({1, args.workers})
    dask_runs = [per_worker(items, w) for w in counts]
    for run in dask_runs:
        print(f"dask, {run['workers']} worker(s): {run['rate']:.1f} pages/s (start-up {run['startup']:.1f} s)", flush=True)
    local_runs = [local_pool(items, w) for w in counts]
    for run in local_runs:
        print(f"local pool, {run['workers']} worker(s): {run['rate']:.1f} pages/s", flush=True)
    write = writer_rate(dask_runs[0]["outcomes"], args.writer_pages, work)
    print(f"writer: {write['rows_rate']:,.0f} rows/s ({write['pages_rate']:.0f} pages/s)", flush=True)
    feed = feed_rate(items, work)
    print(f"feed from a WARC: {feed['rate']:.0f} pages/s", flush=True)

    per = dask_runs[0]["rate"]
    warc_ceiling = 1 / (1 / write["pages_rate"] + 1 / feed["rate"])  # both in the main process
    load = os.getloadavg()
    lines = [
        "# Dask engine: per-worker rate and writer rate", "",
        f"Machine: {os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}; load average "
        f"{load[0]:.1f} at the end (other work shared the cores). Pages: {len(items)} from {name}.", "",
        "| engine | worker processes | pages/s (steady state) | pages/s per worker | start-up s |", "|---|---|---|---|---|"]
    for label, runs in (("dask (LocalCluster)", dask_runs), ("local pool", local_runs)):
        for run in runs:
            lines.append(f"| {label} | {run['workers']} | {run['rate']:.1f} | {run['rate'] / run['workers']:.1f} | "
                         f"{run['startup']:.1f} |")
    lines += ["", "| main process (writer and feed) | |", "|---|---|",
              f"| articles loaded by the writer | {write['pages']:,} in {write['seconds']:.1f} s |",
              f"| articles + mentions + statements rows/s | {write['rows_rate']:,.0f} |",
              f"| all rows/s (with sentences, statement mentions, raw pages) | {write['all_rate']:,.0f} |",
              f"| writer pages/s | {write['pages_rate']:,.0f} |",
              f"| feed: pages/s read from a WARC (scan + record by offset) | {feed['rate']:,.0f} |",
              f"| main-process ceiling for WARC input (writer and feed together) | {warc_ceiling:,.0f} |", "",
              f"Expected for a cluster of N machines with c worker processes each: about N × c × {per:.1f} pages/s "
              f"(the 1-worker rate), up to the writer's {write['pages_rate']:,.0f} pages/s ({warc_ceiling:,.0f} when "
              "the main process also reads the pages from WARC files):", "",
              "| machines × processes | expected pages/s | from WARC files |", "|---|---|---|"]
    for machines, procs in ((1, 2), (1, 8), (4, 8), (8, 8), (16, 8)):
        lines.append(f"| {machines} × {procs} | {min(machines * procs * per, write['pages_rate']):,.0f} | "
                     f"{min(machines * procs * per, warc_ceiling):,.0f} |")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "dask_engine.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()

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

    python benchmarks/dask_engine.py             # the State Department releases of ../shared/corpora, 400 pages
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

import psutil  # noqa: E402
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
DEFAULT_CORPUS = ROOT.parent / "shared/corpora/caucasus/state_dept_press_releases_rss/all_items.jsonl.gz"
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


def _children_cpu() -> float:
    """CPU seconds used so far by this process's children (the worker processes, and their nannies)."""
    total = 0.0
    for child in psutil.Process().children(recursive=True):
        try:
            times = child.cpu_times()
            total += times.user + times.system
        except psutil.NoSuchProcess:
            pass
    return total


def timed(outcomes, count: int, workers: int, label: str) -> dict:
    """Steady-state figures of one engine run, from its first result to its last: pages/s of wall time, and
    pages per CPU-second of the worker processes — what one worker does on a core of its own (the cores
    here are shared with other jobs). A 1-worker local pool runs in this process, so its CPU is this one's."""
    cpu = time.process_time if (label == "local pool" and workers == 1) else _children_cpu
    started = time.perf_counter()
    first = cpu_first = cpu_last = last = None
    results = []
    for outcome in outcomes:
        results.append(outcome)
        if first is None:
            first, cpu_first = time.perf_counter(), cpu()
        if len(results) == count:
            last, cpu_last = time.perf_counter(), cpu()
    run = {"engine": label, "workers": workers, "startup": first - started, "seconds": last - first,
           "rate": (count - 1) / (last - first), "cpu_rate": (count - 1) / (cpu_last - cpu_first), "outcomes": results}
    print(f"{label}, {workers} worker(s): {run['rate']:.1f} pages/s, {run['cpu_rate']:.1f} pages per worker "
          f"CPU-second (start-up {run['startup']:.1f} s)", flush=True)
    return run


def per_worker(items: list[Item], workers: int) -> dict:
    return timed(engines.Dask(load_taxonomy(None), None, workers).results(items, task()), len(items), workers, "dask")


def local_pool(items: list[Item], workers: int) -> dict:
    return timed(engines.Local(workers, None).results(items, task()), len(items), workers, "local pool")


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
    started, cpu = time.perf_counter(), time.process_time()
    for outcome in batch:
        writer.add(outcome)
    writer.flush()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {"pages": pages, "seconds": seconds, "cpu": cpu, "pages_rate": pages / seconds, "rows": counted,
            "rows_rate": counted / seconds, "all_rows": every, "all_rate": every / seconds,
            "cpu_pages_rate": pages / cpu, "cpu_rows_rate": counted / cpu}


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
    started, cpu = time.perf_counter(), time.process_time()
    pages = sum(1 for c in scan(archive) if isinstance(c, Capture) and read_page(archive, c.offset) is not None)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {"pages": pages, "seconds": seconds, "rate": pages / seconds, "cpu_rate": pages / cpu}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="a JSONL(.gz) of pages")
    parser.add_argument("-n", type=int, default=400, help="pages (default 400)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="largest worker count (default: cores)")
    parser.add_argument("--writer-pages", type=int, default=4000, help="articles the writer loads (default 4000)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="dask-bench-"))
    items, name = corpus_items(args.corpus, args.n, work)
    print(f"{len(items)} items from {name}", flush=True)

    counts = sorted({1, args.workers})
    dask_runs = [per_worker(items, w) for w in counts]
    local_runs = [local_pool(items, w) for w in counts]
    write = writer_rate(dask_runs[0]["outcomes"], args.writer_pages, work)
    print(f"writer: {write['rows_rate']:,.0f} rows/s ({write['pages_rate']:.0f} pages/s); per CPU-second "
          f"{write['cpu_rows_rate']:,.0f} rows, {write['cpu_pages_rate']:.0f} pages", flush=True)
    feed = feed_rate(items, work)
    print(f"feed from a WARC: {feed['rate']:.0f} pages/s, {feed['cpu_rate']:.0f} per CPU-second", flush=True)

    per = dask_runs[0]["cpu_rate"]
    writer = write["cpu_pages_rate"]
    warc_ceiling = 1 / (1 / writer + 1 / feed["cpu_rate"])  # writer and feed share the main process
    load = os.getloadavg()
    lines = [
        "# Dask engine: per-worker rate and writer rate", "",
        f"Machine: {os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}; load average "
        f"{load[0]:.1f} at the end: other jobs shared the cores, so wall-clock rates are low and do not grow "
        "with workers; the per-CPU-second rates are what a process does on a core of its own.",
        f"Pages: {len(items)} from {name}.", "",
        "| engine | worker processes | pages/s (wall, steady state) | pages per worker CPU-second | start-up s |",
        "|---|---|---|---|---|"]
    for runs in (dask_runs, local_runs):
        for run in runs:
            lines.append(f"| {run['engine']} | {run['workers']} | {run['rate']:.1f} | {run['cpu_rate']:.1f} | "
                         f"{run['startup']:.1f} |")
    lines += ["", "| main process | wall | per CPU-second |", "|---|---|---|",
              f"| writer: articles + mentions + statements rows/s | {write['rows_rate']:,.0f} | "
              f"{write['cpu_rows_rate']:,.0f} |",
              f"| writer: all rows/s (with sentences, statement mentions, raw pages) | {write['all_rate']:,.0f} | "
              f"{write['all_rows'] / write['cpu']:,.0f} |",
              f"| writer: pages/s ({write['pages']:,} articles loaded) | {write['pages_rate']:,.0f} | {writer:,.0f} |",
              f"| feed: pages/s read from a WARC (scan + record by offset) | {feed['rate']:,.0f} | "
              f"{feed['cpu_rate']:,.0f} |", "",
              f"Expected for a cluster of N machines with c worker processes each (a core per process): about "
              f"N × c × {per:.1f} pages/s, up to the writer's {writer:,.0f} pages/s ({warc_ceiling:,.0f} when the "
              "main process also reads the pages from WARC files):", "",
              "| machines × processes | expected pages/s | from WARC files |", "|---|---|---|"]
    for machines, procs in ((1, 2), (1, 8), (2, 8), (4, 8), (8, 8)):
        lines.append(f"| {machines} × {procs} | {min(machines * procs * per, writer):,.0f} | "
                     f"{min(machines * procs * per, warc_ceiling):,.0f} |")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "dask_engine.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()

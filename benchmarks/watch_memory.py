"""Memory of a long-running `watch`: peak and drift of the resident set over many polls in one process.

A 127.0.0.1 HTTP server publishes an RSS feed that answers conditional requests (ETag; 304 when
unchanged) and gains one real page every `--new-every` polls (the State Department releases of
../shared/corpora, their body HTML in a plain page; generated sample pages when the corpus is
absent). One `Watcher` (the object `python -m pipeline watch` runs) polls it `--polls` times in this
process, each poll a full cycle under the run lock as in the loop: the conditional request, the
feed's row in `feeds`, the queue, a batch through `ingest` (its process pool, short transactions,
end-of-run upkeep) when the feed gained an item, and the alert feed rewritten after each batch.

Measured in the same run: the resident set (RSS) of this process after each poll and sampled every
20 ms (peak), the peak of this process plus its children (the batch's worker processes), and the
drift: RSS at the last poll against the baseline after the first `--warm` polls (the imports,
DuckDB's buffers and the first batch's caches are in place by then). Targets (issue 15): peak under
1 GiB, and flat — the drift stays under 10 % of the baseline and 64 MiB.

    python benchmarks/watch_memory.py                    # 1,000 polls, a new page every 50
    python benchmarks/watch_memory.py --polls 200 --new-every 20

Results: benchmarks/results/watch_memory.md.
"""
from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import email.utils
import html
import http.server
import json
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.config import arena_capped_env  # noqa: E402

# As `python -m pipeline watch` does: start again with MALLOC_ARENA_MAX (glibc reads it at start only).
if (_env := arena_capped_env(["watch"], dict(os.environ))) is not None:
    os.execve(sys.executable, [sys.executable, __file__, *sys.argv[1:]], _env)

import psutil  # noqa: E402

from pipeline import alerts, store  # noqa: E402
from pipeline.run.ingest import Options  # noqa: E402
from pipeline.run.watch import Hooks, Watcher, WatchOptions  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
CORPUS = "corpora/caucasus/state_dept_press_releases_rss/caucasus_subset.jsonl"
MIB = 1024 * 1024
PEAK_TARGET = 1024 * MIB
DRIFT_SHARE, DRIFT_MIB = 0.10, 64


def default_corpus() -> Path | None:
    """../shared/corpora beside the project (or beside its worktrees' folder), if there."""
    for shared in (ROOT.parent / "shared", ROOT.parent.parent / "shared"):
        if (shared / CORPUS).is_file():
            return shared / CORPUS
    return None


def real_pages(corpus: Path | None, work: Path) -> tuple[list[tuple[str, str, bytes]], str]:
    """(title, RFC 822 date, HTML page) per page: the corpus's releases, else generated sample pages."""
    if corpus is not None and corpus.is_file():
        pages = []
        for line in corpus.read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            title = html.escape(item["title"])
            page = (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{title}</title>"
                    f"<meta property='article:published_time' content='"
                    f"{email.utils.parsedate_to_datetime(item['pubDate']).isoformat()}'></head><body><article>"
                    f"<h1>{title}</h1>{item['content_html']}</article></body></html>")
            pages.append((item["title"], item["pubDate"], page.encode("utf-8")))
        return pages, f"{len(pages)} State Department releases ({corpus.name})"
    from tools.sample.generator import generate
    paths = generate(work / "sample", 60, 11)
    day = dt.datetime(2024, 5, 1, 9, tzinfo=dt.UTC)
    pages = [(p.stem, email.utils.format_datetime(day + dt.timedelta(hours=i)), p.read_bytes())
             for i, p in enumerate(paths)]
    return pages, f"{len(pages)} generated sample pages"


class Site:
    """The feed and its pages; `publish(n)` makes the feed list the first n pages (a new ETag)."""

    def __init__(self, pages: list[tuple[str, str, bytes]]) -> None:
        self.pages, self.listed, self.port = pages, 0, 0
        self.feed, self.etag = b"", '"0"'
        self.answers: dict[int, int] = {}

    def publish(self, n: int) -> None:
        base = f"http://127.0.0.1:{self.port}"
        items = "".join(f"<item><title>{html.escape(t)}</title><link>{base}/news/{i}</link><guid>{base}/news/{i}</guid>"
                        f"<pubDate>{d}</pubDate></item>" for i, (t, d, _) in enumerate(self.pages[:n]))
        self.feed = (f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>Releases</title>"
                     f"<link>{base}/</link>{items}</channel></rss>").encode()
        self.listed, self.etag = n, f'"{n}"'

    def handler(self) -> type[http.server.BaseHTTPRequestHandler]:
        site = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                if self.path == "/rss.xml" and self.headers.get("If-None-Match") == site.etag:
                    status, body, kind = 304, b"", None
                elif self.path == "/rss.xml":
                    status, body, kind = 200, site.feed, "application/rss+xml"
                elif self.path.startswith("/news/") and self.path[6:].isdigit() and int(self.path[6:]) < site.listed:
                    status, body, kind = 200, site.pages[int(self.path[6:])][2], "text/html; charset=utf-8"
                else:
                    status, body, kind = 404, b"not found", "text/plain"
                site.answers[status] = site.answers.get(status, 0) + 1
                self.send_response(status)
                if kind:
                    self.send_header("Content-Type", kind)
                    self.send_header("Content-Length", str(len(body)))
                self.send_header("ETag", site.etag)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        return Handler


class Sampler(threading.Thread):
    """The peak RSS of this process, and of this process plus its children, every `every` seconds."""

    def __init__(self, every: float = 0.02) -> None:
        super().__init__(daemon=True)
        self.every, self.stop = every, threading.Event()
        self.peak = self.peak_total = 0
        self.me = psutil.Process()

    def run(self) -> None:
        while not self.stop.wait(self.every):
            rss = self.me.memory_info().rss
            total = rss
            for child in self.me.children(recursive=True):
                with contextlib.suppress(psutil.Error):
                    total += child.memory_info().rss
            self.peak, self.peak_total = max(self.peak, rss), max(self.peak_total, total)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--polls", type=int, default=1000)
    parser.add_argument("--new-every", type=int, default=50, help="polls between two new pages (default 50)")
    parser.add_argument("--warm", type=int, default=100, help="polls before the baseline is taken (default 100)")
    parser.add_argument("--corpus", type=Path, default=default_corpus())
    parser.add_argument("--trace", type=int, default=0, metavar="N",
                        help="trace Python allocations (tracemalloc, slow) and print the N source lines whose "
                             "memory grew most from the first batch after the baseline to the last")
    args = parser.parse_args()
    if args.trace:
        tracemalloc.start(8)
    traced: list[tracemalloc.Snapshot] = []

    work = Path(tempfile.mkdtemp(prefix="watch-memory-"))
    pages, corpus_name = real_pages(args.corpus, work)
    site = Site(pages)
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), site.handler())
    site.port = httpd.server_address[1]
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    site.publish(1)
    sources = work / "sources.yaml"
    sources.write_text("sources:\n  - source: releases\n    hostname: 127.0.0.1\n    name: Releases\n"
                       f"    kind: government\n    feeds: [http://127.0.0.1:{site.port}/rss.xml]\n"
                       "    poll_minutes: 0.0001\n")
    db = work / "tracker.duckdb"
    opts = WatchOptions(Options(db=db, sources=sources, workers=1, allow_private=True, delay=0, progress=False),
                        alerts=work / "alerts.atom")
    watcher = Watcher(opts, Hooks(publish=alerts.publish_for_watch))
    me = psutil.Process()
    sampler = Sampler()
    sampler.start()
    rss, seconds, quiet = [], [], []
    growth = {"quiet": [0, 0], "batch": [0, 0]}  # after the baseline: [polls, RSS change] without and with a batch
    started = time.monotonic()
    for poll in range(1, args.polls + 1):
        if poll % args.new_every == 0 and site.listed < len(pages):
            site.publish(site.listed + 1)
        began = time.monotonic()
        with store.run_lock(db, 30, "watch"):
            cycle = watcher.cycle()
        took = time.monotonic() - began
        seconds.append(took)
        if cycle.summary is None:
            quiet.append(took)
        rss.append(me.memory_info().rss)
        if args.trace and cycle.summary is not None and poll > args.warm:
            traced[1:] = [tracemalloc.take_snapshot()]
            if len(traced) == 1:
                traced.append(traced[0])
        if poll > args.warm:
            part = growth["quiet" if cycle.summary is None else "batch"]
            part[0], part[1] = part[0] + 1, part[1] + rss[-1] - rss[-2]
        if poll % 100 == 0:
            print(f"poll {poll:>5}: RSS {rss[-1] / MIB:7.1f} MiB, {site.listed} pages listed", flush=True)
    sampler.stop.set()
    sampler.join()
    elapsed = time.monotonic() - started
    httpd.shutdown()

    with store.open_store(db, read_only=True) as con:
        articles, runs = con.execute("SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM runs)").fetchone()
        feed = con.execute("SELECT items_seen, last_status FROM feeds").fetchone()
    warm = min(args.warm, len(rss)) - 1
    baseline, last = rss[warm], rss[-1]
    drift = last - baseline
    tail = rss[warm:]
    slope = (statistics.linear_regression(range(len(tail)), tail).slope * 1000 / MIB) if len(tail) > 1 else 0.0
    flat = drift <= DRIFT_SHARE * baseline and drift <= DRIFT_MIB * MIB
    ok = sampler.peak < PEAK_TARGET and sampler.peak_total < PEAK_TARGET and flat
    marks = sorted({1, 10, args.warm, *range(250, args.polls + 1, 250), args.polls} & set(range(1, args.polls + 1)))
    lines = [
        f"# watch memory — {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, {platform.python_version()}, "
        f"{psutil.cpu_count()} cores",
        "",
        f"`python benchmarks/watch_memory.py --polls {args.polls} --new-every {args.new_every} --warm {args.warm}` "
        f"over {corpus_name}",
        "",
        f"- polls: {args.polls:,} in {elapsed:.0f} s; answers {dict(sorted(site.answers.items()))}; "
        f"{runs} batches stored {articles} articles; feed items seen {feed[0]}, last status {feed[1]}",
        f"- poll time: median {statistics.median(seconds) * 1000:.0f} ms; unchanged (304) polls median "
        f"{statistics.median(quiet) * 1000:.0f} ms, batches median "
        f"{statistics.median([s for s in seconds if s not in quiet] or [0]):.1f} s",
        "- RSS after poll " + ", ".join(f"{m}: {rss[m - 1] / MIB:.1f}" for m in marks) + " MiB",
        f"- peak RSS (sampled every 20 ms): this process {sampler.peak / MIB:.1f} MiB; with its children "
        f"{sampler.peak_total / MIB:.1f} MiB (target < {PEAK_TARGET / MIB:.0f} MiB)",
        f"- drift: {drift / MIB:+.1f} MiB from poll {warm + 1} ({baseline / MIB:.1f} MiB) to poll {args.polls} "
        f"({last / MIB:.1f} MiB) = {drift / baseline:+.1%} of the baseline (target ≤ {DRIFT_SHARE:.0%} and "
        f"≤ {DRIFT_MIB} MiB); fitted slope {slope:+.2f} MiB per 1,000 polls",
        f"- where it happened: {growth['quiet'][1] / MIB:+.1f} MiB over the {growth['quiet'][0]:,} polls after the "
        f"baseline that wrote nothing, {growth['batch'][1] / MIB:+.1f} MiB over its {growth['batch'][0]:,} batches",
        f"- {'PASS' if ok else 'FAIL'}",
    ]
    if len(traced) == 2:
        grown = traced[1].compare_to(traced[0], "traceback")[:args.trace]
        lines += ["", f"Python allocations grown between the first and the last batch after the baseline "
                      f"(tracemalloc; traced total {tracemalloc.get_traced_memory()[0] / MIB:.1f} MiB):"]
        for stat in grown:
            frames = " < ".join(f"{Path(f.filename).name}:{f.lineno}" for f in stat.traceback[:4])
            lines.append(f"- {stat.size_diff / 1024:+.0f} KiB in {stat.count_diff:+d} blocks: {frames}")
    text = "\n".join(lines) + "\n"
    print(text)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "watch_memory.md").write_text(text, encoding="utf-8")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

"""Live upkeep benchmark: batches of new real pages into a large store, against the same pages into an
empty one, measured in one run.

The large store is benchmarks/queries.py's generated store (built once and cached under
benchmarks/results/; 100 k articles by default, `--articles 1000000` for the 1 M one), made ready
once as a live store is between polls (`live_a<N>.duckdb`: entities and sources from the project's
taxonomy and sources files, speakers' states and statement clusters, text index with its stems and
every summary table current: a whole-store upkeep), then
copied. Each of `--batches` batches is `--size` new State Department releases (real pages from
../shared/corpora; the Caucasus subset first) written as one JSONL input and stored by `ingest()`,
the write path of `python -m pipeline ingest` and the dashboard's ingest, end-of-run upkeep
included; the same batch also goes into a new empty store (the baseline). Target per batch: large
store ≤ 2 × empty store + 5 s. After the last batch the large store is compared with a copy rebuilt
in full (`run.repair.rebuilt_copy`): every summary table, the clusters and the text index must be
equal row for row. Results: benchmarks/results/live.{json,md}.

    python benchmarks/live.py                      # 100 k store, 20 batches of 10 pages
    python benchmarks/live.py --articles 1000000   # the 1 M store
"""
from __future__ import annotations

import argparse
import gzip
import json
import logging
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import queries as generated  # noqa: E402
from pipeline import store  # noqa: E402
from pipeline.collect.sources import load_sources  # noqa: E402
from pipeline.mentions.taxonomy import load_taxonomy  # noqa: E402
from pipeline.run import finish  # noqa: E402
from pipeline.run.ingest import Options, Summary, ingest  # noqa: E402
from pipeline.run.repair import differences, rebuilt_copy  # noqa: E402
from pipeline.store import rollups  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
# ../shared beside the project (a worktree under wt/ finds it one level further up).
RELEASES = next((p / "shared" / "corpora" / "caucasus" / "state_dept_press_releases_rss"
                 for p in (ROOT.parent, ROOT.parent.parent) if (p / "shared" / "corpora").is_dir()), ROOT.parent)
FACTOR, SLACK_S = 2.0, 5.0


def releases(folder: Path, needed: int) -> list[dict]:
    """`needed` distinct releases as ingest JSONL items (url, html, title, published): the Caucasus
    subset first, then the rest of the feed in its order."""
    rows: list[dict] = []
    with (folder / "caucasus_subset.jsonl").open(encoding="utf-8") as first, \
            gzip.open(folder / "all_items.jsonl.gz", "rt", encoding="utf-8") as rest:
        for line in (*first, *rest):
            item = json.loads(line)
            rows.append({"url": item["link"], "title": item["title"], "published": item["pubDate"],
                         "html": f"<html><head><title>{item['title']}</title></head><body><article>"
                                 f"<h1>{item['title']}</h1>{item['content_html']}</article></body></html>"})
    unique = list({r["url"]: r for r in reversed(rows)}.values())[::-1]
    if len(unique) < needed:
        raise SystemExit(f"{folder}: {len(unique)} releases, {needed} needed")
    return unique[:needed]


def ready_store(articles: int, log=print) -> Path:
    """The generated store as a live store is between polls, built and prepared once (cached)."""
    sizes = generated.Sizes(articles=articles, mentions=articles * 10, statements=articles)
    source = RESULTS / f"queries_a{sizes.articles}_m{sizes.mentions}_s{sizes.statements}.duckdb"
    live = RESULTS / f"live_a{articles}.duckdb"
    stamp = json.dumps({**generated._params(sizes), "rollups": rollups.VERSION, "upkeep": "whole"})
    if live.exists():
        with store.open_store(live) as con:  # read-write: a store of an older schema is migrated here, untimed
            if store.get_meta(con, "live_bench") == stamp and rollups.complete(con):
                return live
    if generated.cached_params(source) != generated._params(sizes):
        log(f"generating {source} …")
        generated.build(source, sizes, log)
    log(f"preparing {live} (taxonomy, text index with stems, summary tables) …")
    shutil.copy(source, live)
    t = time.perf_counter()
    taxonomy = load_taxonomy()
    with store.open_store(live) as con:
        finish.prepare(con, taxonomy, load_sources())
        # speakers' states and clusters too, as after any run: else the reference rebuild at the end
        # reclusters the generated statements and every one of them differs
        finish.upkeep(con, whole=True)
        store.set_meta(con, "live_bench", stamp)
        con.execute("CHECKPOINT")
    log(f"  prepared in {time.perf_counter() - t:.0f} s")
    return live


def timed_ingest(path: Path, db: Path) -> tuple[float, Summary]:
    started = time.perf_counter()
    summary = ingest([str(path)], Options(db=db, progress=False, workers=os.cpu_count() or 1))
    return time.perf_counter() - started, summary


def markdown(rows: list[dict], meta: dict) -> str:
    lines = [f"Live upkeep on the {meta['articles']:,}-article store, {meta['batches']} batches of "
             f"{meta['size']} pages ({meta['when']}, {meta['cores']} cores, load {meta['load']})", "",
             "| batch | empty store s | large store s | upkeep s | limit s | ok | load |",
             "|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['batch']} | {r['empty_s']:.1f} | {r['large_s']:.1f} | {r['upkeep_s']:.1f} | "
                     f"{r['limit_s']:.1f} | {'yes' if r['ok'] else 'NO'} | {r['load']:.1f} |")
    s = meta["summary"]
    lines += ["", f"median: empty {s['empty_median_s']:.1f} s, large {s['large_median_s']:.1f} s "
              f"(upkeep {s['upkeep_median_s']:.1f} s); worst large {s['large_worst_s']:.1f} s; "
              f"batches within 2 × empty + 5 s: {s['within']}/{len(rows)}; "
              f"after the last batch vs a full rebuild: "
              f"{'not checked' if meta['differences'] is None else meta['differences'] or 'equal'}"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000, help="size of the generated store")
    parser.add_argument("--batches", type=int, default=20)
    parser.add_argument("--size", type=int, default=10, help="pages per batch")
    parser.add_argument("--releases", type=Path, default=RELEASES, help="the State Department releases folder")
    parser.add_argument("--no-check", action="store_true", help="skip the comparison with a full rebuild")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    RESULTS.mkdir(parents=True, exist_ok=True)
    items = releases(args.releases, args.batches * args.size)
    live = ready_store(args.articles)
    rows: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="live-", dir=RESULTS) as tmp_name:
        tmp = Path(tmp_name)
        work = tmp / "large.duckdb"
        shutil.copy(live, work)
        warm = tmp / "warm.jsonl"
        warm.write_text(json.dumps(items[0]) + "\n", encoding="utf-8")
        timed_ingest(warm, tmp / "warm.duckdb")  # imports and the taxonomy's first load, untimed
        header = f"{'batch':>5} {'empty s':>8} {'large s':>8} {'upkeep s':>9} {'limit s':>8} {'load':>5}  upkeep steps"
        print(header + "\n" + "-" * len(header), flush=True)
        for n in range(args.batches):
            batch = tmp / f"batch{n:02d}.jsonl"
            batch.write_text("".join(json.dumps(r) + "\n" for r in items[n * args.size:(n + 1) * args.size]),
                             encoding="utf-8")
            empty_s, _ = timed_ingest(batch, tmp / f"empty{n:02d}.duckdb")
            large_s, summary = timed_ingest(batch, work)
            if summary.failed:
                print(f"  batch {n + 1}: {summary.failed} page(s) failed: {summary.failures[:2]}")
            done = summary.upkeep
            upkeep_s = sum(done.seconds.values()) if done else 0.0
            limit = FACTOR * empty_s + SLACK_S
            load = os.getloadavg()[0]
            rows.append({"batch": n + 1, "stored": summary.ok, "empty_s": empty_s, "large_s": large_s,
                         "upkeep_s": upkeep_s, "upkeep": done.line() if done else "", "limit_s": limit,
                         "ok": large_s <= limit, "load": load})
            print(f"{n + 1:>5} {empty_s:8.1f} {large_s:8.1f} {upkeep_s:9.1f} {limit:8.1f} {load:5.1f}  "
                  f"{done.line() if done else 'none'}", flush=True)
        found: dict[str, int] | None = None
        if not args.no_check:
            t = time.perf_counter()
            found = differences(work, rebuilt_copy(work, tmp / "rebuilt.duckdb"))
            print(f"after {args.batches} batches vs a full rebuild ({time.perf_counter() - t:.0f} s): "
                  f"{found or 'every summary table, the clusters and the text index equal'}")
    summary = {"empty_median_s": statistics.median(r["empty_s"] for r in rows),
               "large_median_s": statistics.median(r["large_s"] for r in rows),
               "upkeep_median_s": statistics.median(r["upkeep_s"] for r in rows),
               "large_worst_s": max(r["large_s"] for r in rows),
               "within": sum(r["ok"] for r in rows)}
    meta = {"articles": args.articles, "batches": args.batches, "size": args.size, "cores": os.cpu_count(),
            "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "python": platform.python_version(),
            "load": [round(x, 2) for x in os.getloadavg()], "summary": summary, "differences": found}
    report = markdown(rows, meta)
    print("\n" + report.splitlines()[-1])
    (RESULTS / f"live_a{args.articles}.md").write_text(report + "\n", encoding="utf-8")
    (RESULTS / f"live_a{args.articles}.json").write_text(json.dumps({"meta": meta, "batches": rows}, indent=2),
                                                         encoding="utf-8")
    return 0 if summary["within"] == len(rows) and not found else 1


if __name__ == "__main__":
    raise SystemExit(main())

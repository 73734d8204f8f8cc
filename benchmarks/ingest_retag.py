"""Ingest vs retag speed on generated pages, in one run.

Generates N synthetic pages with `tools.sample.generator.generate`, ingests them from local files into an
empty database with 1 and with 2 workers (pages/second, database size), then retags the same
database (mentions and statements rebuilt from stored text) and prints the ratio. Target: retag
≥ 20× faster than ingest. A retag takes a second or two, so one stray stall on a shared machine
moves it by tens of percent: it runs `--retags` times on fresh copies and the median counts (all
runs are printed). Results: benchmarks/results/ingest_retag.{json,md}.

    python benchmarks/ingest_retag.py [-n 2000] [--workers 1 2] [--retags 3]
"""
from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.run.ingest import Options, ingest  # noqa: E402
from pipeline.run.retag import retag  # noqa: E402
from tools.sample.generator import generate  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"


def db_size(path: Path) -> int:
    return sum(p.stat().st_size for p in (path, path.with_name(path.name + ".wal")) if p.exists())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=2000, help="pages to generate (default 2000)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="worker counts to time")
    parser.add_argument("--retags", type=int, default=3, help="retag runs per worker count (median counts)")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
        pages = Path(tmp) / "pages"
        started = time.perf_counter()
        generate(pages, n_articles=args.n, seed=args.seed)
        print(f"generated {args.n} pages in {time.perf_counter() - started:.1f} s")
        db = None
        for workers in args.workers:
            db = Path(tmp) / f"w{workers}.duckdb"
            summary = ingest([str(pages)], Options(db=db, workers=workers, progress=False))
            total = summary.ok + summary.failed + summary.skipped
            rows.append({"step": f"ingest, {workers} worker(s)", "seconds": summary.seconds,
                         "pages_per_s": total / summary.seconds, "db_mb": db_size(db) / 1e6})
            print(f"ingest  workers={workers}: {summary.line()}  db {db_size(db) / 1e6:.1f} MB")
        for workers in args.workers:
            runs = []
            for attempt in range(args.retags):
                target = Path(tmp) / f"retag{workers}-{attempt}.duckdb"
                shutil.copy(db, target)
                result = retag(target, workers=workers, progress=False)
                runs.append(result.seconds)
                print(f"retag   workers={workers}: {result.line()}")
            seconds = statistics.median(runs)
            rows.append({"step": f"retag, {workers} worker(s)", "seconds": seconds, "runs": runs,
                         "pages_per_s": result.articles / seconds, "db_mb": db_size(target) / 1e6})
    by_step = {r["step"]: r for r in rows}
    lines = ["| step | seconds (retag: median) | pages/s | db MB |", "|---|---:|---:|---:|"]
    lines += [f"| {r['step']} | {r['seconds']:.1f} | {r['pages_per_s']:.1f} | {r['db_mb']:.1f} |" for r in rows]
    for workers in args.workers:
        ratio = by_step[f"ingest, {workers} worker(s)"]["seconds"] / by_step[f"retag, {workers} worker(s)"]["seconds"]
        verdict = "meets" if ratio >= 20 else "misses"
        lines.append(f"\nretag vs ingest, {workers} worker(s): {ratio:.1f}× faster ({verdict} the ≥ 20× target)")
    report = "\n".join(lines)
    print(report)
    (RESULTS / "ingest_retag.md").write_text(report + "\n", encoding="utf-8")
    (RESULTS / "ingest_retag.json").write_text(json.dumps(rows, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

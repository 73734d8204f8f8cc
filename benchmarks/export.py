"""Export benchmark: peak memory and time of `python -m pipeline export` (every matching row, streamed
a frame at a time) against the whole-frame path it replaced (the same query with no limit read into
one DataFrame, then to_csv_bytes), on the query benchmark's synthetic store, in the same run.

Each path runs in its own process; the figure is that process's peak resident memory (ru_maxrss).

    python benchmarks/export.py                            # 200,000 articles / statements
    python benchmarks/export.py --articles 1000000 --statements 1000000 --mentions 10000000
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.queries import Sizes, build  # noqa: E402

# The replaced path: the view's rows in one DataFrame, then one CSV in memory.
WHOLE = """
import sys
from pipeline import export, store
from pipeline.query import queries
from pipeline.query.filters import Filters
with store.open_store(sys.argv[1], read_only=True) as con:
    f = Filters()
    if sys.argv[2] == "articles":
        df = export.articles_table(queries.search_articles(con, f, limit=2**62))
    else:
        df = export.statements_table(queries.statements(con, f, limit=2**62))
open(sys.argv[3], "wb").write(export.to_csv_bytes(df))
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=200_000)
    parser.add_argument("--statements", type=int, default=200_000)
    parser.add_argument("--mentions", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path, default=None, help="an existing store of the query benchmark")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="export-bench-") as tmp:
        db = args.db
        if db is None:
            db = Path(tmp) / "bench.duckdb"
            build(db, Sizes(articles=args.articles, statements=args.statements, mentions=args.mentions), log=print)
        print(f"{'view':<11} {'path':<10} {'seconds':>8} {'peak MB':>8}")
        for view in ("statements", "articles"):
            out = Path(tmp) / f"{view}.csv"
            # ru_maxrss of children only grows: each view measured in a fresh benchmark process.
            for path, command in (("whole", [sys.executable, "-c", WHOLE, str(db), view, str(out)]),
                                  ("streamed", [sys.executable, "-m", "pipeline", "export", view, "--db", str(db),
                                                "-o", str(out)])):
                proc = subprocess.run([sys.executable, "-c", _ONE, *command], cwd=ROOT, capture_output=True,
                                      text=True, check=True)
                seconds, peak = (float(v) for v in proc.stdout.split())
                print(f"{view:<11} {path:<10} {seconds:>8.1f} {peak:>8.0f}")
            print(f"{view:<11} rows: {sum(1 for _ in out.open('rb')) - 1:,}")
    return 0


# One child run: its wall time and the peak memory of its own child.
_ONE = """
import resource, subprocess, sys, time
t = time.perf_counter()
subprocess.run(sys.argv[1:], check=True, capture_output=True)
print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
"""

if __name__ == "__main__":
    raise SystemExit(main())

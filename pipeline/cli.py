"""Command line: `python -m pipeline {ingest,retag,sample,stats,export,changes,repair,taxonomy-check,watch}`
— a thin layer over the library.

Exit codes (Contract): 0 the run completed (failed inputs are recorded, not fatal); 2 usage or
configuration error (also a damaged database, a full disk, a read-only folder: one line naming the
file and the fix); 3 the database is held by another writer and did not free within the wait.
"""
from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import math
import os
import sys
from pathlib import Path
from typing import NoReturn

import duckdb

from . import config, export, store
from .collect.sources import SourcesError
from .config import DEFAULT_SOURCES, SAMPLE_DIR, FetchPolicy
from .mentions.check import CheckError, evaluate, format_report, read_samples
from .mentions.matcher import Tagger
from .mentions.taxonomy import TaxonomyError, load_taxonomy
from .query import changes
from .run.engines import ENGINES, EngineError

EXIT_OK, EXIT_USAGE, EXIT_BUSY = 0, 2, 3


def shown(path: Path) -> str:
    """A path as the user would type it: relative to the working directory when it lies below it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


MAX_WORKERS = 256


def _workers(value: str) -> int:
    n = int(value)
    if not 1 <= n <= MAX_WORKERS:
        raise argparse.ArgumentTypeError(f"must be between 1 and {MAX_WORKERS}")
    return n


def _seconds(value: str) -> float:
    n = float(value)
    if not 0 < n <= 3600:
        raise argparse.ArgumentTypeError("must be more than 0 and at most 3600 seconds")
    return n


def _delay(value: str) -> float:
    n = float(value)
    if not 0 <= n <= 3600:
        raise argparse.ArgumentTypeError("must be between 0 and 3600 seconds")
    return n


class _Parser(argparse.ArgumentParser):
    """Usage errors as one line naming the problem and where help is (exit 2), for every command."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m pipeline", description="Diplomatic Statement Tracker pipeline")
    sub = parser.add_subparsers(dest="command", required=True)

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--db", type=Path, default=None, help="DuckDB file (default: $TRACKER_DB or data/tracker.duckdb)")
        p.add_argument("--wait", type=float, default=30.0, help="seconds to wait for another writer (default 30)")

    def workers(p: argparse.ArgumentParser) -> None:
        p.add_argument("--workers", type=_workers, default=os.cpu_count() or 1, help="processes (default: cores)")
        p.add_argument("--quiet", action="store_true", help="no progress bar")

    def fetching(p: argparse.ArgumentParser) -> None:
        """The options of every command that downloads and tags pages (ingest, watch)."""
        p.add_argument("--allow-private", action="store_true",
                       default=config.allow_private_default(),
                       help="allow loopback/private addresses (also TRACKER_ALLOW_PRIVATE=1)")
        p.add_argument("--timeout", type=_seconds, default=FetchPolicy.timeout,
                       help="seconds to connect and to wait for data, the first byte included (default 10)")
        p.add_argument("--deadline", type=_seconds, default=FetchPolicy.deadline,
                       help="seconds one whole download may take, however slowly it arrives (default 30)")
        p.add_argument("--delay", type=_delay, default=1.0, help="seconds between requests to one host (default 1)")
        p.add_argument("--taxonomy", type=Path, default=None, help="taxonomy file (default: $TRACKER_TAXONOMY)")

    p = sub.add_parser("ingest", help="fetch/read, extract, tag, find statements, store")
    common(p)
    workers(p)
    p.add_argument("--feed", action="store_true", help="URL inputs are RSS/Atom feeds (or pages linking to one)")
    p.add_argument("--sitemap", action="store_true", help="URL inputs are sitemaps")
    fetching(p)
    p.add_argument("--engine", choices=ENGINES, default="local",
                   help="where pages are processed: a local process pool (default) or a Dask cluster")
    p.add_argument("--scheduler", metavar="ADDRESS", default=None,
                   help="Dask scheduler, e.g. tcp://10.0.0.5:8786 (with --engine dask; default: a local cluster "
                        "of --workers processes)")
    p.add_argument("--sources", type=Path, default=DEFAULT_SOURCES, help="outlets file (default data/sources.yaml)")
    p.add_argument("inputs", nargs="+", metavar="INPUT",
                   help="URL, folder, .html page, .txt list, .xml/.rss/.atom feed, .jsonl items, "
                        ".warc/.warc.gz web archive")

    p = sub.add_parser("retag", help="re-tag and rebuild statements from stored text; no fetching")
    common(p)
    workers(p)
    p.add_argument("--taxonomy", type=Path, default=None, help="taxonomy file (default: $TRACKER_TAXONOMY)")

    p = sub.add_parser("sample", help="(re)build the database from data/sample/")
    common(p)
    workers(p)

    p = sub.add_parser("stats", help="counts, date range, runs, failures")
    common(p)
    p.add_argument("--json", action="store_true", help="machine-readable output")

    p = sub.add_parser("export", help="CSV with the same rows as the dashboard")
    common(p)
    export.add_arguments(p)

    p = sub.add_parser("changes", help="what changed: surges, first appearances, shifts in statement types")
    common(p)
    _changes_arguments(p)

    p = sub.add_parser("taxonomy-check", help="recall and precision of the taxonomy on sentences with expected ids")
    p.add_argument("folder", type=Path, help="folder of .tsv files with the columns lang, expected, text")
    p.add_argument("--taxonomy", type=Path, default=None, help="taxonomy file (default: $TRACKER_TAXONOMY)")
    p.add_argument("--errors", type=int, default=20, help="misses and false hits to list (default 20)")

    p = sub.add_parser("repair", help="finish the upkeep a crashed run left pending (clusters, text index, summaries)")
    common(p)
    p.add_argument("--full", action="store_true",
                   help="recompute clusters, speaker states, the text index and every summary table over the whole store")

    p = sub.add_parser("watch", help="poll the feeds and sitemaps of data/sources.yaml on their schedules")
    common(p)
    p.add_argument("--sources", type=Path, default=DEFAULT_SOURCES,
                   help="sources file listing the feeds and sitemaps (default data/sources.yaml)")
    p.add_argument("--once", action="store_true",
                   help="poll every due feed and sitemap once, fetch what they list anew, and exit (for cron)")
    p.add_argument("--workers", type=_workers, default=1,
                   help="processes extracting each batch (default 1: batches are small)")
    p.add_argument("--batch", type=_batch, default=config.WATCH_BATCH_ITEMS,
                   help="pages fetched per batch at most; the rest wait for the next batch "
                        f"(default {config.WATCH_BATCH_ITEMS})")
    fetching(p)
    p.add_argument("--alerts", type=Path, default=None,
                   help="the alert feed file (Atom; default: $TRACKER_ALERTS, else alerts.atom beside the database)")
    p.add_argument("--dashboard-url", default=None,
                   help="the dashboard's address for links in the alert feed (default: $TRACKER_DASHBOARD_URL or "
                        "http://127.0.0.1:8501)")
    return parser


def _batch(value: str) -> int:
    n = int(value)
    if not 1 <= n <= 10_000:
        raise argparse.ArgumentTypeError("must be between 1 and 10000")
    return n


def _watch(args: argparse.Namespace, db: Path) -> int:
    # here, not at import (as in every command below that runs a stage): `--help`, `stats` or `export`
    # need neither the analysers' libraries (trafilatura, the statement extractor) nor the alert feed's
    from . import alerts
    from .run.ingest import Options
    from .run.watch import Hooks, WatchOptions, watch

    opts = Options(db=db, taxonomy=args.taxonomy or config.taxonomy_override(), sources=args.sources,
                   workers=args.workers, allow_private=args.allow_private, timeout=args.timeout,
                   deadline=args.deadline, delay=args.delay, wait=args.wait, progress=False)
    try:
        return watch(WatchOptions(opts, once=args.once, batch=args.batch, alerts=args.alerts,
                                  dashboard_url=(args.dashboard_url or config.dashboard_url()).rstrip("/")),
                     Hooks(publish=alerts.publish_for_watch))
    except KeyboardInterrupt:
        print("stopped at once (a second signal): batches written so far are kept; the run in hand stays "
              "unfinished", file=sys.stderr)
        return 130


def _day_or_time(value: str) -> str:
    try:
        dt.datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date (YYYY-MM-DD or YYYY-MM-DDTHH:MM)") from None
    return value


def _probability(value: str) -> float:
    try:
        p = float(value)
    except ValueError:
        p = math.nan
    if not 0 < p <= 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a probability above 0 and at most 1")
    return p


def _count(value: str) -> int:
    if not value.isdigit() or not 1 <= int(value) <= 1_000_000:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number from 1 to 1000000")
    return int(value)


def _changes_arguments(p: argparse.ArgumentParser) -> None:
    """`changes`: the window, the tests' thresholds, the export filters, the output."""
    d = changes.Settings()
    p.add_argument("--since", type=_day_or_time, metavar="DATE",
                   help=f"first day of the window, YYYY-MM-DD (a time is ignored; default: {d.window_days} days "
                        "ending on --until)")
    p.add_argument("--until", type=_day_or_time, metavar="DATE",
                   help="last day of the window (default: the last publication date up to today)")
    p.add_argument("--p", dest="surge_p", type=_probability, default=d.surge_p, metavar="P",
                   help=f"surges: Poisson upper-tail p-value at most P (default {d.surge_p:g})")
    p.add_argument("--min-articles", type=_count, default=d.min_articles, metavar="N",
                   help=f"surges: at least N articles on the day (default {d.min_articles})")
    p.add_argument("--shift-p", type=_probability, default=d.shift_p, metavar="P",
                   help=f"type shifts: chi-square p-value at most P (default {d.shift_p:g})")
    p.add_argument("--min-statements", type=_count, default=d.min_statements, metavar="N",
                   help=f"type shifts: at least N statements in each window (default {d.min_statements})")
    export.add_filter_arguments(p)
    p.add_argument("--format", choices=("text", "csv"), default="text",
                   help="text: one line per signal (default); csv: every column, formula-safe")
    p.add_argument("-o", "--output", type=Path, default=None, help="file to write (default: stdout)")
    p.add_argument("--dashboard-url", default=None,
                   help="the dashboard's address in the links (default: $TRACKER_DASHBOARD_URL or "
                        "http://127.0.0.1:8501)")


def _changes(args: argparse.Namespace, db: Path) -> int:
    """Print (or write) the signals of the window under the filters; the tested counts on stderr."""
    url = args.dashboard_url or config.dashboard_url()
    try:
        f = export.filters_from_args(args)
        until = dt.datetime.fromisoformat(args.until).date() if args.until else None
        settings = changes.Settings(until=until, surge_p=args.surge_p, min_articles=args.min_articles,
                                    shift_p=args.shift_p, min_statements=args.min_statements,
                                    dashboard_url=url.rstrip("/"))
        with store.open_store(db, read_only=True, wait=args.wait) as con:
            export.check_known(con, f)
            rep = changes.report(con, args.since, f, settings)
    except (export.FilterError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(changes.tested_line(rep, settings), file=sys.stderr)
    if args.format == "csv":
        data = export.to_csv_bytes(rep.signals)
    else:
        data = "".join(line + "\n" for line in changes.text_lines(rep.signals)).encode("utf-8")
    return export.write_output(data, args.output, f"{len(rep.signals):,} signals")


def _taxonomy_check(args: argparse.Namespace) -> int:
    """Tag the folder's sentences and print recall and precision per language and entity."""
    taxonomy = load_taxonomy(args.taxonomy or config.taxonomy_override())
    report = evaluate(read_samples(args.folder, taxonomy), Tagger(taxonomy))
    print(format_report(report, max(0, args.errors)))
    return EXIT_OK


def _ingest(args: argparse.Namespace, db: Path, inputs: list[str]) -> int:
    from .run.ingest import Options, ingest

    opts = Options(db=db, taxonomy=getattr(args, "taxonomy", None) or config.taxonomy_override(), workers=args.workers,
                   feed=getattr(args, "feed", False), sitemap=getattr(args, "sitemap", False),
                   allow_private=getattr(args, "allow_private", False),
                   timeout=getattr(args, "timeout", FetchPolicy.timeout),
                   deadline=getattr(args, "deadline", FetchPolicy.deadline), delay=getattr(args, "delay", 1.0),
                   sources=getattr(args, "sources", DEFAULT_SOURCES), wait=args.wait, progress=not args.quiet,
                   engine=getattr(args, "engine", "local"), scheduler=getattr(args, "scheduler", None))
    if opts.scheduler and opts.engine != "dask":
        print("error: --scheduler needs --engine dask", file=sys.stderr)
        return EXIT_USAGE
    summary = ingest(inputs, opts)
    for warning in summary.warnings[:20]:
        print(f"warning: {warning}", file=sys.stderr)
    for input_, stage, error in summary.failures[:20]:
        print(f"failed [{stage}] {error}", file=sys.stderr)
    if len(summary.failures) > 20:
        print(f"… and {len(summary.failures) - 20} more failures (see the failures table)", file=sys.stderr)
    for input_, reasons in summary.left_out.items():
        print(f"left out {input_}: {sum(reasons.values())} records that are not HTML 200 responses ("
              + ", ".join(f"{reason} {n}" for reason, n in reasons.most_common()) + ")", file=sys.stderr)
    print(summary.line())
    return EXIT_OK


def _sample(args: argparse.Namespace, db: Path) -> int:
    """Build the sample database aside, then move it into place so readers never see it half-built.
    The run lock on the database is held throughout; a failed build leaves nothing behind."""
    if not SAMPLE_DIR.is_dir():
        print(f"{SAMPLE_DIR}: sample corpus not found", file=sys.stderr)
        return EXIT_USAGE
    store.check_path(db)
    building = db.with_name(db.name + ".building")
    leftovers = [building, building.with_name(building.name + ".wal"), store.lock_path(building)]
    with store.run_lock(db, args.wait, "sample"):
        for leftover in leftovers:
            leftover.unlink(missing_ok=True)
        args.taxonomy = None
        try:
            code = _ingest(args, building, [shown(SAMPLE_DIR)])
            with store.open_store(building) as con:
                con.execute("CHECKPOINT")
            db.with_name(db.name + ".wal").unlink(missing_ok=True)
            os.replace(building, db)
        finally:
            for leftover in leftovers:
                with contextlib.suppress(OSError):
                    leftover.unlink(missing_ok=True)
    print(f"sample database: {shown(db)}")
    return code


def _stats(args: argparse.Namespace, db: Path) -> int:
    with store.open_store(db, read_only=True, wait=args.wait) as con:
        stats = store.stats(con)
    stats["writer"] = store.lock_holder(db)  # a run writing now (its upkeep is owed, not interrupted)
    if args.json:
        print(json.dumps(stats, indent=2, default=str))
    else:
        print(format_stats(stats))
    return EXIT_OK


def format_stats(stats: dict) -> str:
    """Human-readable `stats` output."""
    lines = [
        f"articles     {stats['articles']:>8,}  ({stats['dated']:,} dated, {stats['undated']:,} undated, "
        f"{stats['duplicates']:,} duplicates)",
        f"dates        {stats['first_date'] or '-'} … {stats['last_date'] or '-'}",
        "date source  " + ", ".join(f"{k} {v:,}" for k, v in stats["date_sources"].items()),
        "languages    " + ", ".join(f"{k} {v:,}" for k, v in stats["languages"].items()),
        f"sources      {len(stats['sources']):>8,}  (" + ", ".join(
            f"{k} {v:,}" for k, v in list(stats["sources"].items())[:8]) + ")",
        f"entities     {stats['entities']:>8,}",
        f"mentions     {stats['mentions']:>8,}",
        f"statements   {stats['statements']:>8,}  ({stats['statement_clusters']:,} clusters)",
        f"failures     {stats['failures']:>8,}",
    ]
    indexed, writer = stats.get("text_index_documents"), stats.get("writer")
    if writer:
        lines.append(f"writing      {writer.get('command', 'a run')} (pid {writer.get('pid', '?')}, started "
                     f"{writer.get('started', '?')}): counts may change until it finishes")
    if stats.get("upkeep_pending") and writer:
        lines.append(f"upkeep       owed by the running {writer.get('command', 'run')} ({stats['upkeep_pending']})")
    elif stats.get("upkeep_pending"):
        lines.append(f"upkeep       pending since {stats['upkeep_pending']} (interrupted): clusters, text index and "
                     "summary tables may be stale; run `python -m pipeline repair`")
    elif stats["articles"] and indexed != stats["articles"]:
        lines.append(f"text index   covers {indexed or 0:,} of {stats['articles']:,} articles: "
                     "run `python -m pipeline repair`")
    lines.append("recent runs:")
    for run in stats["runs"]:
        status = "finished" if run["finished"] else "unfinished"
        lines.append(f"  {run['run_id']}  {run['started']:%Y-%m-%d %H:%M}  ok {run['ok']}, failed {run['failed']}, "
                     f"skipped {run['skipped']}  ({status})")
    for failure in stats["recent_failures"]:
        lines.append(f"  failed [{failure['stage']}] {failure['error']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the process exit code."""
    args = build_parser().parse_args(argv)
    db = getattr(args, "db", None) or config.db_path()
    try:
        if args.command == "taxonomy-check":
            return _taxonomy_check(args)
        return _run(args, db)
    except (TaxonomyError, SourcesError, CheckError, store.StoreError, EngineError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except store.StoreBusy as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BUSY
    except (duckdb.Error, OSError) as exc:
        if not store.is_store_failure(exc):
            raise
        print(f"error: {store.describe_error(db, exc)}", file=sys.stderr)
        return EXIT_USAGE


def _run(args: argparse.Namespace, db: Path) -> int:
    store.check_path(db)
    if args.command == "ingest":
        return _ingest(args, db, args.inputs)
    if args.command == "sample":
        return _sample(args, db)
    if args.command == "watch":
        return _watch(args, db)
    if not db.exists():
        print(f"{db}: no database (run `python -m pipeline sample` or `ingest`)", file=sys.stderr)
        return EXIT_USAGE
    if args.command == "retag":
        from .run.retag import retag

        summary = retag(db, args.taxonomy or config.taxonomy_override(), workers=args.workers,
                        progress=not args.quiet, wait=args.wait)
        print(summary.line())
        return EXIT_OK
    if args.command == "repair":
        from .run.repair import repair

        print(repair(db, args.wait, full=args.full).line())
        return EXIT_OK
    if args.command == "stats":
        return _stats(args, db)
    if args.command == "changes":
        return _changes(args, db)
    return export.run(args, db)

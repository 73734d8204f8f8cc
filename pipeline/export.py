"""CSV and snapshot export: the bytes behind every download button and the CLI `export` command.

The dashboard and `python -m pipeline export` both call `to_csv_bytes` on frames produced by the
same `pipeline.queries` functions, so a CSV from the page and one from the shell carry the same rows.
CSVs are UTF-8 with a BOM (Excel opens them with the right encoding) and formula-safe: a text cell
beginning with = + - @, a tab or a carriage return gets a leading apostrophe so a spreadsheet shows
it instead of evaluating it (a leading tab or CR can hide a formula behind it).
"""
from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import sys
import zipfile
from collections.abc import Mapping
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from . import store
from .query import queries
from .query.queries import Filters
from .vocab import GENRES, GRANULARITIES, SOURCE_KINDS, SPEAKER_TYPES, STATEMENT_TYPES

VIEWS = ("articles", "mentions", "statements", "trends")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
LIST_SEPARATOR = "; "
EXIT_OK, EXIT_USAGE = 0, 2
_ALL_ROWS = 2**62  # LIMIT for "every matching row" in the CLI (the dashboard pages through fewer)


class FilterError(ValueError):
    """A filter value the database cannot answer for (unknown id, malformed date); one line."""


# ---------------------------------------------------------------------------------------------
# CSV bytes
# ---------------------------------------------------------------------------------------------

def _safe_text(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _cell(value: object) -> object:
    """Text cells made formula-safe, list cells joined into one text cell; anything else untouched."""
    if isinstance(value, str):
        return _safe_text(value)
    if isinstance(value, (list, tuple, np.ndarray)):
        return _safe_text(LIST_SEPARATOR.join("" if v is None else str(v) for v in value))
    return value


def csv_safe(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of `df` whose text (and list) cells are neutralised; numeric and date columns stay as they are."""
    out = df.copy()
    for col in out.columns:
        series = out[col]
        if pd.api.types.is_numeric_dtype(series) or pd.api.types.is_datetime64_any_dtype(series):
            continue  # numbers (negative ones included), booleans and dates are never formulas
        out[col] = series.astype(object).map(_cell)
    return out


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """The frame as CSV: UTF-8 with BOM, header row, CRLF line ends (RFC 4180), no index, formula-safe."""
    buf = io.StringIO()
    csv_safe(df).to_csv(buf, index=False, lineterminator="\r\n")
    return buf.getvalue().encode("utf-8-sig")


# ---------------------------------------------------------------------------------------------
# Snapshot zip
# ---------------------------------------------------------------------------------------------

def _csv_name(view: str) -> str:
    return view if view.endswith(".csv") else f"{view}.csv"


def snapshot_zip(frames: Mapping[str, pd.DataFrame], filters: Mapping, taxonomy_sha256: str | None,
                 data_version: str, created_at: dt.datetime | None = None) -> bytes:
    """A zip of each view's CSV plus manifest.json (filters, taxonomy_sha256, data_version,
    created_at, rows per file) so a report can say exactly which data and filters it came from."""
    created = (created_at or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc).replace(microsecond=0)
    stamp = created.timetuple()[:6]
    manifest = {
        "filters": dict(filters),
        "taxonomy_sha256": taxonomy_sha256,
        "data_version": data_version,
        "created_at": created.isoformat().replace("+00:00", "Z"),
        "rows": {_csv_name(view): int(len(df)) for view, df in frames.items()},
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for view, df in frames.items():
            zf.writestr(zipfile.ZipInfo(_csv_name(view), date_time=stamp), to_csv_bytes(df),
                        compress_type=zipfile.ZIP_DEFLATED)
        zf.writestr(zipfile.ZipInfo("manifest.json", date_time=stamp),
                    json.dumps(manifest, indent=2, ensure_ascii=False, default=str) + "\n",
                    compress_type=zipfile.ZIP_DEFLATED)
    return buf.getvalue()


# ---------------------------------------------------------------------------------------------
# Frames for each exported view (the same queries.py calls the dashboard makes)
# ---------------------------------------------------------------------------------------------

def trends_frame(con: duckdb.DuckDBPyConnection, f: Filters, gran: str = "day") -> pd.DataFrame:
    """The combined CSV layout (Contract) at any granularity: date (period start), total_articles,
    then <entity_id>_articles and <entity_id>_share per chosen entity."""
    if gran == "day":
        return queries.combined_daily(con, f)
    ids = f.entity_ids()
    if not ids:
        return queries.period_totals(con, f, gran).rename(columns={"period": "date"})
    long = queries.trend(con, f, ids, gran=gran)
    first = long[long["entity_id"] == ids[0]].reset_index(drop=True)
    out = first[["period", "total_articles"]].rename(columns={"period": "date"})
    for eid in ids:
        part = long[long["entity_id"] == eid].reset_index(drop=True)
        out[f"{eid}_articles"] = part["articles"].to_numpy()
        out[f"{eid}_share"] = part["share"].to_numpy()
    return out


def sentences_table(rows: pd.DataFrame) -> pd.DataFrame:
    """The drill-down sentences as downloaded: queries.sentences_behind without highlight offsets."""
    return rows.drop(columns=[c for c in ("hl_starts", "hl_ends") if c in rows.columns])


def articles_table(found: pd.DataFrame) -> pd.DataFrame:
    """Search results as downloaded: queries.search_articles without the running total."""
    return found.drop(columns=[c for c in ("total",) if c in found.columns])


STATEMENT_COLUMNS = ["said_on", "speaker", "speaker_role", "state", "statement_type", "kind", "genre", "about",
                     "quote", "reports", "sources", "link", "urls", "statement_id", "article_id", "cluster_id"]


def statements_table(rows: pd.DataFrame) -> pd.DataFrame:
    """Who-said-what as shown and downloaded: queries.statements plus `link` (the first report's URL)."""
    first = rows["urls"].map(lambda u: u[0] if u is not None and len(u) else None) if len(rows) else []
    return rows.assign(link=first)[STATEMENT_COLUMNS]


def mentions_frame(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Every sentence behind the trend (the drill-down list) over the filter's date range, or over
    all dated articles when no range is set: published, source, title, url, article_id,
    sentence_no, entity_ids, sentence."""
    start, end = f.start, f.end
    if start is None or end is None:
        first_last = queries.overview(con).iloc[0]
        if pd.isna(first_last["first_date"]):
            start = start or dt.date(1970, 1, 1)
            end = end or start
        else:
            start = start or pd.Timestamp(first_last["first_date"]).date()
            end = end or pd.Timestamp(first_last["last_date"]).date()
    return sentences_table(queries.sentences_behind(con, f, f.entity_ids(), start, end + dt.timedelta(days=1),
                                                    limit=_ALL_ROWS))


def articles_frame(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Every article passing the filters, newest first (the search results list, all pages)."""
    return articles_table(queries.search_articles(con, f, limit=_ALL_ROWS))


def statements_frame(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Who said what: one row per statement cluster passing the filters, newest first."""
    return statements_table(queries.statements(con, f, limit=_ALL_ROWS))


def view_frame(con: duckdb.DuckDBPyConnection, view: str, f: Filters, gran: str = "day") -> pd.DataFrame:
    """The frame of one exported view under the filters."""
    if view == "trends":
        return trends_frame(con, f, gran)
    if view == "mentions":
        return mentions_frame(con, f)
    if view == "articles":
        return articles_frame(con, f)
    if view == "statements":
        return statements_frame(con, f)
    raise ValueError(f"unknown view {view!r}; choose one of {', '.join(VIEWS)}")


# ---------------------------------------------------------------------------------------------
# CLI
# ---------------------------------------------------------------------------------------------

def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of `python -m pipeline export` (the caller adds --db and --wait)."""
    parser.add_argument("view", choices=VIEWS, help="which table to export")
    parser.add_argument("-o", "--output", type=Path, default=None, help="CSV file to write (default: stdout)")
    parser.add_argument("--from", dest="start", metavar="YYYY-MM-DD", help="first published date (inclusive)")
    parser.add_argument("--to", dest="end", metavar="YYYY-MM-DD", help="last published date (inclusive)")
    add_filter_arguments(parser)
    parser.add_argument("--granularity", default="day", metavar="{day,week,month}",
                        help="trends period (default day: the combined per-day CSV)")


def add_filter_arguments(parser: argparse.ArgumentParser) -> None:
    """The filter flags other than the dates (entities, sources, speakers, types, languages, --q):
    `export` and `changes` share them; `filters_from_args` reads them."""
    for flag, dest, what in (
        ("--actor", "actors", "actor entity id"), ("--place", "places", "place entity id"),
        ("--theme", "themes", "theme entity id"), ("--source", "sources", "source key"),
        ("--kind", "kinds", f"source kind ({', '.join(SOURCE_KINDS)})"),
        ("--country", "countries", "source country"),
        ("--lang", "languages", "article language, ISO 639-1"),
        ("--speaker", "speakers", "statements said by this speaker: entity id, speaker key or name"),
        ("--by-state", "by_states", "statements whose speaker speaks for this state (entity id)"),
        ("--speaker-type", "speaker_types", f"statements by this type of speaker ({', '.join(SPEAKER_TYPES)})"),
        ("--genre", "genres", f"statements found in this genre of text ({', '.join(GENRES)})"),
        ("--about", "about", "statements about this entity (named in the statement or its sentence)"),
        ("--type", "types", f"statement type ({', '.join(STATEMENT_TYPES)})"),
    ):
        parser.add_argument(flag, dest=dest, action="append", default=[], metavar="VALUE",
                            help=f"{what}; repeat for several")
    parser.add_argument("--q", default="", help="text search over titles and text")


def _date(flag: str, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise FilterError(f"{flag}: {value!r} is not a date (YYYY-MM-DD)") from None


def filters_from_args(args: argparse.Namespace) -> Filters:
    """Filters from parsed arguments; dates and fixed vocabularies checked (FilterError)."""
    f = Filters(start=_date("--from", getattr(args, "start", None)), end=_date("--to", getattr(args, "end", None)),
                actors=list(dict.fromkeys(args.actors)), places=list(dict.fromkeys(args.places)),
                themes=list(dict.fromkeys(args.themes)), sources=list(dict.fromkeys(args.sources)),
                kinds=list(dict.fromkeys(args.kinds)), countries=list(dict.fromkeys(args.countries)),
                speakers=list(dict.fromkeys(args.speakers)), types=list(dict.fromkeys(args.types)),
                languages=list(dict.fromkeys(args.languages)), q=args.q or "",
                by_states=list(dict.fromkeys(args.by_states)), speaker_types=list(dict.fromkeys(args.speaker_types)),
                genres=list(dict.fromkeys(args.genres)), about=list(dict.fromkeys(args.about)))
    if f.start and f.end and f.start > f.end:
        raise FilterError(f"--from {f.start} is after --to {f.end}")
    for flag, what, values, known in (("--type", "statement type", f.types, STATEMENT_TYPES),
                                      ("--kind", "source kind", f.kinds, SOURCE_KINDS),
                                      ("--speaker-type", "speaker type", f.speaker_types, SPEAKER_TYPES),
                                      ("--genre", "genre", f.genres, GENRES)):
        for value in values:
            if value not in known:
                raise FilterError(f"{flag}: unknown {what} {value!r} (one of {', '.join(known)})")
    if getattr(args, "granularity", "day") not in GRANULARITIES:
        raise FilterError(f"--granularity: {args.granularity!r} is not one of {', '.join(GRANULARITIES)}")
    return f


def check_known(con: duckdb.DuckDBPyConnection, f: Filters) -> None:
    """Entity ids must exist with the flag's kind, sources must be known (FilterError otherwise)."""
    entities = queries.entity_options(con, Filters())
    kind_of = dict(zip(entities["entity_id"], entities["kind"]))
    for flag, kind, ids in (("--actor", "actor", f.actors), ("--place", "place", f.places),
                            ("--theme", "theme", f.themes), ("--by-state", "actor", f.by_states),
                            ("--about", None, f.about)):
        for eid in ids:
            if eid not in kind_of:
                raise FilterError(f"{flag}: unknown entity id {eid!r}")
            if kind and kind_of[eid] != kind:
                raise FilterError(f"{flag}: {eid!r} is a {kind_of[eid]}; use --{kind_of[eid]}"
                                  if flag != "--by-state" else f"{flag}: {eid!r} is a {kind_of[eid]}, not an actor")
    if f.sources:
        known = set(queries.source_options(con)["source"])
        for source in f.sources:
            if source not in known:
                raise FilterError(f"--source: unknown source {source!r}")


def run(args: argparse.Namespace, db: Path) -> int:
    """Write the chosen view's CSV for the filters to --output or stdout; 2 on a bad filter value."""
    try:
        f = filters_from_args(args)
        with store.open_store(db, read_only=True, wait=args.wait) as con:
            check_known(con, f)
            df = view_frame(con, args.view, f, args.granularity)
    except FilterError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    data = to_csv_bytes(df)
    if args.output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return EXIT_OK
    try:
        args.output.write_bytes(data)
    except OSError as exc:
        print(f"error: {args.output}: cannot write ({exc.strerror or exc})", file=sys.stderr)
        return EXIT_USAGE
    print(f"wrote {len(df):,} {args.view} rows to {args.output}", file=sys.stderr)
    return EXIT_OK

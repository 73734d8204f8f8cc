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
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import BinaryIO

import duckdb
import numpy as np
import pandas as pd

from . import store
from .query import queries
from .query.filters import STATEMENT_KEYS
from .query.queries import Filters
from .vocab import GENRES, GRANULARITIES, SOURCE_KINDS, SPEAKER_TYPES, STATEMENT_TYPES

VIEWS = ("articles", "mentions", "statements", "trends")
# Every filter key of a view (Filters.to_query_params), in the manifest even when unset.
_LIST_FILTER_KEYS = ("actor", "place", "theme", "source", "kind", "country", "lang", *STATEMENT_KEYS)
_FILTER_KEYS = ("from", "to", *_LIST_FILTER_KEYS, "q")
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


def display_safe(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of `df` for st.dataframe: text cells neutralised like `csv_safe`, list cells kept as lists
    of neutralised texts, so the table's own "Download as CSV" is formula-safe too."""
    out = df.copy()
    for col in out.columns:
        series = out[col]
        if pd.api.types.is_numeric_dtype(series) or pd.api.types.is_datetime64_any_dtype(series):
            continue
        out[col] = series.astype(object).map(
            lambda v: _safe_text(v) if isinstance(v, str) else
            [_safe_text(x) if isinstance(x, str) else x for x in v] if isinstance(v, (list, tuple, np.ndarray)) else v)
    return out


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """The frame as CSV: UTF-8 with BOM, header row, CRLF line ends (RFC 4180), no index, formula-safe."""
    buf = io.StringIO()
    csv_safe(df).to_csv(buf, index=False, lineterminator="\r\n")
    return buf.getvalue().encode("utf-8-sig")


class ExportTooLarge(ValueError):
    """A streamed CSV passed its byte limit; one line naming the limit."""


def write_csv(frames: Iterable[pd.DataFrame], out: BinaryIO, columns: Sequence[str],
              max_bytes: int | None = None) -> int:
    """Write `frames` (in order, each with `columns`) to `out` as one CSV in the `to_csv_bytes` format,
    a frame at a time (the header even when there are no rows); the number of rows written.
    ExportTooLarge once more than `max_bytes` are written."""
    out.write(to_csv_bytes(pd.DataFrame(columns=list(columns))))
    written, rows = 0, 0
    for frame in frames:
        buf = io.StringIO()
        csv_safe(frame[list(columns)]).to_csv(buf, index=False, header=False, lineterminator="\r\n")
        data = buf.getvalue().encode("utf-8")
        written += len(data)
        if max_bytes is not None and written > max_bytes:
            raise ExportTooLarge(f"the CSV passed {max_bytes // 2**20:,} MB; narrow the filters or use "
                                 "`python -m pipeline export` on the server")
        out.write(data)
        rows += len(frame)
    return rows


def file_name(view: str, f: Filters, part: str = "", ext: str = "csv") -> str:
    """A download's file name: the view, the date range ("all-dates" when open) and which rows
    ("shown", "all"), e.g. `statements_2023-01-01_2023-12-31_all.csv`."""
    dates = f"{f.start.isoformat() if f.start else 'start'}_{f.end.isoformat() if f.end else 'end'}" \
        if f.start or f.end else "all-dates"
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in view)
    return "_".join(p for p in (safe, dates, part) if p) + f".{ext}"


# ---------------------------------------------------------------------------------------------
# Rows of each exported view (the same queries.py calls the dashboard makes)
# ---------------------------------------------------------------------------------------------

ARTICLE_COLUMNS = ["article_id", "published", "source", "title", "url", "language", "snippet"]
STATEMENT_COLUMNS = ["said_on", "speaker", "speaker_role", "state", "statement_type", "kind", "genre", "about",
                     "quote", "reports", "sources", "link", "urls", "statement_id", "article_id", "cluster_id"]
MENTION_COLUMNS = [c for c in queries.SENTENCE_COLUMNS if c not in ("hl_starts", "hl_ends")]


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
    return rows[MENTION_COLUMNS]


def articles_table(found: pd.DataFrame) -> pd.DataFrame:
    """Search results as downloaded: queries.search_articles without the running total."""
    return found[ARTICLE_COLUMNS]


def statements_table(rows: pd.DataFrame) -> pd.DataFrame:
    """Who-said-what as shown and downloaded: queries.statements plus `link` (the first report's URL)."""
    first = rows["urls"].map(lambda u: u[0] if u is not None and len(u) else None) if len(rows) else []
    return rows.assign(link=first)[STATEMENT_COLUMNS]


def _date_span(con: duckdb.DuckDBPyConnection, f: Filters) -> tuple[dt.date, dt.date]:
    """[start, end) of the filter's dates, the store's first and last dates standing in for open ends."""
    start, end = f.start, f.end
    if start is None or end is None:
        first_last = queries.overview(con).iloc[0]
        if pd.isna(first_last["first_date"]):
            start = start or dt.date(1970, 1, 1)
            end = end or start
        else:
            start = start or pd.Timestamp(first_last["first_date"]).date()
            end = end or pd.Timestamp(first_last["last_date"]).date()
    return start, end + dt.timedelta(days=1)


def mentions_batches(con: duckdb.DuckDBPyConnection, f: Filters, ids: Sequence[str] | None = None,
                     start: dt.date | None = None, end: dt.date | None = None) -> Iterator[pd.DataFrame]:
    """Every sentence behind the trend (the drill-down list) in [start, end) (default: the filter's
    date range, else all dated articles), a bounded frame at a time."""
    if start is None or end is None:
        start, end = _date_span(con, f)
    for rows in queries.sentences_behind_batches(con, f, f.entity_ids() if ids is None else ids, start, end):
        yield sentences_table(rows)


def articles_batches(con: duckdb.DuckDBPyConnection, f: Filters) -> Iterator[pd.DataFrame]:
    """Every article passing the filters, newest first (the search results, all pages), a frame at a time."""
    for rows in queries.search_articles_batches(con, f):
        yield articles_table(rows)


def statements_batches(con: duckdb.DuckDBPyConnection, f: Filters) -> Iterator[pd.DataFrame]:
    """Who said what: one row per statement cluster passing the filters, newest first, a frame at a time."""
    for rows in queries.statements_batches(con, f):
        yield statements_table(rows)


def view_rows(con: duckdb.DuckDBPyConnection, view: str, f: Filters,
              gran: str = "day") -> tuple[list[str], Iterator[pd.DataFrame]]:
    """(columns, frames) of one exported view under the filters: every matching row, streamed."""
    if view == "trends":
        frame = trends_frame(con, f, gran)
        return list(frame.columns), iter([frame])
    if view == "mentions":
        return MENTION_COLUMNS, mentions_batches(con, f)
    if view == "articles":
        return ARTICLE_COLUMNS, articles_batches(con, f)
    if view == "statements":
        return STATEMENT_COLUMNS, statements_batches(con, f)
    raise ValueError(f"unknown view {view!r}; choose one of {', '.join(VIEWS)}")


def view_frame(con: duckdb.DuckDBPyConnection, view: str, f: Filters, gran: str = "day") -> pd.DataFrame:
    """The whole frame of one exported view (small stores and tests; exports stream `view_rows`)."""
    columns, frames = view_rows(con, view, f, gran)
    parts = list(frames)
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)


# ---------------------------------------------------------------------------------------------
# Snapshot zip
# ---------------------------------------------------------------------------------------------

def _csv_name(view: str) -> str:
    return view if view.endswith(".csv") else f"{view}.csv"


def manifest(filters: Mapping, taxonomy_sha256: str | None, data_version: str, created: dt.datetime,
             rows: Mapping[str, int], view: Mapping[str, object] | None = None) -> dict:
    """What a snapshot holds and where it came from: the view (page, granularity, measure, …), every
    filter (all keys, empty ones as []/null), the taxonomy and data versions, and rows per file."""
    every = {key: filters.get(key, [] if key in _LIST_FILTER_KEYS else None) for key in _FILTER_KEYS}
    every.update({k: v for k, v in filters.items() if k not in every})
    return {"view": dict(view or {}), "filters": every, "taxonomy_sha256": taxonomy_sha256,
            "data_version": data_version, "created_at": created.isoformat().replace("+00:00", "Z"),
            "rows": {_csv_name(name): int(n) for name, n in rows.items()}}


def _created(created_at: dt.datetime | None) -> dt.datetime:
    return (created_at or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc).replace(microsecond=0)


def write_snapshot(out: BinaryIO, parts: Mapping[str, tuple[Sequence[str], Iterable[pd.DataFrame]]],
                   filters: Mapping, taxonomy_sha256: str | None, data_version: str,
                   view: Mapping[str, object] | None = None, created_at: dt.datetime | None = None) -> dict:
    """Write a zip of each part's CSV (streamed a frame at a time) plus manifest.json to `out`; the manifest."""
    created = _created(created_at)
    stamp = created.timetuple()[:6]
    rows: dict[str, int] = {}
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, (columns, frames) in parts.items():
            info = zipfile.ZipInfo(_csv_name(name), date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            with zf.open(info, "w", force_zip64=True) as member:
                rows[name] = write_csv(frames, member, columns)
        meta = manifest(filters, taxonomy_sha256, data_version, created, rows, view)
        zf.writestr(zipfile.ZipInfo("manifest.json", date_time=stamp),
                    json.dumps(meta, indent=2, ensure_ascii=False, default=str) + "\n",
                    compress_type=zipfile.ZIP_DEFLATED)
    return meta


def snapshot_zip(frames: Mapping[str, pd.DataFrame], filters: Mapping, taxonomy_sha256: str | None,
                 data_version: str, created_at: dt.datetime | None = None,
                 view: Mapping[str, object] | None = None) -> bytes:
    """A zip of each frame's CSV plus manifest.json, in memory (small frames; see `write_snapshot`)."""
    buf = io.BytesIO()
    write_snapshot(buf, {name: (list(df.columns), [df]) for name, df in frames.items()}, filters,
                   taxonomy_sha256, data_version, view, created_at)
    return buf.getvalue()


def snapshot_parts(con: duckdb.DuckDBPyConnection, f: Filters,
                   gran: str = "week") -> dict[str, tuple[list[str], Iterable[pd.DataFrame]]]:
    """Every view's rows under the filters, as the pages and the CLI export them: the row-level views
    (articles, statements, mentions) complete and streamed, the aggregates whole."""
    ids = f.entity_ids()
    small: dict[str, pd.DataFrame] = {"trends_daily": trends_frame(con, f, "day")}
    if ids:
        small["trend"] = queries.trend(con, f, ids, gran)
    small["undated"] = queries.undated_counts(con, f, ids)
    for kind in ("actor", "place", "theme"):
        small[f"top_{kind}s"] = queries.top_entities(con, f, kind, _ALL_ROWS)
    small["actor_theme_heatmap"] = queries.actor_theme_heatmap(con, f, 15, 12)
    small["co_mentions"] = queries.co_mentions(con, f, 20, 25)
    small["places"] = queries.places_map(con, f)
    small["statements_by_state_type"] = queries.statements_by_state_type(con, f, "month")
    small["source_coverage"] = queries.source_coverage(con, f)
    parts: dict[str, tuple[list[str], Iterable[pd.DataFrame]]] = {
        name: (list(df.columns), [df]) for name, df in small.items()}
    for name in ("articles", "statements", "mentions"):
        parts[name] = view_rows(con, name, f, gran)
    return parts


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
    """Write the chosen view's CSV for the filters to --output or stdout, streamed a frame at a time
    (write_output); 2 on a bad filter value."""
    try:
        f = filters_from_args(args)
        with store.open_store(db, read_only=True, wait=args.wait) as con:
            check_known(con, f)
            columns, frames = view_rows(con, args.view, f, args.granularity)
            return write_output(lambda out: f"{write_csv(frames, out, columns):,} {args.view} rows", args.output)
    except FilterError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE


def write_output(data: bytes | Callable[[BinaryIO], str], output: Path | None, what: str = "") -> int:
    """Write a CLI result to `output` (stdout when None); an exit code, one line on a failed write.
    `data` is the bytes, or a function that writes them to a binary stream (streamed: a file goes
    beside the target and is renamed when complete) and returns what it wrote ("N rows")."""
    write = data if callable(data) else (lambda out: (out.write(data), what)[1])
    if output is None:
        write(sys.stdout.buffer)
        sys.stdout.buffer.flush()
        return EXIT_OK
    part = output.with_name(output.name + ".part")
    try:
        with part.open("wb") as out:
            what = write(out)
        part.replace(output)
    except OSError as exc:
        part.unlink(missing_ok=True)
        print(f"error: {output}: cannot write ({exc.strerror or exc})", file=sys.stderr)
        return EXIT_USAGE
    print(f"wrote {what} to {output}", file=sys.stderr)
    return EXIT_OK

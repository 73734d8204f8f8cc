"""Display helpers shared by every page: what a page gets (Context), CSV downloads, escaped
highlighting of article text, links and labels. Reads of the store are in views/data.py."""
from __future__ import annotations

import dataclasses
import functools
import html
import re
import tempfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from urllib.parse import urlencode

import duckdb
import pandas as pd
import streamlit as st

from pipeline.export import display_safe, file_name, to_csv_bytes, write_csv
from pipeline.query import queries
from pipeline.query.filters import Filters
from views import data

# ---------------------------------------------------------------------------------------------
# Tables and CSV downloads
# ---------------------------------------------------------------------------------------------

MAX_DOWNLOAD_BYTES = 512 * 2**20  # an "all rows" CSV built for the browser stops here (the CLI has no cap)
AllRows = Callable[[duckdb.DuckDBPyConnection], tuple[Sequence[str], Iterable[pd.DataFrame]]]


def table(df: pd.DataFrame, keep: Sequence[str] = (), **kwargs):
    """st.dataframe of a formula-safe copy of `df` (export.display_safe) with missing text and dates
    blank (`blank_missing`, `dates_as_text`; `keep` columns untouched): the grid's own "Download as
    CSV" then neutralises = + - @, tab and CR like every other download. Returns st.dataframe's value."""
    shown, config = dates_as_text(blank_missing(df, keep), kwargs.pop("column_config", None) or {})
    return st.dataframe(display_safe(shown), column_config=config or None, **kwargs)


def all_rows_csv(rows: AllRows, db: Path | None = None, max_bytes: int = MAX_DOWNLOAD_BYTES) -> bytes:
    """Every matching row as CSV (pipeline.export's format), streamed from a read-only connection into a
    temporary file a frame at a time (Python never holds the rows), then read back for the browser."""
    with tempfile.TemporaryFile(prefix="tracker-export-") as out:
        with queries.connect_readonly(db or data.db_path(), wait=10) as con:
            columns, frames = rows(con)
            write_csv(frames, out, columns, max_bytes=max_bytes)
        out.seek(0)
        return out.read()


def download(df: pd.DataFrame, name: str, label: str = "Download CSV", *, f: Filters | None = None,
             total: int | None = None, rows: AllRows | None = None) -> None:
    """CSV downloads of a table or chart: "rows shown" and, when more match (`total` > shown), "all N
    matching rows" built on click by `rows` (streamed, see all_rows_csv). File names carry the view and
    the date range (export.file_name). Nothing when there are no rows."""
    if df is None or df.empty:
        return
    f = f or Filters()
    shown = len(df)
    everything = total is None or total <= shown or rows is None
    key = f"dl_{name}"
    if everything:
        count = shown if total is None else total
        st.download_button(f"⬇ {label} · all {_rows(count)}", to_csv_bytes(df), file_name=file_name(name, f, "all"),
                           mime="text/csv", key=key, on_click="ignore")
        return
    path = data.db_path()
    left, right = st.columns(2)
    left.download_button(f"⬇ {label} · {_rows(shown)} shown", to_csv_bytes(df), file_name=file_name(name, f, "shown"),
                         mime="text/csv", key=key, on_click="ignore")
    right.download_button(f"⬇ All {total:,} matching rows", functools.partial(all_rows_csv, rows, path),
                          file_name=file_name(name, f, "all"), mime="text/csv", key=f"{key}_all", on_click="ignore",
                          help="Every row under the current filters, written in chunks as it is read.")


def _rows(n: int) -> str:
    return f"{n:,} row" if n == 1 else f"{n:,} rows"


# A chart's figure built once per distinct data and settings and shared by every session: plotly
# builds and validates a figure slowly (a faceted plotly-express figure takes a second on a busy
# machine), while the same view opened again only needs the built figure. Callers never change a
# figure they got from the cache.
cached_figure = st.cache_resource(max_entries=256, show_spinner=False)


def count_ticks(top: float) -> dict:
    """Y-axis settings for counts: whole-number ticks when the counts are small (no "0.5 articles")."""
    return {"dtick": 1, "tickformat": "d"} if top <= 8 else {"tickformat": ",d"}


def show_table(df: pd.DataFrame, name: str, empty: str = "No results for these filters.",
               column_config: dict | None = None, height: int | str = "auto", *, f: Filters | None = None,
               total: int | None = None, rows: AllRows | None = None) -> None:
    """A dataframe with its CSV downloads (`download`: `df` is complete unless `total` says more
    match), or a 'no results' note."""
    if df is None or df.empty:
        st.info(empty)
        return
    table(df, hide_index=True, column_config=column_config, height=height)
    download(df, name, f=f, total=total, rows=rows)


def blank_missing(df: pd.DataFrame, keep: Sequence[str] = ()) -> pd.DataFrame:
    """The frame as shown: missing text (None/NaN in text columns) blank instead of "None"; `keep`
    columns (links, lists) untouched."""
    text = [c for c in df.columns if c not in keep
            and (df[c].dtype == object or pd.api.types.is_string_dtype(df[c].dtype))]
    return df.assign(**{c: df[c].fillna("") for c in text}) if text else df


def dates_as_text(df: pd.DataFrame, config: dict) -> tuple[pd.DataFrame, dict]:
    """Date columns with missing values as ISO text with the gaps blank (the grid prints "None" for a
    missing date), their column configs turned into text columns of the same label, help and width."""
    config = dict(config)
    for c in df.columns:
        if not pd.api.types.is_datetime64_any_dtype(df[c].dtype) or not df[c].isna().any() or (
                c in config and config[c] is None):
            continue
        known = df[c].dropna()
        timed = bool((known != known.dt.normalize()).any())
        df = df.assign(**{c: df[c].dt.strftime("%Y-%m-%d %H:%M" if timed else "%Y-%m-%d").fillna("")})
        old = config.get(c)
        if isinstance(old, dict):
            config[c] = st.column_config.TextColumn(old.get("label"), help=old.get("help"), width=old.get("width"))
        elif isinstance(old, str):
            config[c] = st.column_config.TextColumn(old)
    return df, config


# ---------------------------------------------------------------------------------------------
# Escaped highlighting
# ---------------------------------------------------------------------------------------------

MARK_STYLE = "background:#ffe08a;padding:0 2px;border-radius:3px"
QUOTE_STYLE = "background:#d7ecff;border-bottom:2px solid #3b82c4"


def highlight(text: str, starts: Sequence[int], ends: Sequence[int], style: str = MARK_STYLE,
              titles: Sequence[str] | None = None) -> str:
    """HTML for `text` with [start, end) spans wrapped in <mark>; every piece is html-escaped,
    so article text never becomes markup. Overlapping spans are merged into the earlier one."""
    spans = sorted(zip(starts, ends, titles or [""] * len(starts)))
    out, pos = [], 0
    for start, end, title in spans:
        start, end = max(int(start), pos), min(int(end), len(text))
        if end <= start:
            continue
        out.append(html.escape(text[pos:start]))
        tip = f' title="{html.escape(title)}"' if title else ""
        out.append(f'<mark style="{style}"{tip}>{html.escape(text[start:end])}</mark>')
        pos = end
    out.append(html.escape(text[pos:]))
    return "".join(out)


def layered_highlight(text: str, mentions: pd.DataFrame, statements_: pd.DataFrame) -> str:
    """HTML for an article: statements shaded blue, mentions marked yellow; all text escaped."""
    bounds = {0, len(text)}
    for frame in (mentions, statements_):
        for s, e in zip(frame.get("char_start", []), frame.get("char_end", [])):
            bounds.update((max(0, min(int(s), len(text))), max(0, min(int(e), len(text)))))
    cuts = sorted(bounds)
    m_spans = list(zip(mentions.get("char_start", []), mentions.get("char_end", []),
                       mentions.get("name", mentions.get("entity_id", []))))
    s_spans = list(zip(statements_.get("char_start", []), statements_.get("char_end", []),
                       statements_.get("speaker", [])))
    out = []
    for a, b in zip(cuts, cuts[1:]):
        piece = html.escape(text[a:b]).replace("\n", "<br>")
        mention = next((n for s, e, n in m_spans if s <= a and b <= e), None)
        said = next((n for s, e, n in s_spans if s <= a and b <= e), None)
        if mention is not None:
            piece = f'<mark style="{MARK_STYLE}" title="{html.escape(str(mention))}">{piece}</mark>'
        if said is not None:
            label = f"statement by {said}" if isinstance(said, str) else "statement"
            piece = f'<span style="{QUOTE_STYLE}" title="{html.escape(label)}">{piece}</span>'
        out.append(piece)
    return "".join(out)


def entity_label(options: pd.DataFrame) -> dict[str, str]:
    """entity_id -> 'Name (N)' for multiselect labels."""
    return {r.entity_id: f"{r.name} ({r.articles:,})" for r in options.itertuples()}


def names(options: pd.DataFrame) -> dict[str, str]:
    """entity_id -> display name."""
    return dict(zip(options["entity_id"], options["name"])) if not options.empty else {}


@dataclasses.dataclass
class Context:
    """What every page gets: the sidebar filters and entity display names."""

    filters: Filters = dataclasses.field(default_factory=Filters)
    names: dict[str, str] = dataclasses.field(default_factory=dict)

    def name(self, entity_id: str) -> str:
        """Display name of an entity id (the id itself when unknown)."""
        return self.names.get(entity_id, entity_id)


def add_filter(kind: str, entity_id: str) -> None:
    """Add an entity to the sidebar filter of its kind (`actor`, `place`, `theme`: the filter's URL key;
    a widget callback, so it runs before the rerun)."""
    current = list(st.session_state.get(kind, []))
    if entity_id not in current:
        st.session_state[kind] = current + [entity_id]


SENTENCE_CSS = """<style>
.dst-sentence{padding:.45rem .2rem;border-bottom:1px solid #e6e9ef;line-height:1.5}
.dst-meta{font-size:.82rem;color:#5b6474;margin-bottom:.15rem}
.dst-article{line-height:1.65;font-size:1rem;max-width:52rem}
.dst-legend{font-size:.85rem;color:#5b6474;margin:.2rem 0 .6rem}
</style>"""


def esc(value: object) -> str:
    """HTML-escaped text of any value ('' for None/NaN)."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return html.escape(str(value))


MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def md_escape(text: str) -> str:
    """User text safe inside Streamlit markdown (st.error, st.info …): shown as typed, never as links,
    emphasis or math."""
    return MARKDOWN_SPECIALS.sub(r"\\\1", text)


def link(url: object, text: object) -> str:
    """An escaped link for http(s) URLs; other schemes (javascript:, data:) become plain text."""
    label = esc(text)
    if isinstance(url, str) and url.lower().startswith(("http://", "https://")):
        return f'<a href="{html.escape(url, quote=True)}" target="_blank" rel="noopener noreferrer">{label}</a>'
    return label


READER_DROPS = ("gran", "measure", "chart", "period", "period_entity", "entity", "article", "page")


def reader_urls(article_ids: Sequence[object]) -> list[str | None]:
    """The in-app reader of each article (the Articles page) under the current sidebar filters: links
    relative to this page, so they work under any base path (None for a missing id)."""
    keep = [(k, v) for k in st.query_params if k not in READER_DROPS for v in st.query_params.get_all(k)]
    head = "articles?" + urlencode([("page", "articles"), *keep])
    return [f"{head}&{urlencode([('article', a)])}" if isinstance(a, str) and a else None for a in article_ids]


def reader_link(href: str | None, text: str = "read here") -> str:
    """An escaped link to the dashboard's reader (a `reader_urls` entry), opened in the same tab."""
    if href is None:
        return ""
    return f'<a href="{html.escape(href, quote=True)}" target="_self">{html.escape(text)}</a>'

"""Dashboard plumbing shared by every page: cached read-only queries, the busy state, CSV
downloads, and escaped highlighting of article text.

Queries go through `query()`: results are cached with `st.cache_data`, keyed on the database
file's stat (size and mtime of the .duckdb and .wal files), so a finished ingest run invalidates
the cache without a connection. Each cache miss opens a short-lived read-only connection. While a
writer holds DuckDB's lock the page serves the last results it had and says so.
"""
from __future__ import annotations

import dataclasses
import hashlib
import html
import json
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from pipeline import config, store
from pipeline.query import queries
from pipeline.query.filters import Filters

ROOT = config.ROOT
BUSY_WAIT = 1.5  # seconds one query retries a locked store before falling back to the last results
BUSY_MESSAGE = "store busy — showing last results"
_LAST: OrderedDict[tuple, pd.DataFrame | str] = OrderedDict()
_LAST_MAX = 512


def db_path() -> Path:
    """The database file (absolute): $TRACKER_DB, else data/tracker.duckdb in the project."""
    return config.db_path().expanduser().absolute()


def taxonomy_sha256() -> str | None:
    """sha256 of the taxonomy file's bytes (for snapshot manifests); None when it is missing."""
    try:
        return hashlib.sha256(config.taxonomy_path().read_bytes()).hexdigest()
    except OSError:
        return None


def db_stat(path: Path) -> tuple:
    """(size, mtime_ns) of the database and its WAL; changes whenever a writer commits."""
    out = []
    for p in (path, path.with_name(path.name + ".wal")):
        try:
            st_ = p.stat()
            out.append((st_.st_size, st_.st_mtime_ns))
        except OSError:
            out.append(None)
    return tuple(out)


def begin_run() -> None:
    """Reset the per-run busy/error flags (call once at the top of each script run)."""
    st.session_state["_busy"] = False
    st.session_state["_errors"] = []


def is_busy() -> bool:
    """True when a query of this run found the store locked."""
    return bool(st.session_state.get("_busy"))


def errors() -> list[str]:
    """One-line database errors met during this run."""
    return list(st.session_state.get("_errors", []))


@st.cache_data(show_spinner=False, max_entries=1024)
def _cached(name: str, db: str, stat: tuple, filters_json: str | None, args: tuple, wait: float):
    con = queries.connect_readonly(db, wait=wait)
    try:
        fn = getattr(queries, name)
        if filters_json is None:
            return fn(con, *args)
        return fn(con, Filters.from_query_params(json.loads(filters_json)), *args)
    finally:
        con.close()


def query(name: str, f: Filters | None, *args) -> pd.DataFrame:
    """Run `queries.<name>(con, f, *args)` (or `(con, *args)` when f is None) through the cache.

    A locked store yields the last result of the same call (empty when there is none) and flags
    the run as busy; later queries of a busy run do not wait again.
    """
    path = db_path()
    fjson = None if f is None else json.dumps(f.to_query_params(), sort_keys=True)
    key = (str(path), name, fjson, args)
    wait = 0.0 if is_busy() else BUSY_WAIT
    try:
        result = _cached(name, str(path), db_stat(path), fjson, args, wait)
    except store.StoreBusy:
        st.session_state["_busy"] = True
        return _LAST.get(key, pd.DataFrame())
    except duckdb.Error as exc:
        message = str(exc).splitlines()[0][:300]
        st.session_state.setdefault("_errors", []).append(f"{name}: {message}")
        return _LAST.get(key, pd.DataFrame())
    _LAST[key] = result
    _LAST.move_to_end(key)
    while len(_LAST) > _LAST_MAX:
        _LAST.popitem(last=False)
    return result


@st.fragment(run_every=2.0)
def rerun_when_free() -> None:
    """While the store is busy, poll the lock every 2 s and rerun the page once it is free."""
    try:
        store.connect(db_path(), read_only=True, wait=0).close()
    except (store.StoreBusy, duckdb.Error):
        return
    st.rerun(scope="app")


def database_state() -> str:
    """'missing' (no file), 'empty' (no articles), 'ready', or 'busy' (locked, nothing cached)."""
    path = db_path()
    if not path.exists():
        return "missing"
    ov = query("overview", None)
    if ov.empty:
        return "busy" if is_busy() else "missing"
    return "ready" if int(ov["articles"].iloc[0]) > 0 else "empty"


# ---------------------------------------------------------------------------------------------
# CSV downloads
# ---------------------------------------------------------------------------------------------

def csv_bytes(df: pd.DataFrame) -> bytes | None:
    """The CSV bytes of exactly these rows (pipeline.export's builder); None if unavailable."""
    try:
        from pipeline.export import to_csv_bytes
    except ImportError:
        return None
    return to_csv_bytes(df)


def download(df: pd.DataFrame, name: str, label: str = "Download CSV") -> None:
    """A CSV download button for the rows shown (nothing when there are none)."""
    if df is None or df.empty:
        return
    data = csv_bytes(df)
    if data is None:
        st.caption("CSV export is not available in this installation.")
        return
    st.download_button(f"⬇ {label}", data, file_name=f"{name}.csv", mime="text/csv",
                       key=f"dl_{name}", on_click="ignore")


def count_ticks(top: float) -> dict:
    """Y-axis settings for counts: whole-number ticks when the counts are small (no "0.5 articles")."""
    return {"dtick": 1, "tickformat": "d"} if top <= 8 else {"tickformat": ",d"}


def show_table(df: pd.DataFrame, name: str, empty: str = "No results for these filters.",
               column_config: dict | None = None, height: int | str = "auto") -> None:
    """A dataframe with its CSV download, or a 'no results' note."""
    if df is None or df.empty:
        st.info(empty)
        return
    st.dataframe(df, hide_index=True, column_config=column_config, height=height)
    download(df, name)


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


def db_mtime() -> float:
    """Latest modification time of the database or its WAL (0 when missing)."""
    path = db_path()
    times = [p.stat().st_mtime for p in (path, path.with_name(path.name + ".wal")) if p.exists()]
    return max(times, default=0.0)


@dataclasses.dataclass
class Context:
    """What every page gets: the sidebar filters and entity display names."""

    filters: Filters
    names: dict[str, str]

    def name(self, entity_id: str) -> str:
        """Display name of an entity id (the id itself when unknown)."""
        return self.names.get(entity_id, entity_id)


def add_filter(kind: str, entity_id: str) -> None:
    """Add an entity to the sidebar filter of its kind (a widget callback: runs before the rerun)."""
    key = f"f_{kind}"
    current = list(st.session_state.get(key, []))
    if entity_id not in current:
        st.session_state[key] = current + [entity_id]


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


def link(url: object, text: object) -> str:
    """An escaped link for http(s) URLs; other schemes (javascript:, data:) become plain text."""
    label = esc(text)
    if isinstance(url, str) and url.lower().startswith(("http://", "https://")):
        return f'<a href="{html.escape(url, quote=True)}" target="_blank" rel="noopener noreferrer">{label}</a>'
    return label

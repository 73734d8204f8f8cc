"""Display helpers shared by every page: what a page gets (Context), CSV downloads, escaped
highlighting of article text, links and labels. Reads of the store are in views/data.py."""
from __future__ import annotations

import dataclasses
import html
import re
from collections.abc import Sequence

import pandas as pd
import streamlit as st

from pipeline.query.filters import Filters

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

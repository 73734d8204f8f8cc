"""Articles page: search results under the filters and a reader showing one article's text with
its mentions and statements highlighted (all article text escaped, never rendered as markup)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from pipeline.export import ARTICLE_COLUMNS, articles_batches, articles_table
from pipeline.query import search
from views import common, data, url
from views.common import Context

URL_KEYS = ("article",)  # this page's own key in the URL (views/url.py): the article open in the reader
PAGE_SIZE = 50


def _results(ctx: Context) -> pd.DataFrame:
    page = st.columns([1, 4])[0].number_input("Results page", min_value=1, value=1, step=1, key="articles_page")
    found = data.search_articles(ctx.filters, PAGE_SIZE, (int(page) - 1) * PAGE_SIZE)
    if found.empty:
        no_match(ctx.filters.q)
        return found
    total = int(found["total"].iloc[0])
    st.caption(f"{total:,} matching articles · showing {len(found):,} (newest first, undated last).")
    shown = articles_table(found)
    names = data.outlet_names()
    common.table(shown.assign(source=shown["source"].map(lambda s: names.get(s, s))), keep=("url",),
                 hide_index=True, height=min(520, 38 + 35 * len(shown)), column_config={
        "article_id": None, "published": st.column_config.DateColumn("Published", format="YYYY-MM-DD"),
        "source": "Outlet", "title": st.column_config.TextColumn("Title", width="large"),
        "url": st.column_config.LinkColumn("URL", width="small"), "language": "Lang",
        "snippet": st.column_config.TextColumn("Beginning", width="medium")})
    common.download(shown, "articles", "Articles CSV", f=ctx.filters, total=total,
                    rows=lambda con, f=ctx.filters: (ARTICLE_COLUMNS, articles_batches(con, f)))
    return found


def no_match(q: str) -> None:
    """Say that nothing matched, and with a search what was searched and the prefix form to try."""
    if not q:
        st.info("No articles match these filters.")
        return
    parsed = search.parse(q)
    text = f"No articles match the search for {parsed.describe() or '“' + q + '”'} under these filters."
    hint = parsed.prefix_suggestion()
    if hint and hint != q:
        text += f" To match every word starting with the same letters, try `{hint}`."
    st.info(text)
    for note in parsed.notes:
        st.caption(note)


def _reader(found: pd.DataFrame) -> None:
    ids = list(found["article_id"]) if not found.empty else []
    url.seed("article", url.first("article"))
    current = st.session_state["article"]
    if not ids and not current:
        return
    labels = dict(zip(found["article_id"], found["title"].fillna(found["article_id"]))) if ids else {}
    if current and current not in ids:  # opened from a link (a sentence, a statement): maybe not in this list
        linked = data.article(current)
        if linked.empty:
            url.dropped("article", current)
            st.session_state["article"] = current = None
        else:
            labels[current] = linked["title"].iloc[0] or current
    if not ids and not current:
        url.publish("article", None)
        return
    options = ids if current in ids or not current else [current, *ids]
    if current not in options:
        st.session_state["article"] = ids[0]
    article_id = st.selectbox("Read article", options, key="article", format_func=lambda a: labels.get(a, a),
                              persist_state="session")
    url.publish("article", article_id)
    art = data.article(article_id)
    if art.empty:
        st.info("This article is not in the database any more.")
        return
    a = art.iloc[0]
    mentions = data.article_mentions(article_id)
    said = data.article_statements(article_id)
    date = pd.Timestamp(a["published"]).date().isoformat() if pd.notna(a["published"]) else "undated"
    origin = f' (date from {common.esc(a["date_source"])})' if isinstance(a["date_source"], str) else ""
    meta = (f'<div class="dst-meta">{date}{origin} · '
            f'{common.esc(a["source_name"] or a["source"])} · {common.esc(a["language"])} · '
            f'{common.link(a["canonical_url"] or a["url"], a["canonical_url"] or a["url"])}</div>')
    legend = ('<div class="dst-legend"><mark style="' + common.MARK_STYLE + '">entity mention</mark> &nbsp; '
              '<span style="' + common.QUOTE_STYLE + '">statement</span></div>')
    body = common.layered_highlight(a["text"] or "", mentions, said)
    st.html(common.SENTENCE_CSS + f'<h3>{common.esc(a["title"])}</h3>' + meta + legend
            + f'<div class="dst-article">{body}</div>')
    c1, c2 = st.columns(2)
    with c1:
        st.markdown("**Mentions**")
        common.show_table(mentions, f"mentions_{article_id}", "No entity mentions in this article.",
                          column_config={"entity_id": None, "name": "Entity", "kind": "Kind",
                                         "sentence_no": "Sentence", "char_start": "Start", "char_end": "End",
                                         "surface": "Written as"})
    with c2:
        st.markdown("**Statements**")
        common.show_table(said, f"statements_{article_id}", "No statements found in this article.",
                          column_config={"statement_id": None, "speaker": "Speaker", "speaker_role": "Role",
                                         "state": "State", "statement_type": "Type", "kind": "Kind",
                                         "quote": st.column_config.TextColumn("Quote", width="large"),
                                         "said_on": st.column_config.DateColumn("Said on", format="YYYY-MM-DD"),
                                         "char_start": None, "char_end": None, "cluster_id": None})


def render(ctx: Context) -> None:
    _reader(_results(ctx))

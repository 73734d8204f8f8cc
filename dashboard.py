"""Diplomatic Statement Tracker — Streamlit entry point: the pages (`st.navigation`) and the sidebar
filters.

Run with `streamlit run dashboard.py`. The pages are in views/, one module per page, each served at
its own path (/, /actors, /statements, /articles, /sources). Every choice lives in the URL query
string under the keys of README "Shareable URLs", so a copied URL reopens the same view: the dates
and the text search are bound to the URL natively; the widgets that show labels for ids write
their ids through views/url.py. The `page` key names the page shown and wins on a session's first
run, so `/?page=statements&actor=armenia` opens the Statements page.
"""
from __future__ import annotations

import datetime as dt
import functools
from types import ModuleType

import pandas as pd
import streamlit as st

from pipeline.query.filters import STATEMENT_KEYS, Filters
from views import (
    articles,
    changes,
    common,
    data,
    entities,
    freshness,
    setup,
    snapshot,
    sources,
    statements,
    trends,
    url,
)
from views.common import Context

# URL key -> (title, module with render(ctx) and URL_KEYS); the first page is served at /. No page
# icons: a page's icon becomes the tab's favicon, which the browser would fetch from the internet.
PAGES: dict[str, tuple[str, ModuleType]] = {
    "trends": ("Trends", trends),
    "actors": ("Actors & themes", entities),
    "statements": ("Statements", statements),
    "articles": ("Articles", articles),
    "sources": ("Sources & runs", sources),
    "changes": ("Changes", changes),
}
DATE_RANGE = (dt.date(1900, 1, 1), dt.date(2100, 12, 31))  # what the date filters accept


def _show(key: str, ctx: Context) -> None:
    title, view = PAGES[key]
    st.title(title)
    view.render(ctx)


def follow_page_key(pages: dict[str, st.Page], current: st.Page) -> None:
    """Keep the URL's `page` key and the page shown in step.

    On a session's first run a link's `page=` opens its page (with every other key of the link);
    afterwards the navigation menu decides and the key follows it. The keys other pages write
    through views/url.py (their URL_KEYS, e.g. `gran` away from Trends) leave the URL: they do not
    apply to this page.
    """
    key = next(k for k, page in pages.items() if page is current)
    wanted = st.query_params.get("page")
    if "_page" not in st.session_state and wanted in pages and wanted != key:
        st.switch_page(pages[wanted], query_params=url.params())
    st.session_state["_page"] = key
    if wanted != key:
        st.query_params["page"] = key
    for other, (_, view) in PAGES.items():
        for name in view.URL_KEYS if other != key else ():
            st.query_params.pop(name, None)


def _clear_filters() -> None:
    for key in ("actor", "place", "theme", "source", "kind", "country", "lang", *STATEMENT_KEYS):
        st.session_state[key] = []
    st.session_state["from"] = st.session_state["to"] = None
    st.session_state["q"] = ""


def _counted(frame: pd.DataFrame, key: str, count: str) -> dict[str, str]:
    """id -> 'id (N)' labels from an options frame."""
    return {getattr(r, key): f"{getattr(r, key)} ({getattr(r, count):,})" for r in frame.itertuples()}


def sidebar(entities: pd.DataFrame) -> Filters:
    """Render the filters (entity choices from `entities`, the entity options) and return them."""
    with st.sidebar:
        st.markdown("**Filters**")
        c1, c2 = st.columns(2)
        start = c1.date_input("From", key="from", value=None, min_value=DATE_RANGE[0], max_value=DATE_RANGE[1],
                              format="YYYY-MM-DD", bind="query-params")
        end = c2.date_input("To", key="to", value=None, min_value=DATE_RANGE[0], max_value=DATE_RANGE[1],
                            format="YYYY-MM-DD", bind="query-params")
        if start and end and start > end:
            st.warning("“From” is after “To”: no dated article can match.")
        f = Filters(start=start, end=end)
        help_ = "Articles mentioning any chosen entity; one trend line each."
        for kind, label in (("actor", "Actors"), ("place", "Places"), ("theme", "Themes")):
            part = entities[entities["kind"] == kind] if not entities.empty else entities
            chosen = url.multiselect(label, kind, common.entity_label(part), help=help_)
            setattr(f, f"{kind}s", chosen)
        src = data.source_options()
        f.sources = url.multiselect("Sources", "source", {r.source: f"{r.name} ({r.articles:,})"
                                                          for r in src.itertuples()})
        for key, attr, label in (("kind", "kinds", "Source kind"), ("country", "countries", "Source country")):
            counts = src.groupby(key, as_index=False)["articles"].sum().sort_values("articles", ascending=False) \
                if not src.empty else src
            setattr(f, attr, url.multiselect(label, key, _counted(counts, key, "articles")))
        f.languages = url.multiselect("Languages", "lang", _counted(data.language_options(), "language", "articles"))
        f.q = st.text_input("Text search", key="q", placeholder="words in title or text",
                            bind="query-params").strip()
        said_by_about(f)
        st.button("Clear filters", on_click=_clear_filters, width="stretch")
    return f


SPEAKER_TYPE_LABELS = {"person": "person outside the taxonomy", "other": "other (unnamed sources, groups)"}
GENRE_LABELS = {"news": "news report", "transcript": "briefing transcript", "release": "official release"}


def _facet(options: pd.DataFrame, facet: str, names: dict[str, str] | None = None) -> dict[str, str]:
    """value -> 'label (N)' of one facet of the statement options."""
    part = options[options["facet"] == facet] if not options.empty else options
    return {r.value: f"{(names or {}).get(r.value, r.label)} ({r.statements:,})" for r in part.itertuples()}


def said_by_about(f: Filters) -> None:
    """The statements-only filters into `f`: who said it (speaker, the speaker's state and type, the
    genre of the text) and what it is about, and the statement type."""
    st.markdown("**Statements: said by × about**")
    st.caption("Statements only. A statement passes a filter when it matches any of the filter's choices, "
               "and must pass every filter set: Said by state = United States with About = Lachin corridor "
               "gives the US statements about the corridor. Actors, places and themes above pick the "
               "articles the statements come from.")
    options = data.statement_options()
    spk = data.speaker_options()
    f.speakers = url.multiselect("Said by: speaker", "speaker",
                                 {r.key: f"{r.label} ({r.statements:,})" for r in spk.itertuples()},
                                 help="The same person under every spelling and script counts as one speaker.")
    f.by_states = url.multiselect("Said by: speaker's state", "by_state", _facet(options, "by_state"),
                                  help="The state the speaker speaks for (an organisation for its own officials).")
    f.speaker_types = url.multiselect("Said by: type of speaker", "speaker_type",
                                      _facet(options, "speaker_type", SPEAKER_TYPE_LABELS),
                                      help="The taxonomy's actor type of the speaker.")
    f.genres = url.multiselect("Said in", "genre", _facet(options, "genre", GENRE_LABELS),
                               help="The kind of text the statement was found in.")
    about = options[options["facet"] == "about"] if not options.empty else options
    f.about = url.multiselect("About", "about", {r.value: f"{r.label} · {r.kind} ({r.statements:,})"
                                                 if isinstance(r.kind, str) else f"{r.label} ({r.statements:,})"
                                                 for r in about.itertuples()},
                              help="Entities mentioned in the statement or in its sentence (\"On the Lachin "
                                   "corridor, the Secretary said …\"); the speaker's own side (itself, its "
                                   "ministry, its state) never counts as what it speaks about.")
    f.types = url.multiselect("Statement types", "type",
                              _counted(data.statement_type_options(), "statement_type", "statements"))


def main() -> None:
    st.set_page_config(page_title="Diplomatic Statement Tracker", layout="wide")
    data.begin_run()
    banner = st.empty()
    state = data.database_state()
    ctx = Context()
    pages = {key: st.Page(functools.partial(_show, key, ctx), title=title, url_path=key,
                          default=key == next(iter(PAGES)))
             for key, (title, _) in PAGES.items()}
    current = st.navigation(list(pages.values()), position="sidebar" if state == "ready" else "hidden")
    if state != "ready":
        setup.render(state)
    else:
        follow_page_key(pages, current)
        options = data.entity_options(Filters())
        ctx.filters = sidebar(options)
        ctx.names = common.names(options)
        current.run()
        snapshot.sidebar_button(ctx, st.session_state.get("gran") or "week")
        freshness.sidebar(ctx)
    if data.is_busy():
        banner.warning(data.BUSY_MESSAGE, icon=":material/hourglass_top:")
        data.rerun_when_free()
    elif data.errors() and state != "unreadable":  # setup already says why
        banner.error("Some results could not be read: " + "; ".join(data.errors()[:3]))


main()

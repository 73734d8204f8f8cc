"""Diplomatic Statement Tracker — Streamlit entry point: page navigation and the sidebar filters.

Run with `streamlit run dashboard.py`. Every sidebar choice lives in the URL query string (keys in
`pipeline.queries.Filters` plus page, gran, measure, chart, entity, article), so a copied URL
reopens the same view. The pages themselves are in views/, one module per page.
"""
from __future__ import annotations

import datetime as dt

import streamlit as st

from pipeline.query.filters import Filters
from views import articles, common, entities, setup, snapshot, sources, statements, trends
from views.common import Context

PAGES = {
    "trends": ("Trends", trends.render),
    "actors": ("Actors & themes", entities.render),
    "statements": ("Statements", statements.render),
    "articles": ("Articles", articles.render),
    "sources": ("Sources & runs", sources.render),
}
GRANS = ("day", "week", "month")
MEASURES = {"articles": "Articles (distinct)", "share": "Share of all articles", "mentions": "Mentions (raw)"}
# URL key -> (session key, default); list-valued keys come from Filters.
VIEW_KEYS = {"page": "trends", "gran": "week", "measure": "articles", "chart": "line", "entity": "", "article": ""}
LIST_KEYS = ("actor", "place", "theme", "source", "kind", "country", "speaker", "type", "lang")


def _init_from_url() -> None:
    """On a session's first run, copy the URL's query string into the widgets' state."""
    if st.session_state.get("_url_loaded"):
        return
    params = {k: st.query_params.get_all(k) for k in st.query_params}
    f = Filters.from_query_params(params)
    st.session_state["f_from"], st.session_state["f_to"] = f.start, f.end
    for key in LIST_KEYS:
        st.session_state[f"f_{key}"] = params.get(key, [])
    st.session_state["f_q"] = f.q
    for key, default in VIEW_KEYS.items():
        values = params.get(key) or [default]
        st.session_state[f"v_{key}"] = values[0]
    if st.session_state["v_page"] not in PAGES:
        st.session_state["v_page"] = "trends"
    if st.session_state["v_gran"] not in GRANS:
        st.session_state["v_gran"] = "week"
    if st.session_state["v_measure"] not in MEASURES:
        st.session_state["v_measure"] = "articles"
    st.session_state["_url_loaded"] = True


def _multiselect(label: str, key: str, options: list[str], labels: dict[str, str], help: str = "") -> list[str]:
    """A searchable multiselect whose state keeps only values that exist as options."""
    state_key = f"f_{key}"
    st.session_state[state_key] = [v for v in st.session_state.get(state_key, []) if v in labels]
    return st.multiselect(label, options, key=state_key, format_func=lambda v: labels.get(v, v),
                          placeholder="Any", help=help or None)


def _clear_filters() -> None:
    for key in LIST_KEYS:
        st.session_state[f"f_{key}"] = []
    st.session_state["f_from"] = st.session_state["f_to"] = None
    st.session_state["f_q"] = ""


def sidebar() -> Filters:
    """Render the filters and return them."""
    sb = st.sidebar
    with sb:
        st.radio("Page", list(PAGES), key="v_page", format_func=lambda k: PAGES[k][0])
        st.divider()
        st.markdown("**Filters**")
        c1, c2 = st.columns(2)
        start = c1.date_input("From", key="f_from", value=None, format="YYYY-MM-DD")
        end = c2.date_input("To", key="f_to", value=None, format="YYYY-MM-DD")
        if start and end and start > end:
            st.warning("“From” is after “To”: no dated article can match.")
        f = Filters(start=start, end=end)
        opts = common.query("entity_options", Filters())
        for kind, key, label in (("actor", "actor", "Actors"), ("place", "place", "Places"),
                                 ("theme", "theme", "Themes")):
            part = opts[opts["kind"] == kind] if not opts.empty else opts
            chosen = _multiselect(label, key, list(part.get("entity_id", [])), common.entity_label(part),
                                  help="Articles mentioning any chosen entity; one trend line each.")
            setattr(f, {"actor": "actors", "place": "places", "theme": "themes"}[key], chosen)
        src = common.query("source_options", None)
        src_labels = {r.source: f"{r.name} ({r.articles:,})" for r in src.itertuples()} if not src.empty else {}
        f.sources = _multiselect("Sources", "source", list(src_labels), src_labels)
        for key, col, label in (("kind", "kind", "Source kind"), ("country", "country", "Source country")):
            counts = src.groupby(col)["articles"].sum().sort_values(ascending=False) if not src.empty else {}
            labels = {k: f"{k} ({int(n):,})" for k, n in dict(counts).items()}
            setattr(f, {"kind": "kinds", "country": "countries"}[key], _multiselect(label, key, list(labels), labels))
        spk = common.query("speaker_options", None)
        spk_labels = {r.key: f"{r.label} ({r.statements:,})" for r in spk.itertuples()} if not spk.empty else {}
        f.speakers = _multiselect("Speakers", "speaker", list(spk_labels), spk_labels, help="Statements only.")
        typ = common.query("statement_type_options", None)
        typ_labels = ({r.statement_type: f"{r.statement_type} ({r.statements:,})" for r in typ.itertuples()}
                      if not typ.empty else {})
        f.types = _multiselect("Statement types", "type", list(typ_labels), typ_labels, help="Statements only.")
        lang = common.query("language_options", None)
        lang_labels = {r.language: f"{r.language} ({r.articles:,})" for r in lang.itertuples()} if not lang.empty else {}
        f.languages = _multiselect("Languages", "lang", list(lang_labels), lang_labels)
        f.q = st.text_input("Text search", key="f_q", placeholder="words in title or text").strip()
        st.button("Clear filters", on_click=_clear_filters, width="stretch")
    return f


def sync_url(f: Filters) -> None:
    """Write the current filters and view choices to the URL query string."""
    params: dict[str, str | list[str]] = dict(f.to_query_params())
    for key, default in VIEW_KEYS.items():
        value = st.session_state.get(f"v_{key}") or ""
        if value and value != default or key == "page":
            params[key] = value
    current = {k: st.query_params.get_all(k) for k in st.query_params}
    if current != {k: v if isinstance(v, list) else [v] for k, v in params.items()}:
        st.query_params.from_dict(params)


def main() -> None:
    st.set_page_config(page_title="Diplomatic Statement Tracker", layout="wide")
    common.begin_run()
    _init_from_url()
    banner = st.empty()
    state = common.database_state()
    if state in ("missing", "empty", "busy"):
        setup.render(state)
    else:
        f = sidebar()
        page = st.session_state["v_page"]
        title, render = PAGES[page]
        st.title(title)
        ctx = Context(filters=f, names=common.names(common.query("entity_options", Filters())))
        render(ctx)
        snapshot.sidebar_button(ctx, st.session_state.get("v_gran") or "week")
        sync_url(f)
        st.sidebar.caption(f"Database: {common.db_path()} · updated "
                           f"{dt.datetime.fromtimestamp(common.db_mtime()):%Y-%m-%d %H:%M}")
    if common.is_busy():
        banner.warning(common.BUSY_MESSAGE, icon=":material/hourglass_top:")
        common.rerun_when_free()
    elif common.errors():
        banner.error("Some results could not be read: " + "; ".join(common.errors()[:3]))


main()

"""Actors & themes page, in four tabs of which only the open one runs and is drawn (its name is the
URL's `view`): top entities (select a row to filter by it) with the actor × theme heatmap, co-mention
pairs, an offline map of places, and the wording each source uses for one entity."""
from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from pipeline.mentions.taxonomy import TaxonomyError, load_taxonomy, spelling
from pipeline.query import queries
from views import common, data, geo, url
from views.common import Context

URL_KEYS = ("entity", "view")  # this page's own keys in the URL: the wording chart's entity, the open tab
KINDS = (("actor", "Actors"), ("place", "Places"), ("theme", "Themes"))
MONTH_BAR_MS = 25 * 24 * 3600 * 1000  # bar width on a monthly date axis (plotly guesses badly with few bars)
MAX_SPELLINGS = 10  # colours in the wording chart: the 9 most used spellings, then "other"
OTHER = "other"
OTHER_COLOUR = "#b0b0b0"
SPELLING_COLOURS = px.colors.qualitative.Bold[:MAX_SPELLINGS - 1]  # one colour each, none repeated


def _on_pick(kind: str, table_key: str, frame_key: str) -> None:
    """Table selection callback: add the selected entity to the sidebar filter of its kind."""
    rows = st.session_state[table_key].selection.rows
    ids = st.session_state.get(frame_key, [])
    if rows and rows[0] < len(ids):
        common.add_filter(kind, ids[rows[0]])


def _top_lists(ctx: Context) -> None:
    st.subheader("Most mentioned")
    st.caption("Distinct articles under the current filters. Select a row to add it to the filters.")
    cols = st.columns(3)
    opts = data.entity_options(ctx.filters)
    for (kind, label), col in zip(KINDS, cols):
        with col:
            st.markdown(f"**{label}**")
            top = data.top_entities(ctx.filters, kind, 15)
            if top.empty:
                st.info(f"No {label.lower()} for these filters.")
                continue
            st.session_state[f"_top_ids_{kind}"] = list(top["entity_id"])
            common.table(top, hide_index=True, key=f"top_{kind}", on_select=lambda k=kind: _on_pick(
                k, f"top_{k}", f"_top_ids_{k}"), selection_mode="single-row", height=38 + 35 * min(len(top), 10),
                column_order=["name", "articles"],
                column_config={"name": st.column_config.TextColumn(label[:-1], width="medium"),
                               "articles": st.column_config.NumberColumn("Articles", format="%d", width="small")})
            every = opts[opts["kind"] == kind] if not opts.empty else opts
            common.download(top, f"top_{kind}s", "CSV", f=ctx.filters, total=int((every["articles"] > 0).sum()),
                            rows=lambda con, k=kind, f=ctx.filters: _all_top(con, f, k))


def _all_top(con, f, kind: str) -> tuple[list[str], list]:
    """Every entity of one kind mentioned under the filters, most mentioned first (the top list's columns)."""
    frame = queries.top_entities(con, f, kind, 2**31)
    return list(frame.columns), [frame]


def _short(name: str, width: int = 32) -> str:
    """A display name cut to `width` characters (full names stay in the CSV)."""
    return name if len(name) <= width else name[: width - 1] + "…"


def _heatmap(ctx: Context) -> None:
    st.subheader("Actors × themes")
    cells = data.actor_theme_heatmap(ctx.filters, 15, 12)
    if cells.empty:
        st.info("No article mentions both an actor and a theme under these filters.")
        return
    st.plotly_chart(_heatmap_figure(cells), key="heatmap_chart")
    st.caption("Cells count articles that mention both the actor and the theme.")
    common.download(cells, "actor_theme_heatmap", "Chart data", f=ctx.filters)


@common.cached_figure
def _heatmap_figure(cells: pd.DataFrame) -> go.Figure:
    grid = cells.pivot_table(index="actor", columns="theme", values="articles", aggfunc="sum", fill_value=0)
    grid = grid.loc[grid.sum(axis=1).sort_values(ascending=False).index,
                    grid.sum(axis=0).sort_values(ascending=False).index]
    grid.index = [_short(n) for n in grid.index]
    grid.columns = [_short(n, 24) for n in grid.columns]
    fig = px.imshow(grid, text_auto=True, aspect="auto", color_continuous_scale="Blues",
                    labels={"x": "Theme", "y": "Actor", "color": "Articles"})
    fig.update_layout(height=max(360, 34 * len(grid) + 200), margin=dict(l=10, r=10, t=10, b=10))
    fig.update_xaxes(side="bottom", tickangle=-30, title=None)
    fig.update_yaxes(title=None)
    fig.update_coloraxes(colorbar=common.count_ticks(int(grid.to_numpy().max())))
    fig.update_traces(hovertemplate="<b>%{y}</b> and <b>%{x}</b><br>%{z:,} articles<extra></extra>")
    return fig


def _co_mentions(ctx: Context) -> None:
    st.subheader("Mentioned together")
    pairs = data.co_mentions(ctx.filters, 20, 25)
    if pairs.empty:
        st.info("No co-mentions for these filters.")
        return
    st.plotly_chart(_co_mentions_figure(pairs), key="comention_chart")
    common.download(pairs, "co_mentions", "Chart data", f=ctx.filters)


@common.cached_figure
def _co_mentions_figure(pairs: pd.DataFrame) -> go.Figure:
    shown = pairs.assign(pair=pairs["name_a"].map(_short) + " + " + pairs["name_b"].map(_short))
    fig = px.bar(shown.iloc[::-1], x="articles", y="pair", orientation="h",
                 labels={"articles": "Articles mentioning both", "pair": ""})
    fig.update_traces(hovertemplate="%{y}<br>%{x:,} articles mention both<extra></extra>")
    fig.update_layout(height=max(300, 26 * len(shown) + 80), margin=dict(l=10, r=10, t=10, b=10))
    return fig


def _map(ctx: Context) -> None:
    st.subheader("Places")
    places = data.places_map(ctx.filters)
    if places.empty:
        st.info("No mentioned place has coordinates under these filters.")
        return
    extent = st.segmented_control("Map extent", ["region", "all"], key="map_extent", default="region",
                                  format_func={"region": "Where most mentions are", "all": "All places"}.get)
    st.plotly_chart(_map_figure(places, extent != "all"), key="places_map", config=geo.config())
    st.caption("Circle area grows with mentions. Base map: Natural Earth, served by this app (no internet).")
    common.download(places, "places", "Chart data", f=ctx.filters)


@common.cached_figure
def _map_figure(places: pd.DataFrame, focus: bool) -> go.Figure:
    size = places["mentions"].astype(float)
    labels = [n if i < 8 else "" for i, n in enumerate(places["name"])]
    fig = go.Figure(go.Scattergeo(
        lat=places["lat"], lon=places["lon"], text=labels, hovertext=places["name"], mode="markers+text",
        textposition="top center", customdata=places[["articles", "mentions"]],
        marker=dict(size=(10 + 40 * (size / size.max()) ** 0.5), color="#d9534f", opacity=0.75,
                    line=dict(width=1, color="white")),
        hovertemplate="<b>%{hovertext}</b><br>%{customdata[1]} mentions in %{customdata[0]} articles<extra></extra>"))
    geo.style(fig, places, focus=focus)
    fig.update_layout(height=520, margin=dict(l=0, r=0, t=0, b=0))
    return fig


@st.cache_resource(show_spinner=False)
def _taxonomy(sha: str | None):
    """The taxonomy with its word forms (reloaded when its file changes), or None when it cannot load."""
    try:
        return load_taxonomy()
    except (TaxonomyError, OSError):
        return None


def spellings(words: pd.DataFrame, entity_id: str, top: int = MAX_SPELLINGS) -> pd.DataFrame:
    """`words` (queries.wording rows) grouped by spelling: each surface under the taxonomy alias it is a
    word form of (Степанакерта -> Степанакерт; the matcher's forms), `forms` listing what was written;
    past the `top` most used spellings, the rest as "other". Columns: period, source, spelling,
    forms, mentions, articles (articles summed over forms)."""
    tax = _taxonomy(data.taxonomy_sha256())
    entity = tax.entities.get(entity_id) if tax is not None else None
    named = words["surface"].map(lambda s: ((spelling(entity, s) if entity else None) or s).rstrip("*"))
    out = words.assign(spelling=named)
    ranked = out.groupby("spelling")["mentions"].sum().sort_values(ascending=False)
    if len(ranked) > top:
        out["spelling"] = out["spelling"].where(out["spelling"].isin(ranked.index[:top - 1]), OTHER)
    forms = out.groupby("spelling")["surface"].agg(lambda v: ", ".join(sorted(set(v))))
    grouped = out.groupby(["period", "source", "spelling"], as_index=False, dropna=False)[["mentions", "articles"]].sum()
    return grouped.assign(forms=grouped["spelling"].map(forms))[
        ["period", "source", "spelling", "forms", "mentions", "articles"]]


def _wording(ctx: Context) -> None:
    st.subheader("Wording by source")
    opts = data.entity_options(ctx.filters)
    if opts.empty:
        return
    choices = list(opts.loc[opts["articles"] > 0, "entity_id"])
    if not choices:
        st.info("No entity is mentioned under these filters.")
        return
    url.seed("entity", url.first("entity"))
    if st.session_state["entity"] not in choices:
        st.session_state["entity"] = "stepanakert" if "stepanakert" in choices else choices[0]
    entity = st.selectbox("Entity", choices, key="entity", format_func=ctx.name, persist_state="session",
                          help="Which name each source uses for it, per month (e.g. Stepanakert / Khankendi).")
    url.publish("entity", entity)
    every = data.wording(ctx.filters, entity, "month", True)
    if every.empty:
        st.info("No mentions of this entity under these filters.")
        return
    outlet = data.outlet_names()
    grouped = spellings(every, entity)
    grouped["outlet"] = grouped["source"].map(lambda k: outlet.get(k) or k)
    dated = grouped[grouped["period"].notna()]
    undated = grouped[grouped["period"].isna()]
    note = (f"Undated (left out of the chart, counted in the table): **{int(undated['mentions'].sum()):,} "
            f"mentions** in {undated['outlet'].nunique():,} outlet(s)." if len(undated) else
            "Every mention of it under these filters is dated.")
    order = list(grouped.groupby("spelling")["mentions"].sum().sort_values(ascending=False).index)
    order = [s for s in order if s != OTHER] + ([OTHER] if OTHER in order else [])
    colours = {s: (OTHER_COLOUR if s == OTHER else SPELLING_COLOURS[i % len(SPELLING_COLOURS)])
               for i, s in enumerate(order)}
    if dated.empty:
        st.info("No dated mentions of this entity under these filters.")
    else:
        top_outlets = dated.groupby("outlet")["mentions"].sum().nlargest(8).index
        shown = dated[dated["outlet"].isin(top_outlets)]
        fig = px.bar(shown, x="period", y="mentions", color="spelling", facet_row="outlet",
                     category_orders={"spelling": order, "outlet": list(top_outlets)},
                     color_discrete_map=colours, custom_data=["forms", "outlet"],
                     labels={"period": "Month", "mentions": "Mentions", "spelling": "Written as"})
        fig.update_traces(width=MONTH_BAR_MS, hovertemplate="<b>%{fullData.name}</b> · %{customdata[1]}<br>"
                          "%{x|%b %Y}: %{y} mentions<br>forms: %{customdata[0]}<extra></extra>")
        fig.for_each_annotation(lambda a: a.update(text=a.text.split("=", 1)[-1], textangle=0, x=0.0,
                                                   xanchor="left", yanchor="bottom", font=dict(size=12)))
        fig.update_yaxes(title=None)
        fig.update_layout(height=120 + 130 * len(top_outlets), margin=dict(l=10, r=10, t=30, b=10),
                          legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0, title=None))
        left, right = st.columns([4, 1])
        with left:
            st.plotly_chart(fig, key="wording_chart")
        with right:
            st.markdown(note)
            st.caption(f"Case forms count under the spelling the taxonomy names (hover for the forms); "
                       f"past {MAX_SPELLINGS - 1} spellings the rest are “{OTHER}”.")
        common.download(shown, f"wording_{entity}", "Chart data", f=ctx.filters, total=len(grouped),
                        rows=lambda con, g=grouped: (list(g.columns), [g]))
    if dated.empty:
        st.markdown(note)
    summary = (grouped.assign(undated=grouped["mentions"].where(grouped["period"].isna(), 0))
               .groupby(["outlet", "source", "spelling", "forms"], as_index=False)[["mentions", "undated", "articles"]]
               .sum().sort_values(["outlet", "mentions"], ascending=[True, False]))
    common.show_table(summary, f"wording_{entity}_by_source", column_config={
        "outlet": "Outlet", "source": None, "spelling": "Written as", "forms": "Forms",
        "mentions": "Mentions", "undated": "of them undated", "articles": "Articles"})


def _overview(ctx: Context) -> None:
    _top_lists(ctx)
    _heatmap(ctx)


SECTIONS = {"Most mentioned": _overview, "Mentioned together": _co_mentions, "Places": _map,
            "Wording by source": _wording}


def render(ctx: Context) -> None:
    tabs = st.tabs(list(SECTIONS), key="view", bind="query-params", on_change="rerun")
    for tab, section in zip(tabs, SECTIONS.values()):
        if tab.open:
            with tab:
                section(ctx)
    if ctx.filters.entity_ids():
        st.caption("Lists and charts here are limited to articles mentioning the chosen entities.")

"""Actors & themes page: top entities (select a row to filter by it), actor × theme heatmap,
co-mention pairs, an offline map of places, and the wording each source uses for one entity."""
from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from views import common, data, geo, url
from views.common import Context

URL_KEYS = ("entity",)  # this page's own key in the URL (views/url.py): the wording chart's entity
KINDS = (("actor", "Actors"), ("place", "Places"), ("theme", "Themes"))
MONTH_BAR_MS = 25 * 24 * 3600 * 1000  # bar width on a monthly date axis (plotly guesses badly with few bars)


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
    for (kind, label), col in zip(KINDS, cols):
        with col:
            st.markdown(f"**{label}**")
            top = data.top_entities(ctx.filters, kind, 15)
            if top.empty:
                st.info(f"No {label.lower()} for these filters.")
                continue
            st.session_state[f"_top_ids_{kind}"] = list(top["entity_id"])
            st.dataframe(top, hide_index=True, key=f"top_{kind}", on_select=lambda k=kind: _on_pick(
                k, f"top_{k}", f"_top_ids_{k}"), selection_mode="single-row", height=38 + 35 * min(len(top), 10),
                column_order=["name", "articles"],
                column_config={"name": st.column_config.TextColumn(label[:-1], width="medium"),
                               "articles": st.column_config.NumberColumn("Articles", format="%d", width="small")})
            common.download(top, f"top_{kind}s")


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
    common.download(cells, "actor_theme_heatmap")


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
    common.download(pairs, "co_mentions")


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
    common.download(places, "places")


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
    words = data.wording(ctx.filters, entity, "month")
    if words.empty:
        st.info("No dated mentions of this entity under these filters.")
        return
    top_sources = words.groupby("source")["mentions"].sum().nlargest(8).index
    shown = words[words["source"].isin(top_sources)]
    st.plotly_chart(_wording_figure(shown, len(top_sources)), key="wording_chart")
    common.download(shown, f"wording_{entity}", "Download chart data (CSV)")
    summary = (words.groupby(["source", "surface"], as_index=False)[["mentions", "articles"]].sum()
               .sort_values(["source", "mentions"], ascending=[True, False]))
    common.show_table(summary, f"wording_{entity}_by_source", column_config={
        "source": "Source", "surface": "Written as", "mentions": "Mentions", "articles": "Articles"})


@common.cached_figure
def _wording_figure(shown: pd.DataFrame, n_sources: int) -> go.Figure:
    fig = px.bar(shown, x="period", y="mentions", color="surface", facet_row="source",
                 color_discrete_sequence=px.colors.qualitative.Bold,
                 labels={"period": "Month", "mentions": "Mentions", "surface": "Written as"})
    fig.for_each_annotation(lambda a: a.update(text=a.text.split("=", 1)[-1], textangle=0, x=0.0,
                                               xanchor="left", yanchor="bottom", font=dict(size=12)))
    fig.update_yaxes(title=None)
    fig.update_traces(width=MONTH_BAR_MS)
    fig.update_layout(height=120 + 130 * n_sources, margin=dict(l=10, r=10, t=30, b=10),
                      legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0))
    return fig


def render(ctx: Context) -> None:
    _top_lists(ctx)
    _heatmap(ctx)
    left, right = st.columns([1, 1])
    with left:
        _co_mentions(ctx)
    with right:
        _map(ctx)
    _wording(ctx)
    if ctx.filters.entity_ids():
        st.caption("Lists above are limited to articles mentioning the chosen entities.")

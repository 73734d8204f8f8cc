"""Trends page: distinct articles (or share, or raw mentions) per period for the chosen entities,
with drill-down from a selected point or range to the sentences behind it."""
from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import plotly.express as px
import streamlit as st

from pipeline.export import MENTION_COLUMNS, mentions_batches, sentences_table
from pipeline.query import queries
from views import common, data, url
from views.common import Context

URL_KEYS = ("gran", "measure", "chart")  # this page's own keys in the URL (written through views/url.py)
MEASURES = {"articles": "Articles", "share": "Share", "mentions": "Mentions"}
Y_TITLES = {"articles": "Articles mentioning (distinct)", "share": "Share of all dated articles",
            "mentions": "Mentions (raw count)"}
PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2",
           "#7f7f7f", "#bcbd22"]
GRAN_LABELS = {"day": "Day", "week": "Week (Mon)", "month": "Month"}
CHARTS = {"line": "Line", "bar": "Bar"}


def _controls() -> tuple[str, str, str]:
    c1, c2, c3 = st.columns([2, 3, 2])
    with c1:
        gran = url.choice("Granularity", "gran", GRAN_LABELS, "week")
    with c2:
        measure = url.choice("Measure", "measure", MEASURES, "articles")
    with c3:
        chart = url.choice("Chart", "chart", CHARTS, "line")
    return gran, measure, chart


def _figure(df: pd.DataFrame, measure: str, chart: str, gran: str):
    y_title = Y_TITLES[measure]
    plot = df.assign(y=df[measure] if measure != "share" else df["share"].astype(float))
    kwargs = dict(x="period", y="y", color="name", labels={"period": GRAN_LABELS[gran], "y": y_title,
                                                             "name": "Entity"},
                  custom_data=["entity_id", "total_articles"], color_discrete_sequence=PALETTE)
    if chart == "bar":
        fig = px.bar(plot, barmode="group", **kwargs)
    else:
        fig = px.line(plot, markers=True, **kwargs)
    fig.update_layout(height=440, margin=dict(l=10, r=10, t=30, b=10), hovermode="closest",
                      legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0, title=None))
    if chart == "line":
        fig.update_traces(unselected=dict(marker=dict(opacity=0.45)), selected=dict(marker=dict(size=11)))
    if measure == "share":
        fig.update_yaxes(tickformat=".0%")
    else:
        fig.update_yaxes(**common.count_ticks(plot["y"].max()))
    if gran == "week" and df["period"].nunique() <= 26:  # ticks on the Mondays the weeks start on
        fig.update_xaxes(tick0=df["period"].min(), dtick=7 * 86_400_000, tickformat="%d %b %Y")
    return fig


def _selected_range(event, gran: str) -> tuple[dt.date, dt.date, list[str]] | None:
    """(start, end exclusive, entity ids) of the points selected on the chart, if any."""
    points = getattr(getattr(event, "selection", None), "points", None) or []
    if not points:
        return None
    days = [pd.Timestamp(p["x"]).date() for p in points if p.get("x") is not None]
    ids = []
    for p in points:
        data = p.get("customdata") or []
        if data and data[0] not in ids:
            ids.append(data[0])
    if not days:
        return None
    return min(days), queries.period_end(max(days), gran), ids


def _pick_period(df: pd.DataFrame, gran: str) -> tuple[dt.date, dt.date] | None:
    periods = sorted({pd.Timestamp(p).date() for p in df.loc[df["articles"] > 0, "period"]}, reverse=True)
    if not periods:
        return None
    choice = st.selectbox("…or pick a period", [None, *periods], key="trend_period",
                          format_func=lambda d: "—" if d is None else d.isoformat())
    return (choice, queries.period_end(choice, gran)) if choice else None


def _sentences(ctx: Context, start: dt.date, end: dt.date, ids: list[str]) -> None:
    rows = data.sentences_behind(ctx.filters, ids, start, end, 200)
    last = end - dt.timedelta(days=1)
    who = ", ".join(ctx.name(i) for i in ids) or "any entity"
    st.subheader(f"Sentences behind {start.isoformat()} – {last.isoformat()} · {who}")
    if rows.empty:
        st.info("No sentences for this selection.")
        return
    total = data.sentences_count(ctx.filters, ids, start, end) or len(rows)
    st.caption(f"{total:,} sentence{'' if total == 1 else 's'} match · showing {len(rows):,} (newest first).")
    items = []
    for r in rows.itertuples():
        marked = common.highlight(r.sentence or "", list(r.hl_starts), list(r.hl_ends))
        date = pd.Timestamp(r.published).date().isoformat() if pd.notna(r.published) else "undated"
        link = common.link(r.url, r.title or r.url or r.article_id)
        items.append(f'<div class="dst-sentence"><div class="dst-meta">{date} · {common.esc(r.source)} · '
                     f'{link}</div><div>{marked}</div></div>')
    st.html(common.SENTENCE_CSS + "".join(items))
    period = dataclasses.replace(ctx.filters, start=start, end=last)  # the file is named after the period read
    common.download(sentences_table(rows), "sentences", "Sentences CSV", f=period, total=total,
                    rows=lambda con, f=ctx.filters: (MENTION_COLUMNS, mentions_batches(con, f, ids, start, end)))


def render(ctx: Context) -> None:
    f = ctx.filters
    gran, measure, chart = _controls()
    ids = f.entity_ids()
    if not ids:
        st.info("Choose actors, places or themes in the sidebar to draw one line per entity. "
                "Below: all dated articles under the current filters.")
        totals = data.period_totals(f, gran)
        if totals.empty or totals["total_articles"].sum() == 0:
            st.info("No dated articles for these filters.")
        else:
            fig = px.bar(totals, x="period", y="total_articles",
                         labels={"period": GRAN_LABELS[gran], "total_articles": "Dated articles"})
            fig.update_layout(height=380, margin=dict(l=10, r=10, t=30, b=10))
            st.plotly_chart(fig, key="totals_chart")
            common.download(totals, "article_totals", "Chart data", f=f)
        _undated(ctx, ids)
        return
    df = data.trend(f, ids, gran)
    if df.empty or df["articles"].sum() == 0:
        st.info("No dated articles mention the chosen entities under these filters.")
        _undated(ctx, ids)
        return
    event = st.plotly_chart(_figure(df, measure, chart, gran), key="trend_chart", on_select="rerun",
                            selection_mode=("points", "box"))
    st.caption("Click a point, or pick the box-select tool in the chart's toolbar and drag over a range, "
               "to read the sentences behind it. "
               "Share = articles mentioning the entity ÷ all dated articles of the period "
               "(same source and language filters). Weeks start on Monday.")
    c1, c2 = st.columns(2)
    with c1:
        common.download(df, "trend", "Chart data", f=f)
    with c2:
        daily = data.combined_daily(f, ids)
        common.download(daily, "trends_daily", "Combined per-day CSV", f=f)
    _undated(ctx, ids)
    picked = _selected_range(event, gran)
    if picked:
        _sentences(ctx, picked[0], picked[1], picked[2] or ids)
    else:
        period = _pick_period(df, gran)
        if period:
            _sentences(ctx, period[0], period[1], ids)


def _undated(ctx: Context, ids: list[str]) -> None:
    und = data.undated_counts(ctx.filters, ids)
    if und.empty:
        return
    total = int(und["articles"].iloc[0])
    parts = [f"{r.name}: {int(r.articles):,}" for r in und.iloc[1:].itertuples()]
    text = f"Undated articles (left out of the chart): **{total:,}**"
    if parts:
        text += " — " + ", ".join(parts)
    st.markdown(text)

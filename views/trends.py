"""Trends page: distinct articles (or share, or raw mentions) per period for the chosen entities,
with drill-down from a selected point or range to the sentences behind it."""
from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from pipeline.export import MENTION_COLUMNS, mentions_batches, sentences_table
from pipeline.query import queries
from views import common, data, url
from views.common import Context

# This page's own keys in the URL (written through views/url.py): the chart's settings and the period
# drilled into ("2024-05-20", a period's first day, or "2024-04-29..2024-05-12", a range selected on
# the chart) with the entities selected on the chart when they are not all the chosen ones.
URL_KEYS = ("gran", "measure", "chart", "period", "period_entity")
MEASURES = {"articles": "Articles", "share": "Share", "mentions": "Mentions"}
Y_TITLES = {"articles": "Articles mentioning (distinct)", "share": "Share of all dated articles",
            "mentions": "Mentions (raw count)"}
PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2",
           "#7f7f7f", "#bcbd22"]
GRAN_LABELS = {"day": "Day", "week": "Week (Mon)", "month": "Month"}
CHARTS = {"line": "Line", "bar": "Bar"}


UNIT = {"day": "Day", "week": "Week of", "month": "Month"}
NO_ENTITY_NOTE = ("Measure and chart type apply to entity lines: choose an actor, place or theme in the "
                  "sidebar. Without one the chart counts all dated articles.")


def _controls(lines: bool) -> tuple[str, str, str]:
    """Granularity, measure and chart type; the last two are disabled (with a note) without entity lines."""
    c1, c2, c3 = st.columns([2, 3, 2])
    with c1:
        gran = url.choice("Granularity", "gran", GRAN_LABELS, "week")
    with c2:
        measure = url.choice("Measure", "measure", MEASURES, "articles", disabled=not lines)
    with c3:
        chart = url.choice("Chart", "chart", CHARTS, "line", disabled=not lines)
    if not lines:
        st.caption(NO_ENTITY_NOTE)
    return gran, measure, chart


@common.cached_figure
def _totals_figure(totals: pd.DataFrame, gran: str) -> go.Figure:
    fig = px.bar(totals, x="period", y="total_articles",
                 labels={"period": GRAN_LABELS[gran], "total_articles": "Dated articles"})
    fig.update_traces(hovertemplate=f"{_period_label(gran)}<br>%{{y:,}} dated articles<extra></extra>")
    fig.update_layout(height=380, margin=dict(l=10, r=10, t=30, b=10))
    fig.update_yaxes(**common.count_ticks(totals["total_articles"].max()))  # no "1.5 articles"
    return fig


def _period_label(gran: str) -> str:
    """The tooltip's period: "Week of 20 May 2024", "May 2024", "Mon 20 May 2024"."""
    return {"day": "%{x|%a %d %b %Y}", "week": "Week of %{x|%d %b %Y}", "month": "%{x|%B %Y}"}[gran]


def partial_note(f_start: dt.date | None, f_end: dt.date | None, periods: pd.Series, gran: str) -> str:
    """Which first/last period the date filter cuts ("partial week: …"), or "" when none is cut."""
    if gran == "day" or periods.empty:
        return ""
    first, last = pd.Timestamp(periods.min()).date(), pd.Timestamp(periods.max()).date()
    unit = "week" if gran == "week" else "month"
    parts = []
    if f_start and first < f_start < queries.period_end(first, gran):
        parts.append(f"the first {unit} ({first.isoformat()}) counts only from {f_start.isoformat()}")
    if f_end and last <= f_end < queries.period_end(last, gran) - dt.timedelta(days=1):
        parts.append(f"the last {unit} ({last.isoformat()}) counts only up to {f_end.isoformat()}")
    return ("Partial periods: " + "; ".join(parts) + ".") if parts else ""


@common.cached_figure
def _figure(df: pd.DataFrame, measure: str, chart: str, gran: str) -> go.Figure:
    y_title = Y_TITLES[measure]
    # A share of a period without any dated article is unknown, not 0 %: a gap in the line.
    share = df["share"].astype(float).where(df["total_articles"] > 0)
    plot = df.assign(y=df[measure] if measure != "share" else share)
    kwargs = dict(x="period", y="y", color="name", labels={"period": GRAN_LABELS[gran], "y": y_title,
                                                             "name": "Entity"},
                  custom_data=["entity_id", "total_articles", "articles", "mentions"],
                  color_discrete_sequence=PALETTE)
    if chart == "bar":
        fig = px.bar(plot, barmode="group", **kwargs)
    else:
        fig = px.line(plot, markers=True, **kwargs)
    value = {"articles": "%{y:,} articles mentioning", "mentions": "%{y:,} mentions in %{customdata[2]:,} articles",
             "share": "%{y:.1%} of dated articles (%{customdata[2]:,} of %{customdata[1]:,})"}[measure]
    fig.update_traces(hovertemplate=f"<b>%{{fullData.name}}</b><br>{_period_label(gran)}<br>{value}<extra></extra>")
    # The legend at the foot of the chart, under the date ticks (the margin grows to hold it): above
    # the plot it would run under the toolbar on a narrow screen. The dates need no axis title.
    fig.update_layout(height=480, margin=dict(l=10, r=10, t=30, b=10), hovermode="closest",
                      legend=dict(orientation="h", yref="container", yanchor="bottom", y=0, x=0, title=None))
    fig.update_xaxes(title=None)
    if chart == "line":
        fig.update_traces(connectgaps=False, unselected=dict(marker=dict(opacity=0.45)),
                          selected=dict(marker=dict(size=11)))
    if measure == "share":
        fig.update_yaxes(tickformat=".0%")
    else:
        fig.update_yaxes(**common.count_ticks(plot["y"].max()))
    if gran == "week" and df["period"].nunique() <= 26:  # ticks on the Mondays the weeks start on
        fig.update_xaxes(tick0=df["period"].min(), dtick=7 * 86_400_000, tickformat="%d %b %Y")
    return fig


def _selected_range(event, gran: str) -> tuple[dt.date, dt.date, list[str]] | None:
    """(first day, last day, entity ids) of the points selected on the chart, if any."""
    points = getattr(getattr(event, "selection", None), "points", None) or []
    days = [pd.Timestamp(p["x"]).date() for p in points if p.get("x") is not None]
    if not days:
        return None
    ids = list(dict.fromkeys((p.get("customdata") or [None])[0] for p in points))
    last = queries.period_end(max(days), gran) - dt.timedelta(days=1)
    return min(days), last, [i for i in ids if i]


def period_key(first: dt.date, last: dt.date, gran: str) -> str:
    """The URL's `period`: a period's first day when [first, last] is exactly one period, else the range."""
    if queries.period_end(first, gran) - dt.timedelta(days=1) == last:
        return first.isoformat()
    return f"{first.isoformat()}..{last.isoformat()}"


def parse_period(text: str, gran: str) -> tuple[dt.date, dt.date]:
    """(first, last day) of a `period` value; ValueError when it is not one."""
    first, sep, last = text.partition("..")
    start = dt.date.fromisoformat(first)
    end = dt.date.fromisoformat(last) if sep else queries.period_end(start, gran) - dt.timedelta(days=1)
    if end < start:
        raise ValueError(text)
    return start, end


def _span(first: dt.date, last: dt.date) -> str:
    """A range as the period picker holds it ("2024-05-20..2024-05-26")."""
    return f"{first.isoformat()}..{last.isoformat()}"


def _period_text(value: str | None, gran: str) -> str:
    """A picker option as shown: a period by its first day, another range as "first – last"."""
    if value is None:
        return "—"
    start, end = parse_period(value, gran)
    return period_key(start, end, gran).replace("..", " – ")


def _drill(df: pd.DataFrame, event, gran: str, ids: list[str]) -> tuple[dt.date, dt.date, list[str]] | None:
    """The period whose sentences are listed: a new selection on the chart, else the period picked
    below it (or given by the link); kept in the URL as `period` (+ `period_entity`)."""
    if "trend_period" not in st.session_state:  # the link's period, on the page's first run
        wanted = url.first("period")
        try:
            st.session_state["trend_period"] = _span(*parse_period(wanted, gran)) if wanted else None
        except ValueError:
            url.dropped("period", wanted or "")
            st.session_state["trend_period"] = None
        linked = url.values("period_entity")
        for value in linked:
            if value not in ids:
                url.dropped("period_entity", value)
        st.session_state["_period_entity"] = [i for i in linked if i in ids]
    picked = _selected_range(event, gran)
    seen = (picked[0], picked[1], tuple(picked[2])) if picked else None
    if seen != st.session_state.get("_chart_pick"):  # a new selection on the chart wins
        st.session_state["_chart_pick"] = seen
        if picked:
            st.session_state["trend_period"] = _span(picked[0], picked[1])
            st.session_state["_period_entity"] = picked[2] if set(picked[2]) != set(ids) else []
    firsts = sorted({pd.Timestamp(p).date() for p in df.loc[df["articles"] > 0, "period"]}, reverse=True)
    periods = [_span(p, queries.period_end(p, gran) - dt.timedelta(days=1)) for p in firsts]
    current = st.session_state.get("trend_period")
    options = [None, *periods] + ([current] if current and current not in periods else [])
    value = st.selectbox("…or pick a period", options, key="trend_period",
                         format_func=lambda v: _period_text(v, gran),
                         on_change=lambda: st.session_state.__setitem__("_period_entity", []))
    chosen = [i for i in st.session_state.get("_period_entity", []) if i in ids]
    if not value:
        url.publish("period", None)
        url.publish("period_entity", None)
        return None
    start, end = parse_period(value, gran)
    url.publish("period", period_key(start, end, gran))
    url.publish("period_entity", chosen)
    return start, end, chosen or ids


def _sentences(ctx: Context, start: dt.date, last: dt.date, ids: list[str]) -> None:
    end = last + dt.timedelta(days=1)
    rows = data.sentences_behind(ctx.filters, ids, start, end, 200)
    who = ", ".join(ctx.name(i) for i in ids) or "any entity"
    st.subheader(f"Sentences behind {start.isoformat()} – {last.isoformat()} · {who}")
    if rows.empty:
        st.info("No sentences for this selection.")
        return
    total = data.sentences_count(ctx.filters, ids, start, end) or len(rows)
    st.caption(f"{total:,} sentence{'' if total == 1 else 's'} match · showing {len(rows):,} (newest first).")
    items = []
    outlets = data.outlet_names()
    reads = common.reader_urls(list(rows["article_id"]))
    for r, read in zip(rows.itertuples(), reads):
        marked = common.highlight(r.sentence or "", list(r.hl_starts), list(r.hl_ends))
        date = pd.Timestamp(r.published).date().isoformat() if pd.notna(r.published) else "undated"
        link = common.link(r.url, r.title or r.url or r.article_id)
        items.append(f'<div class="dst-sentence"><div class="dst-meta">{date} · {common.esc(outlets.get(r.source, r.source))}'
                     f' · {link} · {common.reader_link(read)}</div><div>{marked}</div></div>')
    st.html(common.SENTENCE_CSS + "".join(items))
    period = dataclasses.replace(ctx.filters, start=start, end=last)  # the file is named after the period read
    common.download(sentences_table(rows), "sentences", "Sentences CSV", f=period, total=total,
                    rows=lambda con, f=ctx.filters: (MENTION_COLUMNS, mentions_batches(con, f, ids, start, end)))


def render(ctx: Context) -> None:
    f = ctx.filters
    ids = f.entity_ids()
    gran, measure, chart = _controls(bool(ids))
    if not ids:
        st.info("Choose actors, places or themes in the sidebar to draw one line per entity. "
                "Below: all dated articles under the current filters.")
        totals = data.period_totals(f, gran)
        if totals.empty or totals["total_articles"].sum() == 0:
            st.info("No dated articles for these filters.")
        else:
            st.plotly_chart(_totals_figure(totals, gran), key="totals_chart")
            _partial(f, totals["period"], gran)
            common.download(totals, "article_totals", "Chart data", f=f)
        _undated(ctx, ids)
        for key in ("period", "period_entity"):  # no lines, nothing to drill into
            url.publish(key, None)
        return
    df = data.trend(f, ids, gran)
    if df.empty or df["articles"].sum() == 0:
        st.info("No dated articles mention the chosen entities under these filters.")
        _undated(ctx, ids)
        for key in ("period", "period_entity"):
            url.publish(key, None)
        return
    event = st.plotly_chart(_figure(df, measure, chart, gran), key="trend_chart", on_select="rerun",
                            selection_mode=("points", "box"))
    st.caption("Click a point, or pick the box-select tool in the chart's toolbar and drag over a range, "
               "to read the sentences behind it. "
               "Share = articles mentioning the entity ÷ all dated articles of the period "
               "(same source and language filters); a gap is a period without any dated article. "
               "Weeks start on Monday.")
    _partial(f, df["period"], gran)
    c1, c2 = st.columns(2)
    with c1:
        common.download(df, "trend", "Chart data", f=f)
    with c2:
        daily = data.combined_daily(f, ids)
        common.download(daily, "trends_daily", "Combined per-day CSV", f=f)
    _undated(ctx, ids)
    drill = _drill(df, event, gran, ids)
    if drill:
        _sentences(ctx, *drill)


def _partial(f, periods: pd.Series, gran: str) -> None:
    note = partial_note(f.start, f.end, periods, gran)
    if note:
        st.caption(note)


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

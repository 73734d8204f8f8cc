"""Statements page: who said what (one row per statement, with how many outlets reported it) and
statements per speaker state and type over time, under the sidebar's "said by" × "about" filters."""
from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from pipeline.export import STATEMENT_COLUMNS, statements_batches, statements_table
from pipeline.query.filters import Filters
from views import common, data
from views.common import Context

URL_KEYS: tuple[str, ...] = ()  # no keys of its own beyond the sidebar's filters
MAX_STATES = 6
SHOWN_ROWS = 200  # statements in the table (newest first); the "all N matching rows" download has every one
# The table's columns in the order shown (the CSV keeps pipeline.export's order).
LIST_COLUMNS = ("sources", "about", "urls", "read", "link")  # shown as they are, not blanked
SHOWN = ["said_on", "speaker", "state", "statement_type", "about", "reports", "quote", "read", "sources", "link",
         "speaker_role", "kind", "genre", "urls"]


def in_force(f: Filters) -> str:
    """The statements-only filters set, in words ("Said by state: United States · About: Lachin
    corridor"); empty when none is."""
    options = data.statement_options()
    labels = dict(zip(zip(options["facet"], options["value"]), options["label"])) if not options.empty else {}
    speakers = data.speaker_options()
    names = dict(zip(speakers["key"], speakers["label"])) if not speakers.empty else {}
    parts = []
    for title, facet, values in (("Said by", None, f.speakers), ("Said by state", "by_state", f.by_states),
                                 ("Type of speaker", "speaker_type", f.speaker_types), ("Said in", "genre", f.genres),
                                 ("About", "about", f.about), ("Type", None, f.types)):
        if values:
            shown = [names.get(v, v) if title == "Said by" else labels.get((facet, v), v) for v in values]
            parts.append(f"{title}: " + " or ".join(shown))
    return " · ".join(parts)


def _table(ctx: Context) -> None:
    rows = data.statements(ctx.filters, SHOWN_ROWS)
    said = in_force(ctx.filters)
    if said:  # speaker names come from article text: escaped HTML, never Markdown
        st.html(f'<div style="margin:.2rem 0 .4rem"><b>{common.esc(said)}</b></div>')
    if rows.empty:
        st.info("No statements for these filters.")
        return
    total = data.statements_count(ctx.filters) or len(rows)
    st.caption(f"{total:,} statements match · showing {len(rows):,} (newest first), each dated by its earliest report. "
               "“Reports” counts the articles under these filters that carry the same statement by the same "
               "speaker; “About” lists the entities named in the statement or its sentence.")
    shown = statements_table(rows)
    common.table(display(shown), keep=LIST_COLUMNS, hide_index=True, height="auto" if len(shown) <= 12 else 460,
                 column_order=SHOWN,
                 column_config={
                     "said_on": st.column_config.DateColumn("Said on", format="YYYY-MM-DD"),
                     "speaker": st.column_config.TextColumn("Speaker", width="medium"), "speaker_role": "Role",
                     "state": "State", "statement_type": "Type", "kind": "Quote kind", "genre": "Said in",
                     "about": st.column_config.ListColumn("About"),
                     "quote": st.column_config.TextColumn("Quote", width="large"),
                     "reports": st.column_config.NumberColumn("Reports", format="%d"),
                     "sources": st.column_config.ListColumn("Outlets"),
                     "read": st.column_config.LinkColumn("Reader", display_text="read here",
                                                         help="The first report in this dashboard's reader, "
                                                              "with the statement shaded"),
                     "link": st.column_config.LinkColumn("First report"),
                     "urls": st.column_config.ListColumn("All reports")})
    common.download(shown, "statements", "Statements CSV", f=ctx.filters, total=total,
                    rows=lambda con, f=ctx.filters: (STATEMENT_COLUMNS, statements_batches(con, f)))


def display(table: pd.DataFrame) -> pd.DataFrame:
    """The statements table as shown: outlets by name and a link to the first report in the in-app
    reader (common.table blanks missing values)."""
    names = data.outlet_names()
    return table.assign(
        sources=table["sources"].map(lambda ids: [names.get(i, i) for i in ids] if ids is not None else []),
        read=common.reader_urls(list(table["article_id"])))


def _grid(ctx: Context) -> None:
    st.subheader("Statements per speaker state and type")
    grid = data.statements_by_state_type(ctx.filters, "month")
    if grid.empty:
        st.info("No dated statements for these filters.")
        return
    top = grid.groupby("state")["statements"].sum().nlargest(MAX_STATES).index
    shown = grid[grid["state"].isin(top)]
    st.plotly_chart(_grid_figure(shown, list(top)), key="statements_chart")
    st.caption(f"Top {len(top)} speaker states by statements; a statement reported by several outlets counts once.")
    common.download(shown, "statements_by_state_type", "Chart data", f=ctx.filters, total=len(grid),
                    rows=lambda con, g=grid: (list(g.columns), [g]))


def every_month(grid: pd.DataFrame, states: list[str]) -> pd.DataFrame:
    """`grid` (period, state, statement_type, statements) with a row for every month from the first to
    the month after the last, for every state in `states` and every type, 0 where none was said: drawn
    as steps, each month is a block as wide as the month (the last one too) and a silent month is 0."""
    first, last = pd.Timestamp(grid["period"].min()), pd.Timestamp(grid["period"].max())
    periods = pd.date_range(first, last + pd.offsets.MonthBegin(1), freq="MS")
    index = pd.MultiIndex.from_product([states, sorted(grid["statement_type"].unique()), periods],
                                       names=["state", "statement_type", "period"])
    counts = (grid.assign(period=pd.to_datetime(grid["period"]))
              .groupby(["state", "statement_type", "period"])["statements"].sum())
    return counts.reindex(index, fill_value=0).reset_index()


@common.cached_figure
def _grid_figure(shown: pd.DataFrame, top: list[str]) -> go.Figure:
    height = 140 + 140 * len(top)
    # Stacked steps, one path per state and type: as readable as stacked bars, but thousands of bars
    # (one SVG element each) took the browser seconds to draw at 100 k articles.
    fig = px.area(every_month(shown, top), x="period", y="statements", color="statement_type", facet_row="state",
                  line_shape="hv", color_discrete_sequence=px.colors.qualitative.Bold,
                  category_orders={"state": list(top)}, facet_row_spacing=min(0.2, 30 / height),
                  labels={"period": "Month (date said)", "statements": "Statements", "statement_type": "Type"})
    # Each state's name above its own panel, in the gap between panels (not over the areas).
    tops = {round(sum(ax.domain) / 2, 6): ax.domain[1] for ax in fig.select_yaxes()}
    fig.for_each_annotation(lambda a: a.update(text=a.text.split("=", 1)[-1], textangle=0, x=0.0,
                                               y=tops.get(round(a.y, 6), a.y), xanchor="left",
                                               yanchor="bottom", font=dict(size=12)))
    stack = shown.groupby(["state", "period"])["statements"].sum().max()  # the tallest month of a panel
    fig.update_yaxes(title=None, rangemode="tozero", **common.count_ticks(stack))
    fig.update_traces(line=dict(width=0.5), hovertemplate="<b>%{fullData.name}</b><br>%{x|%B %Y}<br>"
                                                      "%{y:,} statements<extra></extra>")
    if shown["period"].nunique() <= 18:  # few months: one tick per month, not plotly's weekly ticks
        fig.update_xaxes(dtick="M1", tickformat="%b %Y")
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=64, b=10),  # legend above the first label
                      legend=dict(orientation="h", yanchor="bottom", y=1 + 24 / (height - 110), x=0, title=None))
    return fig


def render(ctx: Context) -> None:
    _table(ctx)
    _grid(ctx)

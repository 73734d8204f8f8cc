"""Changes page: what changed in a window of days — surges of an entity's daily articles against
its own 28-day baseline, entities and speakers appearing for the first time, shifts in a state's
statement types — each row linking to the dashboard view and the articles or statements behind it.
The statistics are pipeline.query.changes's (README "What changed")."""
from __future__ import annotations

import dataclasses
import datetime as dt
from urllib.parse import urlsplit

import pandas as pd
import streamlit as st

from pipeline.query import changes
from views import common, data, url
from views.common import Context

URL_KEYS = ("since", "until", "p", "min", "shift_p")  # this page's own keys in the URL
SURGE_P = {"0.01": "0.01", "0.001": "0.001", "0.0001": "0.0001", "0.00001": "0.00001"}
MIN_ARTICLES = {"1": "1", "2": "2", "3": "3", "5": "5", "10": "10", "20": "20"}
SHIFT_P = {"0.05": "0.05", "0.01": "0.01", "0.001": "0.001"}
DEFAULTS = changes.Settings()

# Per kind: section title, what the generic columns mean there (None: hidden), the links' texts.
SECTIONS = {
    "surge": ("Surges", {"day": "Day", "subject": "Entity", "count": "Articles", "expected": "Expected",
                         "p_value": "p"}, ("Trend", "Articles")),
    "first_entity": ("First appearances", {"day": "First seen", "subject": "Entity", "count": "Articles in window"},
                     ("First article", "Articles")),
    "first_speaker": ("New speakers", {"day": "First said", "subject": "Speaker", "count": "Statements in window"},
                      ("First statement", "Statements")),
    "type_shift": ("Shifts in statement types", {"subject": "State", "count": "Statements", "expected": "Before",
                                                 "p_value": "p"}, ("Statements", "Moved types")),
}


def _date(key: str) -> dt.date | None:
    """A date input whose value lives in the URL under `key` (YYYY-MM-DD; others dropped)."""
    raw = url.first(key)
    try:
        value = dt.date.fromisoformat(raw) if raw else None
    except ValueError:
        value = None
    url.seed(key, value)
    chosen = st.date_input(key.capitalize(), key=key, min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31),
                           format="YYYY-MM-DD", persist_state="session",
                           help="Empty: the last 7 days of data." if key == "since" else
                                "Empty: the last publication date up to today.")
    url.publish(key, chosen.isoformat() if chosen else None)
    return chosen


def _controls() -> tuple[dt.date | None, changes.Settings]:
    c1, c2, c3, c4, c5 = st.columns([2, 2, 3, 3, 2])
    with c1:
        since = _date("since")
    with c2:
        until = _date("until")
    with c3:
        p = url.choice("Surge: p ≤", "p", SURGE_P, str(DEFAULTS.surge_p))
    with c4:
        least = url.choice("Surge: at least (articles)", "min", MIN_ARTICLES, str(DEFAULTS.min_articles))
    with c5:
        shift_p = url.choice("Shift: p ≤", "shift_p", SHIFT_P, str(DEFAULTS.shift_p))
    settings = dataclasses.replace(DEFAULTS, until=until, surge_p=float(p), min_articles=int(least),
                                   shift_p=float(shift_p), dashboard_url=dashboard_url())
    return since, settings


def dashboard_url() -> str:
    """This dashboard's address as the browser sees it (links in the table and its CSV); "" when
    unknown (the links stay relative)."""
    parts = urlsplit(st.context.url or "")
    if not parts.scheme or not parts.netloc:
        return ""
    base = (st.get_option("server.baseUrlPath") or "").strip("/")
    return f"{parts.scheme}://{parts.netloc}" + (f"/{base}" if base else "")


def _section(kind: str, rows: pd.DataFrame) -> None:
    title, labels, (link_text, behind_text) = SECTIONS[kind]
    st.subheader(title)
    part = rows[rows["kind"] == kind].reset_index(drop=True)
    if part.empty:
        st.caption("None in this window.")
        return
    config: dict[str, object] = {col: None for col in changes.SIGNAL_COLUMNS}
    config.update({
        "day": st.column_config.DateColumn(labels["day"], format="YYYY-MM-DD") if "day" in labels else None,
        "subject": st.column_config.TextColumn(labels["subject"], width="medium"),
        "summary": st.column_config.TextColumn("What", width="large"),
        "count": st.column_config.NumberColumn(labels["count"], format="%d"),
        "link": st.column_config.LinkColumn(link_text, display_text=link_text, width="small"),
        "behind_link": st.column_config.LinkColumn(behind_text, display_text=behind_text, width="small")})
    if "expected" in labels:
        config["expected"] = st.column_config.NumberColumn(labels["expected"], format="%.3g")
    if "p_value" in labels:
        config["p_value"] = st.column_config.NumberColumn(labels["p_value"], format="%.2g")
    order = ["day", "subject", "count", "expected", "p_value", "link", "behind_link", "summary"]
    st.dataframe(part, hide_index=True, column_config=config, column_order=[c for c in order if config.get(c)],
                 height="auto" if len(part) <= 12 else 460, key=f"changes_{kind}")
    common.download(part, f"changes_{kind}", f"Download {title.lower()} (CSV)")


def render(ctx: Context) -> None:
    since, settings = _controls()
    f = dataclasses.replace(ctx.filters, start=None, end=None)
    if since and settings.until and since > settings.until:
        st.warning("“Since” is after “Until”: the window has no day.")
    rep = data.change_report(since, f, settings)
    if rep is None:
        st.info("The changes could not be read; see the message above.")
        return
    st.caption(changes.tested_line(rep, settings))
    if ctx.filters.start or ctx.filters.end:
        st.caption("The sidebar's date range does not apply here: the window above sets the days.")
    signals = rep.signals
    if signals.empty:
        st.info("No surge, first appearance or shift in this window under these filters.")
    else:
        counts = signals["kind"].value_counts()
        st.markdown(" · ".join(f"**{int(counts.get(kind, 0)):,}** {SECTIONS[kind][0].lower()}" for kind in SECTIONS))
        common.download(signals, "changes", "Download all signals (CSV)")
    for kind in SECTIONS:
        _section(kind, signals)

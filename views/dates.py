"""The sidebar's date filter: a preset (any time, the last 7/30/90 days, this year) or a custom range
typed as text.

The dates are plain text boxes (YYYY-MM-DD; also YYYY-MM or YYYY, taken as the period's first day in
“From” and its last in “To”), so a typed date applies on Enter, Tab or leaving the box, and reads in
full at any width. The URL keeps the preset under `dates` (7d, 30d, 90d, year: relative to today, so
a link keeps meaning "the last 30 days") or a custom range under `from`/`to`; a malformed date in a
link is dropped with a note (views/url.py).
"""
from __future__ import annotations

import calendar
import datetime as dt
import re

import streamlit as st

from views import url

PRESETS = {"any": "Any time", "7d": "Last 7 days", "30d": "Last 30 days", "90d": "Last 90 days",
           "year": "This year", "custom": "Custom range"}
DAYS = {"7d": 7, "30d": 30, "90d": 90}
LIMITS = (dt.date(1900, 1, 1), dt.date(2100, 12, 31))  # what the boxes accept
_TYPED = re.compile(r"(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?")


def today() -> dt.date:
    """Today's date (the presets count back from it)."""
    return dt.date.today()


def preset_range(preset: str, day: dt.date | None = None) -> tuple[dt.date | None, dt.date | None]:
    """(first, last day) of a preset, both included: the last N days end today; "year" is 1 January
    to today; "any" and "custom" are open."""
    day = day or today()
    if preset in DAYS:
        return day - dt.timedelta(days=DAYS[preset] - 1), day
    if preset == "year":
        return dt.date(day.year, 1, 1), day
    return None, None


def parse(text: str, end: bool = False) -> dt.date:
    """A typed date: YYYY-MM-DD, or YYYY-MM / YYYY as the first (`end`: last) day of that month/year.
    Raises ValueError with the reason."""
    m = _TYPED.fullmatch(text.strip())
    if not m:
        raise ValueError("not a date (YYYY-MM-DD)")
    year, month, day = int(m.group(1)), m.group(2), m.group(3)
    if month is None:
        value = dt.date(year, 12, 31) if end else dt.date(year, 1, 1)
    elif day is None:
        last = calendar.monthrange(year, int(month))[1] if 1 <= int(month) <= 12 else 0
        value = dt.date(year, int(month), last if end else 1)
    else:
        value = dt.date(year, int(month), int(day))
    if not LIMITS[0] <= value <= LIMITS[1]:
        raise ValueError(f"outside {LIMITS[0].year}–{LIMITS[1].year}")
    return value


def _typed(key: str) -> None:
    """A box changed: it is now a custom range (the other box keeps the dates the preset showed); a
    short form (2024-05) is written out in full."""
    st.session_state["dates"] = "custom"
    text = (st.session_state.get(key) or "").strip()
    try:
        st.session_state[key] = parse(text, end=key == "to").isoformat() if text else ""
    except ValueError:
        pass  # left as typed: the sidebar says why it is ignored


def _preset_changed() -> None:
    """A preset picked: the boxes show its days ("custom" keeps what they hold)."""
    preset = st.session_state["dates"]
    if preset == "custom":
        return
    start, end = preset_range(preset)
    st.session_state["from"] = start.isoformat() if start else ""
    st.session_state["to"] = end.isoformat() if end else ""


def _from_url(key: str) -> str:
    """The URL's date under `key` as text ("" when missing or malformed; a malformed one is noted)."""
    raw = url.first(key)
    if not raw:
        return ""
    try:
        return parse(raw, end=key == "to").isoformat()
    except ValueError:
        url.dropped(key, raw)
        return ""


def clear() -> None:
    """Back to any time (for "Clear filters")."""
    st.session_state["dates"] = "any"
    st.session_state["from"] = st.session_state["to"] = ""


def sidebar() -> tuple[dt.date | None, dt.date | None]:
    """The date filter in the sidebar; returns (first, last day), both included, None when open."""
    if "dates" not in st.session_state:
        preset = url.first("dates")
        if preset is not None and (preset not in PRESETS or preset == "custom"):
            url.dropped("dates", preset)
            preset = None
        typed = {key: _from_url(key) for key in ("from", "to")}
        if preset and preset != "any":
            st.session_state["from"], st.session_state["to"] = (
                d.isoformat() if d else "" for d in preset_range(preset))
        else:
            preset = "custom" if any(typed.values()) else "any"
            st.session_state["from"], st.session_state["to"] = typed["from"], typed["to"]
        st.session_state["dates"] = preset
    preset = st.selectbox("Dates", list(PRESETS), key="dates", format_func=PRESETS.__getitem__,
                          on_change=_preset_changed,
                          help="The last 7/30/90 days and this year end today; a link keeps the "
                               "preset, so it shows the latest days when opened later.") or "any"
    c1, c2 = st.columns(2)
    texts = {}
    for col, key, label in ((c1, "from", "From"), (c2, "to", "To")):
        texts[key] = col.text_input(label, key=key, placeholder="YYYY-MM-DD", on_change=_typed, args=(key,),
                                    help="Type a date and press Enter or Tab. YYYY-MM or YYYY: the month's "
                                         "or year's first day in “From”, its last in “To”.")
    days: dict[str, dt.date | None] = {}
    for key, label in (("from", "From"), ("to", "To")):
        text = (texts[key] or "").strip()
        try:
            days[key] = parse(text, end=key == "to") if text else None
        except ValueError as exc:
            st.warning(f"“{label}” = “{text}” is ignored: {exc}.")
            days[key] = None
    if preset in DAYS or preset == "year":
        start, end = preset_range(preset)
        url.publish("dates", preset)
        url.publish("from", None)
        url.publish("to", None)
    else:
        start, end = days["from"], days["to"]
        url.publish("dates", None)
        url.publish("from", start.isoformat() if start else None)
        url.publish("to", end.isoformat() if end else None)
    if start and end and start > end:
        st.warning("“From” is after “To”: no dated article can match.")
    return start, end

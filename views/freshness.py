"""Freshness, in the sidebar of every page: when the store last changed ("updated 12 minutes ago"),
how many articles it stored after a chosen time (`new_since` in the URL, UTC), and a poll that
reruns the page by itself when a writer changed the store.

The poll is a fragment that runs every REFRESH_SECONDS and only looks at the database file's stat
(size and mtime of the .duckdb and .wal files, the same key the cached reads use): it never opens a
connection. When the stat differs from the one the page was drawn with, it waits until the stat
has stayed the same for one poll (a writer between batches), or at most MAX_WAIT_SECONDS while
writes go on, then reruns the whole page, whose reads then miss the cache and read the new data.
"""
from __future__ import annotations

import datetime as dt
import time

import pandas as pd
import streamlit as st

from views import data, url
from views.common import Context

URL_KEY = "new_since"
REFRESH_SECONDS = 5.0
MAX_WAIT_SECONDS = 60.0
_UPDATED = "_updated_at"
_POLLED = "_polled_stat"
_CHANGED_SINCE = "_changed_since"


def parse_since(text: str | None) -> dt.datetime | None:
    """A URL's `new_since` (YYYY-MM-DD or YYYY-MM-DDTHH:MM, UTC) as a naive UTC datetime; None when
    missing or malformed."""
    if not text:
        return None
    try:
        value = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value.replace(second=0, microsecond=0)


def since_text(value: dt.datetime | None) -> str | None:
    """The URL form of a `new_since` time (minutes; UTC)."""
    return value.strftime("%Y-%m-%dT%H:%M") if value else None


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def ago(when: dt.datetime, now: dt.datetime) -> str:
    """'just now', '1 minute ago', '5 hours ago', '3 days ago' (a time in the future: 'just now')."""
    seconds = (now - when).total_seconds()
    for unit, size in (("day", 86_400), ("hour", 3_600), ("minute", 60)):
        if seconds >= size:
            n = int(seconds // size)
            return f"{n} {unit}{'' if n == 1 else 's'} ago"
    return "just now"


def _mark_seen() -> None:
    st.session_state[URL_KEY] = utcnow().replace(second=0, microsecond=0)


def _new_since() -> dt.datetime | None:
    url.seed(URL_KEY, parse_since(url.first(URL_KEY)))
    chosen = st.datetime_input("New since (UTC)", key=URL_KEY, format="YYYY-MM-DD", step=dt.timedelta(minutes=5),
                               help="Count the articles stored after this time (fetched, or stored by a run "
                                    "that started after it). Kept in the URL as new_since.")
    url.publish(URL_KEY, since_text(chosen))
    return chosen


def sidebar(ctx: Context) -> None:
    """The freshness block: the new-articles count under the filters, "updated N minutes ago" and the
    poll that reruns the page when the store changes."""
    with st.sidebar:
        new_since = _new_since()
        fresh = data.freshness(new_since, ctx.filters)
        updated = fresh["updated_at"].iloc[0] if not fresh.empty else None
        known = updated is not None and pd.notna(updated)
        st.session_state[_UPDATED] = pd.Timestamp(updated).to_pydatetime() if known else None
        c1, c2 = st.columns([3, 2], vertical_alignment="center")
        if new_since and not fresh.empty and pd.notna(fresh["new_articles"].iloc[0]):
            n = int(fresh["new_articles"].iloc[0])
            c1.markdown(f"**{n:,}** new article{'' if n == 1 else 's'} since {new_since:%Y-%m-%d %H:%M} UTC")
        c2.button("Mark as seen", on_click=_mark_seen, help="Set “New since” to now.", width="stretch")
        poll()


@st.fragment(run_every=REFRESH_SECONDS)
def poll() -> None:
    """Say when the store last changed; rerun the page once a change has settled (module docstring)."""
    stat = data.db_stat(data.db_path())
    drawn = st.session_state.get(data.RUN_STAT_KEY)
    last = st.session_state.get(_POLLED)
    st.session_state[_POLLED] = stat
    if stat != drawn:
        first = st.session_state.setdefault(_CHANGED_SINCE, time.monotonic())
        if stat == last or time.monotonic() - first >= MAX_WAIT_SECONDS:
            st.session_state.pop(_CHANGED_SINCE, None)
            st.rerun(scope="app")
    else:
        st.session_state.pop(_CHANGED_SINCE, None)
    updated = st.session_state.get(_UPDATED)
    when = (f"updated {ago(updated, utcnow())} ({updated:%Y-%m-%d %H:%M} UTC)" if updated else
            f"file changed {dt.datetime.fromtimestamp(data.db_mtime()):%Y-%m-%d %H:%M}")
    note = " · new data: refreshing…" if stat != drawn else ""
    st.caption(f"Database: {data.db_path()} · {when}{note}")

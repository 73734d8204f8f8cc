"""Shown instead of the pages when there is nothing to show yet: no database, an empty one, a file
that is not a readable database, or a store locked by a writer before anything was read."""
from __future__ import annotations

import streamlit as st

from pipeline import config
from views import data, jobs, sources


def _first_start() -> bool:
    """The default database is missing and no other session is building it: build the sample now,
    so `streamlit run dashboard.py` on a fresh clone opens on data (a configured TRACKER_DB is
    never built without asking)."""
    building = data.db_path().with_name(data.db_path().name + ".building")
    return not config.db_from_env() and not building.exists()


def render(state: str) -> None:
    st.title("Diplomatic Statement Tracker")
    if state == "busy":
        st.warning(f"{data.BUSY_MESSAGE} — nothing has been loaded yet, so there is nothing to show. "
                   "A pipeline run is writing; this page will work again when it commits.",
                   icon=":material/hourglass_top:")
        st.button("Try again")
        return
    if state == "unreadable":
        problem = data.errors()[0].split(": ", 1)[-1] if data.errors() else f"{data.db_path()}: cannot be read"
        st.error(f"{problem}. Point TRACKER_DB at a tracker database, or move this file away to start a new one.")
        return
    where = data.db_path()
    what = "does not exist yet" if state == "missing" else "has no articles yet"
    st.info(f"The database `{where}` {what}. Build the bundled sample (synthetic articles about the "
            "Armenia–Azerbaijan talks, several outlets and languages, 2020–2026) to explore the "
            "dashboard, or ingest your own pages, feeds or files below.")
    if state == "missing" and _first_start() and not st.session_state.get("job"):
        jobs.start(["sample"], "First start: building the sample database")
    if st.session_state.get("job"):
        jobs.progress()
        return
    if st.button("Build the sample database", type="primary"):
        jobs.start(["sample"], "Building the sample database")
        st.rerun()
    st.divider()
    sources.ingest_form()

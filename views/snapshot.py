"""Snapshot zip: every view's CSV under the current filters (the row-level views complete, streamed
into a temporary file) plus manifest.json (page, granularity, measure, every filter,
taxonomy_sha256, data_version, created_at, rows), built when the button is clicked."""
from __future__ import annotations

import datetime as dt
import functools
import tempfile
from collections.abc import Mapping
from pathlib import Path

import streamlit as st

from pipeline.export import file_name, snapshot_parts, write_snapshot
from pipeline.query import queries
from pipeline.query.filters import Filters
from views import data
from views.common import Context


def snapshot_bytes(db: Path, f: Filters, view: Mapping[str, object], taxonomy_sha256: str | None) -> bytes:
    """The zip of every view under `f` (pipeline.export.snapshot_parts, the CLI's rows), written to a
    temporary file a frame at a time and read back for the browser."""
    with tempfile.TemporaryFile(prefix="tracker-snapshot-") as out:
        with queries.connect_readonly(db, wait=10) as con:
            write_snapshot(out, snapshot_parts(con, f, str(view.get("granularity") or "week")),
                           f.to_query_params(), taxonomy_sha256, queries.data_version(con), view)
        out.seek(0)
        return out.read()


def view_state(page: str | None = None) -> dict[str, object]:
    """What the manifest records of the view besides the filters: page, granularity, measure, chart."""
    state = st.session_state
    return {"page": page or state.get("_page") or "trends", "granularity": state.get("gran") or "week",
            "measure": state.get("measure") or "articles", "chart": state.get("chart") or "line"}


def sidebar_button(ctx: Context, gran: str) -> None:
    """'Download snapshot (zip)' in the sidebar: built on click, named after the page and date range."""
    view = {**view_state(), "granularity": gran}
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M")
    name = file_name(f"tracker-snapshot_{view['page']}", ctx.filters, stamp, "zip")
    sha = data.meta_value("taxonomy_sha256") or data.taxonomy_sha256()
    st.sidebar.download_button(
        "⬇ Download snapshot (zip)", functools.partial(snapshot_bytes, data.db_path(), ctx.filters, view, sha),
        file_name=name, mime="application/zip", width="stretch", key="dl_snapshot", on_click="ignore",
        help="Every view's CSV under the current filters (all matching rows) with a manifest of the view and filters.")

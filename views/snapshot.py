"""Snapshot zip: every view's CSV under the current filters plus manifest.json (filters,
taxonomy_sha256, data_version, created_at, rows), built on request from the cached queries."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from views import data
from views.common import Context


def frames(ctx: Context, gran: str) -> dict[str, pd.DataFrame]:
    """The frames of every page under the filters (the same calls the pages make)."""
    f = ctx.filters
    ids = f.entity_ids()
    out = {"trends_daily": data.combined_daily(f, ids)}
    if ids:
        out["trend"] = data.trend(f, ids, gran)
    out["undated"] = data.undated_counts(f, ids)
    for kind in ("actor", "place", "theme"):
        out[f"top_{kind}s"] = data.top_entities(f, kind, 15)
    out["actor_theme_heatmap"] = data.actor_theme_heatmap(f, 15, 12)
    out["co_mentions"] = data.co_mentions(f, 20, 25)
    out["places"] = data.places_map(f)
    out["statements"] = data.statements(f, 500)
    out["statements_by_state_type"] = data.statements_by_state_type(f, "month")
    out["articles"] = data.search_articles(f, 50, 0).drop(columns=["total"], errors="ignore")
    out["source_coverage"] = data.source_coverage(f)
    return out


def sidebar_button(ctx: Context, gran: str) -> None:
    """'Prepare snapshot' then 'Download snapshot' in the sidebar."""
    try:
        from pipeline.export import snapshot_zip
    except ImportError:
        return
    if st.sidebar.button("Prepare snapshot (zip)", width="stretch",
                         help="All views' CSVs under the current filters, with a manifest."):
        zipped = snapshot_zip(frames(ctx, gran), ctx.filters.to_query_params(),
                              data.meta_value("taxonomy_sha256") or data.taxonomy_sha256(),
                              data.data_version() or "unknown")
        st.session_state["_snapshot"] = (ctx.filters.to_query_params(), zipped)
    ready = st.session_state.get("_snapshot")
    if ready and ready[0] == ctx.filters.to_query_params():
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M")
        st.sidebar.download_button("⬇ Download snapshot", ready[1],
                                   file_name=f"tracker-snapshot-{stamp}.zip", mime="application/zip",
                                   width="stretch", key="dl_snapshot", on_click="ignore")

"""Offline base map for plotly geo charts: the bundled Natural Earth topojson (assets/topojson)
is served by Streamlit's static file serving, and the chart's config points plotly at it."""
from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

RESOLUTION = 50  # world_50m.json: country borders fine enough for the South Caucasus


def topojson_url() -> str:
    """URL prefix of the bundled topojson files, honouring server.baseUrlPath."""
    base = (st.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}/app/static/topojson/" if base else "/app/static/topojson/"


def config() -> dict:
    """Plotly config for geo charts: local topojson, no plotly logo/link-out."""
    return {"topojsonURL": topojson_url(), "displaylogo": False}


def style(fig: go.Figure) -> None:
    """A quiet, light base map zoomed to the plotted points."""
    fig.update_geos(resolution=RESOLUTION, scope="world", projection_type="mercator", fitbounds="locations",
                    showland=True, landcolor="#f3f1ec", showocean=True, oceancolor="#e6f0f7",
                    showlakes=True, lakecolor="#e6f0f7", showcountries=True, countrycolor="#9aa3ad",
                    showcoastlines=True, coastlinecolor="#9aa3ad", showframe=False, lataxis_range=None)

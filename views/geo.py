"""Offline base map for plotly geo charts: the bundled Natural Earth topojson (assets/topojson)
is served by Streamlit's static file serving, and the chart's config points plotly at it."""
from __future__ import annotations

import pandas as pd
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


def focus_box(places: pd.DataFrame, radius: float = 12.0, pad: float = 2.0) -> tuple[list[float], list[float]]:
    """(lon range, lat range) around the places within `radius` degrees of the place with most
    mentions, so a few far-away capitals do not zoom the map out to the whole world."""
    top = places.sort_values("mentions", ascending=False).iloc[0]
    near = places[(places["lat"] - top["lat"]).abs().le(radius) & (places["lon"] - top["lon"]).abs().le(radius)]
    lon = [float(near["lon"].min()) - pad, float(near["lon"].max()) + pad]
    lat = [float(near["lat"].min()) - pad, float(near["lat"].max()) + pad]
    return lon, lat


def style(fig: go.Figure, places: pd.DataFrame, focus: bool = True) -> None:
    """A quiet, light base map: zoomed on the main cluster of places, or fitted to all of them."""
    if focus:
        lon, lat = focus_box(places)
        fig.update_geos(lonaxis_range=lon, lataxis_range=lat)
    else:
        fig.update_geos(fitbounds="locations")
    fig.update_geos(resolution=RESOLUTION, scope="world", projection_type="mercator",
                    showland=True, landcolor="#f3f1ec", showocean=True, oceancolor="#e6f0f7",
                    showlakes=True, lakecolor="#e6f0f7", showcountries=True, countrycolor="#9aa3ad",
                    showcoastlines=True, coastlinecolor="#9aa3ad", showframe=False)

"""Streamlit's own floor for benchmarks/pages.py: the least a dashboard page can cost in this
Streamlit, a two-page app whose page has a title, one small plotly chart and a 10-row table (the same
JavaScript bundles as a dashboard page, almost none of its content)."""
import pandas as pd
import plotly.express as px
import streamlit as st


def floor() -> None:
    st.title("Floor")
    frame = pd.DataFrame({"month": pd.date_range("2023-01-01", periods=10, freq="MS"), "articles": range(10)})
    st.plotly_chart(px.bar(frame, x="month", y="articles"))
    st.dataframe(frame)


def other() -> None:
    st.title("Other")


st.navigation([st.Page(floor, title="Floor", url_path="floor", default=True),
               st.Page(other, title="Other", url_path="other")]).run()

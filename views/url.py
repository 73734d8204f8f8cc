"""The URL state of widgets that show labels but keep ids in the URL.

Streamlit's `bind="query-params"` writes a widget's displayed label into the URL: a bound
multiselect of entities labelled "Armenia (4)" would write `actor=Armenia+(4)` and drop
`actor=armenia` from a shared link. So the widgets whose labels differ from their URL values
(entities, sources, languages, speakers, types, granularity, measure, chart, the wording entity,
the article in the reader) keep their value in `st.session_state` under their URL key, and these
helpers move it between the two: taken from the URL on the widget's first run in a session
(values that are not options are dropped), written back after every run (removed when empty or at
the default). Widgets whose value is its own label (the dates, the text search) are bound
natively in dashboard.py.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import streamlit as st


def params() -> dict[str, list[str]]:
    """The URL's query string, every key with all its values."""
    return {key: st.query_params.get_all(key) for key in st.query_params}


def values(key: str) -> list[str]:
    """The URL's values of `key`: stripped, non-empty, without repeats, in order."""
    return list(dict.fromkeys(v.strip() for v in st.query_params.get_all(key) if v and v.strip()))


def first(key: str) -> str | None:
    """The URL's first value of `key`, if any."""
    found = values(key)
    return found[0] if found else None


DROPPED_KEY = "_url_dropped"  # {"page": the page the link opened, "items": ["key=value", …]}


def dropped(key: str, value: str) -> None:
    """Note a value of the opened link that was not used (unknown or malformed); `note()` names them."""
    found = st.session_state.setdefault(DROPPED_KEY, {"page": None, "items": []})
    item = f"{key}={value}"
    if item not in found["items"]:
        found["items"].append(item)


def note(page: str) -> None:
    """Name the link's values that were dropped, on the page the link opened (once they are noted,
    the note stays on that page for the session, and never shows on another page)."""
    found = st.session_state.get(DROPPED_KEY)
    if not found or not found["items"]:
        return
    if found["page"] is None:
        found["page"] = page
    if found["page"] == page:
        st.warning("Not understood in this link, so left out: " + ", ".join(f"`{i}`" for i in found["items"])
                   + ". The rest of the link applies.", icon=":material/link_off:")


def seed(key: str, value: object) -> None:
    """Give the widget under `key` its value from the URL, on its first run in this session only
    (later runs keep what the user chose)."""
    if key not in st.session_state:
        st.session_state[key] = value


def publish(key: str, value: str | Sequence[str] | None, default: str | None = None) -> None:
    """Write a widget's value to the URL under `key`; an empty or default value removes the key."""
    if value is None or value == default:
        wanted: list[str] = []
    else:
        wanted = [value] if isinstance(value, str) else list(value)
    if st.query_params.get_all(key) == wanted:
        return
    if wanted:
        st.query_params[key] = wanted if len(wanted) > 1 else wanted[0]
    else:
        del st.query_params[key]


def multiselect(label: str, key: str, labels: Mapping[str, str], help: str | None = None) -> list[str]:
    """A searchable multiselect of ids shown by their labels, its choice in the URL under `key`."""
    if key not in st.session_state:
        wanted = values(key)
        for value in wanted:
            if value not in labels:
                dropped(key, value)
        st.session_state[key] = wanted
    st.session_state[key] = [v for v in st.session_state[key] if v in labels]
    chosen = st.multiselect(label, list(labels), key=key, format_func=labels.__getitem__, placeholder="Any",
                            select_all=False, help=help)
    publish(key, chosen)
    return chosen


def choice(label: str, key: str, options: Mapping[str, str], default: str, disabled: bool = False) -> str:
    """A segmented control (one of `options`, never none), its choice in the URL under `key` unless it
    is the default; kept for the session while another page is shown."""
    if key not in st.session_state:
        wanted = first(key)
        if wanted is not None and wanted not in options:
            dropped(key, wanted)
        st.session_state[key] = wanted
    if st.session_state[key] not in options:
        st.session_state[key] = default
    chosen = st.segmented_control(label, list(options), key=key, format_func=options.__getitem__, required=True,
                                  persist_state="session", disabled=disabled) or default
    publish(key, chosen, default)
    return chosen

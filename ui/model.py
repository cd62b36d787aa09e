"""The one colorizer per server process, shared by every page and session."""

from __future__ import annotations

import streamlit as st

from huerevive.pipeline import Colorizer


@st.cache_resource(show_spinner=False)
def get_colorizer() -> Colorizer:
    """The shipped model wrapped in a ``Colorizer``, loaded once per server (thread-safe to share)."""
    return Colorizer()

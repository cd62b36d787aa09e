"""The gallery collection, loaded once per server and folder (shared, read-only)."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from huerevive.collection import Collection, load_collection


@st.cache_resource(show_spinner=False)
def cached_collection(path: str) -> Collection:
    """``load_collection(path)``, cached for the server's lifetime (gallery photos are not visitors' data)."""
    return load_collection(Path(path))

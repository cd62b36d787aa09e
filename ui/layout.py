"""Site-wide layout pieces: page config and footer."""

from __future__ import annotations

import streamlit as st

from ui.i18n import t


def page_setup() -> None:
    """Browser tab title, icon and wide layout (call once, first)."""
    st.set_page_config(page_title="HueRevive", page_icon="🎨", layout="wide", initial_sidebar_state="auto")


def footer(lang: str) -> None:
    """Licences, credits and the privacy promise, under every page."""
    st.divider()
    st.caption(t("footer.licence", lang))
    st.caption(t("footer.privacy", lang))

"""Site-wide layout pieces: page config and footer."""

from __future__ import annotations

import streamlit as st

from ui.i18n import t


# Korean wraps between words (eojeol), not inside them; a word longer than the line may still break.
_TEXT_CSS = """
<style>
[data-testid="stMarkdownContainer"] *, [data-testid="stCaptionContainer"] *, [data-testid="stHeading"] *
{word-break:keep-all !important; overflow-wrap:break-word}
</style>
"""


def page_setup() -> None:
    """Browser tab title, icon and wide layout, and line breaking that suits Korean (call once, first)."""
    st.set_page_config(page_title="HueRevive", page_icon="🎨", layout="wide", initial_sidebar_state="auto")
    st.html(_TEXT_CSS)


def footer(lang: str) -> None:
    """Licences, credits and the privacy promise, under every page."""
    st.divider()
    st.caption(t("footer.licence", lang))
    st.caption(t("footer.privacy", lang))

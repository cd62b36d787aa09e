"""HueRevive website: `streamlit run streamlit_app.py` (add `?kiosk=1` to the URL for kiosk mode)."""

from __future__ import annotations

import streamlit as st

from ui.i18n import language_switch, t
from ui.kiosk import kiosk_enabled, kiosk_page
from ui.layout import footer, page_setup
from ui.navigation import page_file

page_setup()

if kiosk_enabled():
    # One full-screen page: no navigation, no upload, no settings.
    st.navigation([st.Page(kiosk_page, title="HueRevive", url_path="kiosk", default=True)], position="hidden").run()
else:
    lang = language_switch()
    pages = [
        st.Page(page_file("home"), title=t("nav.home", lang), icon=":material/home:", default=True),
        st.Page(page_file("gallery"), title=t("nav.gallery", lang), icon=":material/photo_library:"),
        st.Page(page_file("colorize"), title=t("nav.colorize", lang), icon=":material/palette:"),
        st.Page(page_file("explainer"), title=t("nav.explainer", lang), icon=":material/school:"),
        st.Page(page_file("about"), title=t("nav.about", lang), icon=":material/info:"),
    ]
    st.navigation(pages).run()
    footer(lang)

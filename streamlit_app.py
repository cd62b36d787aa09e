"""HueRevive website: `streamlit run streamlit_app.py` (add `?kiosk=1` to the URL for kiosk mode)."""

from __future__ import annotations

import streamlit as st

from ui.i18n import language_switch, t
from ui.kiosk import kiosk_enabled, kiosk_page
from ui.layout import footer, page_setup

page_setup()

if kiosk_enabled():
    # One full-screen page: no navigation, no upload, no settings.
    st.navigation([st.Page(kiosk_page, title="HueRevive", url_path="kiosk", default=True)], position="hidden").run()
else:
    lang = language_switch()
    pages = [
        st.Page("pages/home.py", title=t("nav.home", lang), icon=":material/home:", default=True),
        st.Page("pages/gallery.py", title=t("nav.gallery", lang), icon=":material/photo_library:"),
        st.Page("pages/colorize.py", title=t("nav.colorize", lang), icon=":material/palette:"),
        st.Page("pages/explainer.py", title=t("nav.explainer", lang), icon=":material/school:"),
        st.Page("pages/about.py", title=t("nav.about", lang), icon=":material/info:"),
    ]
    st.navigation(pages).run()
    footer(lang)

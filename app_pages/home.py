"""Home: one historical photo brought back to colour, what the site does, where to go next, how good the model is."""

import streamlit as st

from huerevive.collection import collection_path_from_env
from ui.gallery_source import cached_collection
from ui.hero import hero_panel
from ui.i18n import current_lang, t
from ui.navigation import page_file
from ui.quality import quality_panel

lang = current_lang()
st.title(t("home.title", lang))
st.subheader(t("home.tagline", lang))
hero_panel(cached_collection(str(collection_path_from_env())), lang)
st.markdown(t("home.what", lang))

cols = st.columns(3)
cols[0].page_link(page_file("colorize"), label=t("home.cta_colorize", lang), icon=":material/palette:")
cols[1].page_link(page_file("gallery"), label=t("home.cta_gallery", lang), icon=":material/photo_library:")
cols[2].page_link(page_file("explainer"), label=t("home.cta_explainer", lang), icon=":material/school:")

st.caption(t("home.how_short", lang))
quality_panel(lang, short=True)

"""About: how the model works, how good it is (from the evaluation report), credits and licences."""

import streamlit as st

from huerevive.errors import HueReviveError
from ui.i18n import current_lang, t
from ui.model import get_colorizer
from ui.quality import quality_panel
from ui.text import md_escape

lang = current_lang()
st.title(t("about.title", lang))

st.header(t("about.how_title", lang))
st.markdown(t("about.how", lang))
st.header(t("about.limits_title", lang))
st.markdown(t("about.limits", lang))

quality_panel(lang)

st.header(t("about.model_title", lang))
try:
    meta = getattr(get_colorizer().model, "meta", {}) or {}
    st.markdown(md_escape(t("about.model_version", lang, version=meta.get("version", "unversioned"))))
    st.json({k: v for k, v in meta.items() if isinstance(v, (str, int, float, bool))}, expanded=False)
except HueReviveError as exc:  # About must still render when the weights are missing
    st.warning(t("about.model_unavailable", lang, reason=exc))

st.header(t("about.credits_title", lang))
st.markdown(t("about.credits", lang))
st.header(t("about.privacy_title", lang))
st.markdown(t("footer.privacy", lang))

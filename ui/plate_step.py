"""The Explainer's first step: a 1910 glass plate, its three filtered exposures and their combination.

The pictures are made offline by ``gallery/build_plate.py`` (``huerevive.plates``);
this only shows them, whatever collection the site is pointed at.
"""

from __future__ import annotations

import streamlit as st

from huerevive.plates import PLATE_DIR, PlateExhibit, load_plate_exhibit
from ui.i18n import t
from ui.text import md_escape

PLATE_WIDTH = 260  # px: the whole plate is tall and narrow
# (picture of the exhibit, colour of its label)
PICTURES = (("blue", "blue"), ("green", "green"), ("red", "red"), ("colour", "rainbow"))


@st.cache_resource(show_spinner=False)
def cached_exhibit(folder: str) -> PlateExhibit | None:
    """The plate prepared in ``folder``, or None when its files are missing or broken."""
    try:
        return load_plate_exhibit(folder)
    except (OSError, ValueError):
        return None


def plate_step(lang: str, folder: str = str(PLATE_DIR)) -> None:
    """Three black-and-white exposures labelled blue, green and red, side by side, then combined."""
    st.subheader(t("explainer.plate_heading", lang), anchor=False)
    st.markdown(t("explainer.plate_intro", lang))
    exhibit = cached_exhibit(folder)
    if exhibit is None:
        st.warning(t("explainer.plate_missing", lang))
        return
    for col, (name, colour) in zip(st.columns(4), PICTURES):
        col.markdown(f":{colour}[**{t(f'explainer.plate_{name}_name', lang)}**]")
        col.image(str(getattr(exhibit, name)), width="stretch")
        col.caption(t(f"explainer.plate_{name if name != 'colour' else 'combined'}", lang))
    credit = f"{exhibit.text(lang)}, {exhibit.era} · {exhibit.credit} · {exhibit.licence}"
    st.caption(md_escape(credit))
    st.markdown(t("explainer.plate_model", lang))
    with st.expander(t("explainer.plate_whole", lang)):
        st.image(str(exhibit.plate), width=PLATE_WIDTH)
        st.caption(t("explainer.plate_whole_caption", lang))

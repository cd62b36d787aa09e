"""The Explainer's "what if?" step: give one gallery photo one colour hint and see how far the colour spreads.

The visitor moves a spot with two sliders (percent of width and height, so
no clicking on the photo) and picks its colour. Side by side: the automatic
result, the result with that one hint (spot ringed), and a heat map of how far
each pixel's colour moved. Gallery photos are public, so the hint-independent
work (``Colorizer.prepare`` and the automatic result) is cached for every
visitor, once per photo and weights. The visitor's own spot and colour are a
hint like any other: the result with it is kept in this session only (the
last one, so moving nothing costs nothing) and never shared.

Weights without a hint branch cannot take hints: the step then says so.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st

from huerevive.errors import HintError
from huerevive.model_loading import model_version
from huerevive.pipeline import ColorizeResult, PreparedPhoto
from ui import what_if
from ui.channels import PREVIEW_MAX_SIDE
from ui.hint_picker import hints_available
from ui.i18n import t
from ui.model import get_colorizer
from ui.text import md_escape

X_KEY = "hr_whatif_x"
Y_KEY = "hr_whatif_y"
COLOUR_KEY = "hr_whatif_colour"
LAST_KEY = "hr_whatif_last"  # (photo, weights, spot, colour) -> WhatIf, this session only
# The spot starts mid-width, a little below the middle: on a portrait that is the sitter's clothes, not the face.
# On the photo the explainer opens on (the Emir of Bukhara, about 1910) it is his robe, and the colour is the
# robe's real blue, which the automatic guess misses: the first view already shows the colour spreading.
DEFAULT_X_PERCENT, DEFAULT_Y_PERCENT = 50, 65
DEFAULT_COLOUR = "#1d4ed8"  # a strong blue, far from the browns and oranges old photos are usually given
SHOWN_MAX_SIDE = PREVIEW_MAX_SIDE  # three pictures side by side: more pixels would only cost time and memory


@dataclass(frozen=True)
class WhatIf:
    """What the step shows: both results and the change map at display size, the spot in display pixels."""

    auto_rgb: np.ndarray  # (h, w, 3) uint8
    hinted_rgb: np.ndarray  # (h, w, 3) uint8
    change: np.ndarray  # (h, w) float32, Lab units
    spot: tuple[float, float]  # (x, y) in the shown pictures' pixels


@st.cache_resource(show_spinner=False, max_entries=4)
def _prepared(path: str, version: str) -> PreparedPhoto:
    """A gallery photo's hint-independent work (``version`` renews it for new weights)."""
    colorizer = get_colorizer()
    return colorizer.prepare(colorizer.load(path))


@st.cache_resource(show_spinner=False, max_entries=4)
def _automatic(path: str, version: str) -> ColorizeResult:
    """The photo coloured without hints, at display size."""
    return get_colorizer().colorize_prepared(_prepared(path, version), 1.0, max_side=SHOWN_MAX_SIDE)


def _what_if(path: str, version: str, x: float, y: float, colour: str) -> WhatIf:
    """The photo with one hint at (x, y) in its own pixels beside the automatic result; raises HintError.

    Remembered in ``st.session_state`` only, so a visitor's hint never outlives the session.
    """
    key = (path, version, x, y, colour)
    last = st.session_state.get(LAST_KEY)
    if last is not None and last[0] == key:
        return last[1]
    prepared = _prepared(path, version)
    auto = _automatic(path, version)
    hinted = get_colorizer().colorize_prepared(prepared, 1.0, hints=[(x, y, colour)], max_side=SHOWN_MAX_SIDE)
    height, width = prepared.l_full.shape[-2:]
    shown_h, shown_w = auto.rgb.shape[:2]
    spot = what_if.scale_point((x, y), (width, height), (shown_w, shown_h))
    shown = WhatIf(auto.rgb, hinted.rgb, what_if.change_magnitude(auto.ab, hinted.ab), spot)
    st.session_state[LAST_KEY] = (key, shown)
    return shown


def what_if_for(path: str, x_percent: float, y_percent: float, colour: str) -> WhatIf:
    """Both colourings of the photo at ``path`` and where they differ; raises HintError for a bad colour."""
    version = model_version(get_colorizer().model)
    height, width = _prepared(path, version).l_full.shape[-2:]
    x, y = what_if.slider_point(x_percent, y_percent, width, height)
    return _what_if(path, version, x, y, colour)


def what_if_step(path: str, lang: str) -> None:
    """Sliders and colour picker, then automatic | with the hint | where it changed, and one sentence."""
    st.subheader(t("whatif.heading", lang), anchor=False)
    if not hints_available():
        st.info(t("whatif.unavailable", lang))
        return
    st.markdown(t("whatif.intro", lang))
    x_col, y_col, colour_col = st.columns([2, 2, 1], vertical_alignment="bottom")
    x_percent = x_col.slider(t("whatif.x", lang), 0, 100, DEFAULT_X_PERCENT, format="%d%%", key=X_KEY)
    y_percent = y_col.slider(t("whatif.y", lang), 0, 100, DEFAULT_Y_PERCENT, format="%d%%", key=Y_KEY)
    colour = colour_col.color_picker(t("whatif.colour", lang), DEFAULT_COLOUR, key=COLOUR_KEY)
    try:
        with st.spinner(t("whatif.working", lang)):
            shown = what_if_for(path, x_percent, y_percent, colour)
    except HintError as exc:
        st.warning(md_escape(t("whatif.error", lang, reason=exc)), icon=":material/warning:")
        return
    pictures = (
        (shown.auto_rgb, t("whatif.auto_caption", lang)),
        (what_if.mark_point(shown.hinted_rgb, *shown.spot), t("whatif.hinted_caption", lang, colour=colour)),
        (what_if.mark_point(what_if.heat_image(shown.change), *shown.spot),
         t("whatif.change_caption", lang, full=f"{what_if.HEAT_FULL_SCALE:g}")),
    )
    for col, (picture, caption) in zip(st.columns(3), pictures):
        col.image(picture, width="stretch")
        col.caption(caption)
    st.markdown(t("whatif.spread", lang))
    st.caption(t("whatif.share", lang, share=f"{100 * what_if.changed_share(shown.change):.0f}"))

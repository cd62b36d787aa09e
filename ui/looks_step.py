"""The Explainer's "two looks" step: what the network guesses close up, from further away, and both mixed.

The shipped weights look at each photo twice (``NetConfig.working_size`` and
``context_size``) and mix the two looks' colour distributions
(``huerevive.decoding.decode_ab``, ``NetConfig.context_share`` of the far
look's). This step shows each look's colour on its own beside the mix, the
result of the channels step. Weights that look once get a sentence instead
of the pictures. Weights that fade the colour of pixels that may be gray
(``NetConfig.neutral_fade``, ``huerevive.decoding.fade_neutral``) get a
sentence on that last step of the decoding, and weights with a summary of
the whole photo (``NetConfig.scene_context``, ``huerevive.network.SceneContext``)
one on what that summary is for.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from huerevive.network import NetConfig
from huerevive.pipeline import Colorizer, Looks, PreparedPhoto
from ui import channels
from ui.i18n import t
from ui.what_if import heat_image

LOOK_SHARES = (0.0, 1.0)  # the coarser look's share: the close look alone, then the far look alone


def each_look(colorizer: Colorizer, prepared: PreparedPhoto, looks: Looks | None = None) -> tuple[np.ndarray, ...] | None:
    """ab previews (2, h, w) of the close look alone and of the far look alone; None for weights that look once.

    Decoded at preview size from the prepared photo's encoder features and,
    given ``looks`` (``Colorizer.look_logits`` of the photo without hints),
    from the decoder output the result was mixed from: the step then costs no
    network pass at all.
    """
    if prepared.context is None:
        return None
    results = colorizer.colorize_shares(prepared, LOOK_SHARES, max_side=channels.PREVIEW_MAX_SIDE, looks=looks)
    return tuple(channels.shrink_planes(result.l, result.ab)[1] for result in results)


def looks_step(shown: channels.Explained, config: NetConfig, lang: str) -> None:
    """The close look's colour, the far look's, and the result, side by side (or a note for one look); then the
    summary of the whole photo and the neutral fade, when the weights have them."""
    st.subheader(t("looks.heading", lang), anchor=False)
    if shown.looks is None:
        st.info(t("looks.once", lang, size=config.working_size))
    else:
        _both_looks(shown, config, lang)
    if config.scene_context:
        st.markdown(t("looks.scene", lang))
    if config.neutral_fade:
        st.markdown(t("looks.fade", lang))
    if shown.gray_share is not None:
        col = st.columns(3)[0]  # the size of one look's picture above
        col.image(heat_image(shown.gray_share, full_scale=1.0), width="stretch")
        col.caption(t("looks.gray_caption", lang))


def _both_looks(shown: channels.Explained, config: NetConfig, lang: str) -> None:
    st.markdown(t("looks.intro", lang, close=config.working_size, far=config.context_size,
                  share=round(100 * config.context_share)))
    close, far = shown.looks
    pictures = (
        (channels.recolour(shown.l_small, close, 1.0), t("looks.close_caption", lang, size=config.working_size)),
        (channels.recolour(shown.l_small, far, 1.0), t("looks.far_caption", lang, size=config.context_size)),
        (channels.recolour(shown.l_small, shown.ab_small, 1.0), t("looks.both_caption", lang)),
    )
    for col, (picture, caption) in zip(st.columns(3), pictures):
        col.image(picture, width="stretch")
        col.caption(caption)

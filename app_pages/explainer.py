"""Explainer (for a classroom): how colour photography began, then L, a and b of one photo, the network's two
looks at it, its colours on the ab plane, how close it is to the truth and, for a gallery photo, what one colour
hint changes.

Step 1 shows a 1910 glass plate's three filtered exposures and their
combination (pictures made offline by gallery/build_plate.py). The other
steps work on a gallery photo or on the visitor's upload. An upload is decoded from
memory and kept in this session's state only: never written to disk, never in
a cache another visitor could reach.
"""

import numpy as np
import streamlit as st

from huerevive.collection import collection_path_from_env
from huerevive.errors import ImageLoadError
from huerevive.image_input import LoadedImage, load_image
from huerevive.model_loading import model_version
from ui import channels
from ui.colorize_flow import site_max_pixels
from ui.gallery_source import cached_collection
from ui.i18n import current_lang, t
from ui.looks_step import each_look, looks_step
from ui.model import get_colorizer
from ui.photo_errors import friendly_error
from ui.plate_step import plate_step
from ui.quality import quality_panel
from ui.text import md_escape
from ui.what_if_step import what_if_step

UPLOAD_TYPES = ["jpg", "jpeg", "png", "webp", "tif", "tiff", "bmp"]
UPLOAD_KEY = "hr_explain_upload"


def explained(loaded: LoadedImage, truth: np.ndarray | None, in_training: bool = False) -> channels.Explained:
    """The photo coloured once: the encoder and the decoder run once for the result and each look's picture."""
    colorizer = get_colorizer()
    prepared = colorizer.prepare(loaded)
    looks = colorizer.look_logits(prepared)
    ab, gray_share = colorizer.mix_looks_and_gray(prepared, looks)
    result = colorizer.finish(prepared, ab)
    gray = None if gray_share is None else gray_share[0, 0].cpu().numpy()
    return channels.explain(result, truth, in_training, each_look(colorizer, prepared, looks), gray)


@st.cache_resource(show_spinner=False, max_entries=16)
def gallery_explained(path: str, original: str | None, in_training: bool, version: str) -> channels.Explained:
    """A gallery photo's explanation, shared by all visitors (``version`` renews it for new weights)."""
    truth = load_image(original).rgb if original else None
    return explained(get_colorizer().load(path), truth, in_training)


def upload_explained(uploaded) -> channels.Explained | ImageLoadError | None:  # noqa: ANN001 - streamlit UploadedFile
    """This session's upload, explained once and kept in session state; None when the uploader is empty."""
    if uploaded is None:
        st.session_state.pop(UPLOAD_KEY, None)
        return None
    held = st.session_state.get(UPLOAD_KEY)
    if held is not None and held[0] == uploaded.file_id:
        return held[1]
    try:
        loaded = load_image(uploaded.getvalue(), max_pixels=site_max_pixels(), name=uploaded.name)
    except ImageLoadError as exc:
        shown: channels.Explained | ImageLoadError = exc
    else:
        truth = loaded.rgb if channels.is_colour_photo(loaded.rgb) else None  # a colour photo is its own truth
        shown = explained(loaded, truth)
    st.session_state[UPLOAD_KEY] = (uploaded.file_id, shown)
    return shown


def show_channels(l_small: np.ndarray, ab_small: np.ndarray, lang: str) -> None:
    st.subheader(t("explainer.channels_heading", lang), anchor=False)
    pictures = (
        (channels.lightness_image(l_small), "explainer.l_caption"),
        (channels.a_channel_image(ab_small[0]), "explainer.a_caption"),
        (channels.b_channel_image(ab_small[1]), "explainer.b_caption"),
        (channels.recolour(l_small, ab_small, 1.0), "explainer.result_caption"),
    )
    for col, (picture, caption) in zip(st.columns(4), pictures):
        col.image(picture, width="stretch")
        col.caption(t(caption, lang))


def show_ab_plane(ab_small: np.ndarray, lang: str) -> None:
    st.subheader(t("explainer.ab_heading", lang), anchor=False)
    words = channels.AbFigureText(t("explainer.ab_axis_a", lang), t("explainer.ab_axis_b", lang),
                                  t("explainer.ab_hover", lang))
    left, right = st.columns([3, 2])
    left.plotly_chart(channels.ab_figure(ab_small, words), theme=None, config={"displayModeBar": False})
    right.caption(t("explainer.ab_caption", lang))


def show_strip(l_small: np.ndarray, ab_small: np.ndarray, lang: str) -> None:
    st.subheader(t("explainer.strip_heading", lang), anchor=False)
    st.caption(t("explainer.strip_caption", lang))
    for col, (saturation, picture) in zip(st.columns(4), channels.saturation_strip(l_small, ab_small)):
        col.image(picture, width="stretch")
        col.caption(t("explainer.strip_item", lang, s=f"{saturation:g}"))


def show_scores(shown: channels.Explained, lang: str) -> None:
    st.subheader(t("explainer.scores_heading", lang), anchor=False)
    if shown.scores is None:
        st.info(t("explainer.scores_none", lang))
        return
    st.markdown(t("explainer.scores_intro", lang))
    if shown.in_training:
        st.warning(t("explainer.scores_trained", lang))
    delta_colour = {"higher": "normal", "lower": "inverse", "closer": "off"}
    for name, better in channels.SCORE_BETTER.items():
        metric = t(f"explainer.{name}_name", lang)
        ours, gray = getattr(shown.scores["model"], name), getattr(shown.scores["grayscale"], name)
        about, ours_col, gray_col = st.columns([2, 1, 1], vertical_alignment="center")
        about.markdown(f"**{metric}** · {t(f'explainer.{better}', lang)}")
        about.caption(t(f"explainer.{name}_explain", lang))
        delta = channels.format_score(name, ours - gray) if np.isfinite(ours - gray) else None
        ours_col.metric(t("explainer.ours", lang, metric=metric), channels.format_score(name, ours),
                        delta=delta, delta_color=delta_colour[better])
        gray_col.metric(t("explainer.gray", lang, metric=metric), channels.format_score(name, gray))
    st.caption(t("explainer.truth_colourfulness", lang,
                 value=channels.format_score("colourfulness", shown.truth_colourfulness)))


lang = current_lang()
st.title(t("explainer.title", lang))
st.markdown(t("explainer.intro", lang))
plate_step(lang)
st.divider()
st.markdown(t("explainer.model_pick", lang))
photos = cached_collection(str(collection_path_from_env())).photos
mode = st.radio(t("explainer.source", lang), ["gallery", "upload"], horizontal=True, key="hr_explain_mode",
                format_func=lambda m: t(f"explainer.source_{m}", lang))

shown: channels.Explained | ImageLoadError | None = None
photo_path: str | None = None  # the gallery photo shown, for the "what if?" step
if mode == "upload":
    uploaded = st.file_uploader(t("explainer.upload_label", lang), type=UPLOAD_TYPES, key="hr_explain_file",
                                help=t("explainer.upload_help", lang))
    with st.spinner(t("explainer.working", lang)):
        shown = upload_explained(uploaded)
    if shown is None:
        st.info(t("explainer.waiting", lang))
elif photos:
    # Start on a photo whose real colours survive, so the last step has something to score against.
    first = next((n for n, p in enumerate(photos) if p.has_truth), 0)
    photo = st.selectbox(t("explainer.pick", lang), photos, index=first, key="hr_explain_photo",
                         format_func=lambda p: p.text("title", lang))
    photo_path = str(photo.image_path)
    with st.spinner(t("explainer.working", lang)):
        shown = gallery_explained(photo_path, photo.original_path and str(photo.original_path),
                                  photo.in_training, model_version(get_colorizer().model))
else:
    st.info(t("explainer.no_gallery", lang))

if isinstance(shown, ImageLoadError):
    st.error(friendly_error(shown, lang, md_escape(shown.source), site_max_pixels()), icon=":material/error:")
    st.caption(md_escape(t("error.details", lang, reason=shown.reason)))
elif shown is not None:
    show_channels(shown.l_small, shown.ab_small, lang)
    looks_step(shown, get_colorizer().model.config, lang)
    show_ab_plane(shown.ab_small, lang)
    show_strip(shown.l_small, shown.ab_small, lang)
    show_scores(shown, lang)
    if photo_path is not None:
        what_if_step(photo_path, lang)

st.divider()
quality_panel(lang)
st.caption(t("explainer.fid_explain", lang))

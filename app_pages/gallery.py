"""Gallery: the collection as a grid of thumbnails, then one photo up close with its story and credits.

Every word from the collection's manifest goes through ``md_escape`` (or
``st.text``), so a manifest can never format, link or run anything.
"""

import numpy as np
import streamlit as st
from PIL import Image

from huerevive.collection import GalleryPhoto, collection_path_from_env
from huerevive.errors import ImageLoadError
from huerevive.image_input import load_image
from ui import channels
from ui.comparison import DISPLAY_MAX_SIDE, image_comparison
from ui.gallery_source import cached_collection
from ui.i18n import current_lang, t
from ui.kiosk import kiosk_result
from ui.text import md_escape

GRID_COLUMNS = 4
CHOSEN_KEY = "hr_gallery_photo"


@st.cache_data(show_spinner=False, max_entries=2000)
def thumb(path: str, mtime: float) -> np.ndarray | str:
    """A small 4:3 tile for the grid (``mtime`` renews it when the file changes), or why it cannot be read."""
    try:
        return channels.grid_thumbnail(load_image(path).rgb)
    except ImageLoadError as exc:  # e.g. a JPEG cut short: the manifest check cannot see that
        return exc.reason


@st.cache_data(show_spinner=False, max_entries=32)
def display_pair(path: str, original: str | None, mtime: float) -> tuple[np.ndarray, np.ndarray | None]:
    """(what the model sees as gray, the colour original or None), both at display size."""
    gray = channels.grayscale(channels.thumbnail(load_image(path).rgb, DISPLAY_MAX_SIDE))
    truth = channels.thumbnail(load_image(original).rgb, DISPLAY_MAX_SIDE) if original else None
    return gray, truth


def choose(photo_id: str) -> None:
    st.session_state[CHOSEN_KEY] = photo_id


def show_text(photo: GalleryPhoto, lang: str) -> None:
    """Era, place, story and credits: manifest text, so every piece is escaped."""
    for key, value in (("gallery.era", photo.era), ("gallery.place", photo.place)):
        if value:
            st.markdown(f"**{t(key, lang)}:** {md_escape(value)}")
    story = photo.text("story", lang)
    if story:
        st.markdown(f"**{t('gallery.story', lang)}**")
        st.markdown(md_escape(story))
    for key, value in (("gallery.credit", photo.credit), ("gallery.licence", photo.licence),
                       ("gallery.source", photo.source)):
        st.caption(f"**{t(key, lang)}:** {md_escape(value)}")
    st.info(t("gallery.in_training_yes" if photo.in_training else "gallery.in_training_no", lang))


def show_slider(photo: GalleryPhoto, lang: str) -> None:
    """Gray input vs our colorization, or the colour original vs ours when the visitor asks."""
    try:
        gray, truth = display_pair(str(photo.image_path), photo.original_path and str(photo.original_path),
                                   photo.image_path.stat().st_mtime)
        with st.spinner(t("gallery.working", lang)):
            colour = kiosk_result(photo)  # on-disk ResultCache, per model version
    except ImageLoadError as exc:  # a file damaged after the manifest was checked
        st.error(t("gallery.photo_error", lang, reason=md_escape(exc.reason)))
        return
    with_truth = truth is not None and st.toggle(
        t("gallery.compare_original", lang), key=f"hr_gallery_truth_{photo.id}",
        help=t("gallery.compare_original_help", lang))
    before, label = (truth, "common.original") if with_truth else (gray, "common.before")
    image_comparison(Image.fromarray(before), colour, t(label, lang), t("common.after", lang),
                     key=f"gallery-{photo.id}")


lang = current_lang()
collection = cached_collection(str(collection_path_from_env()))
st.title(t("gallery.title", lang))
st.markdown(t("gallery.intro", lang))
for field in ("title", "description"):
    if collection.text(field, lang):
        st.caption(md_escape(collection.text(field, lang)))
if collection.problems:
    with st.expander(t("gallery.problems", lang, n=len(collection.problems)), icon=":material/warning:"):
        for problem in collection.problems:
            st.text(problem)
if not collection.photos:
    st.info(t("gallery.empty", lang))
    st.stop()

chosen = collection.get(st.session_state.get(CHOSEN_KEY, "")) or collection.photos[0]
st.caption(t("gallery.count", lang, n=len(collection.photos)))
for start in range(0, len(collection.photos), GRID_COLUMNS):
    for col, photo in zip(st.columns(GRID_COLUMNS), collection.photos[start : start + GRID_COLUMNS]):
        tile = thumb(str(photo.image_path), photo.image_path.stat().st_mtime)
        if isinstance(tile, str):
            col.warning(t("gallery.photo_error", lang, reason=md_escape(tile)))
        else:
            col.image(tile, width="stretch")
        col.markdown(md_escape(photo.text("title", lang)))
        col.button(t("gallery.open", lang), key=f"hr_gallery_open_{photo.id}", on_click=choose, args=(photo.id,),
                   type="primary" if photo.id == chosen.id else "secondary")

st.divider()
st.subheader(md_escape(chosen.text("title", lang)), anchor=False)
left, right = st.columns([3, 2], gap="large")
with left:
    show_slider(chosen, lang)
with right:
    show_text(chosen, lang)

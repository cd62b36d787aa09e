"""Pieces of the Gallery page (also used by the home page's hero): tiles, rooms, the detail view.

Every word from the collection's manifest goes through ``md_escape`` (or
``st.text``), so a manifest can never format, link or run anything.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import streamlit as st
from PIL import Image

from huerevive.collection import GalleryPhoto, Room
from huerevive.errors import ImageLoadError
from huerevive.image_input import load_image
from ui import channels
from ui.comparison import DISPLAY_MAX_SIDE, image_comparison
from ui.i18n import t
from ui.kiosk import kiosk_result
from ui.text import md_escape

GRID_COLUMNS = 4
TRIO_MAX_SIDE = 480  # the three small pictures under the slider


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


def photo_pair(photo: GalleryPhoto) -> tuple[np.ndarray, np.ndarray | None]:
    """``display_pair`` for a gallery photo; raises ``ImageLoadError`` for a file damaged since loading."""
    original = str(photo.original_path) if photo.original_path else None
    return display_pair(str(photo.image_path), original, photo.image_path.stat().st_mtime)


def room_heading(room: Room, lang: str) -> None:
    """The room's title as a heading and its description as a caption (manifest text: escaped)."""
    st.header(md_escape(room.text("title", lang) or t("gallery.room_other", lang)), anchor=False)
    description = room.text("description", lang)
    if description:
        st.caption(md_escape(description))


def photo_grid(photos: Sequence[GalleryPhoto], chosen_id: str, lang: str, on_open: Callable[[str], None]) -> None:
    """Tiles of ``photos``, ``GRID_COLUMNS`` to a row, each with its title and a "look closer" button."""
    for start in range(0, len(photos), GRID_COLUMNS):
        for col, photo in zip(st.columns(GRID_COLUMNS), photos[start : start + GRID_COLUMNS]):
            tile = thumb(str(photo.image_path), photo.image_path.stat().st_mtime)
            if isinstance(tile, str):
                col.warning(t("gallery.photo_error", lang, reason=md_escape(tile)))
            else:
                col.image(tile, width="stretch")
            col.markdown(md_escape(photo.text("title", lang)))
            col.button(t("gallery.open", lang), key=f"hr_gallery_open_{photo.id}", on_click=on_open,
                       args=(photo.id,), type="primary" if photo.id == chosen_id else "secondary")


def show_text(photo: GalleryPhoto, lang: str) -> None:
    """Era, place, story and credits: manifest text, so every piece is escaped."""
    for key, field in (("gallery.era", "era"), ("gallery.place", "place")):
        value = photo.text(field, lang)
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
    """Gray input vs our colorization, or the real colours vs ours when the visitor asks.

    For a photo whose real colours may be shown, the three versions (black and
    white, the model's guess, the real colours) also stand side by side below.
    """
    try:
        gray, truth = photo_pair(photo)
        with st.spinner(t("gallery.working", lang)):
            colour = kiosk_result(photo)  # on-disk ResultCache, per model version
    except ImageLoadError as exc:  # a file damaged after the manifest was checked
        st.error(t("gallery.photo_error", lang, reason=md_escape(exc.reason)))
        return
    if not photo.has_truth:
        truth = None  # trained on: its original is no fair "truth"
    with_truth = truth is not None and st.toggle(
        t("gallery.compare_original", lang), key=f"hr_gallery_truth_{photo.id}",
        help=t("gallery.compare_original_help", lang))
    before, label = (truth, "common.original") if with_truth else (gray, "common.before")
    image_comparison(Image.fromarray(before), colour, t(label, lang), t("common.after", lang),
                     key=f"gallery-{photo.id}")
    if truth is not None:
        trio = (
            (gray, "gallery.trio_gray"),
            (np.asarray(colour.convert("RGB")), "gallery.trio_model"),
            (truth, "gallery.trio_truth"),
        )
        for col, (picture, caption) in zip(st.columns(3), trio):
            col.image(channels.thumbnail(picture, TRIO_MAX_SIDE), width="stretch")
            col.caption(t(caption, lang))

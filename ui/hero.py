"""The home page's hero: one striking photo of the collection, black and white against the model's colours."""

from __future__ import annotations

import streamlit as st
from PIL import Image

from huerevive.collection import Collection
from huerevive.errors import ImageLoadError
from ui.comparison import image_comparison
from ui.gallery_view import photo_pair
from ui.i18n import t
from ui.kiosk import kiosk_result
from ui.text import md_escape


def hero_panel(collection: Collection, lang: str) -> None:
    """A before/after slider of the collection's ``hero`` photo with its title, era and place.

    Shows nothing when the collection is empty or the photo cannot be read:
    the home page must always come up.
    """
    photo = collection.hero()
    if photo is None:
        return
    try:
        gray, _ = photo_pair(photo)
        with st.spinner(t("gallery.working", lang)):
            colour = kiosk_result(photo)  # on-disk ResultCache: computed once per model version
    except (ImageLoadError, OSError):
        return
    image_comparison(Image.fromarray(gray), colour, t("common.before", lang), t("common.after", lang),
                     key=f"hero-{photo.id}")
    label = " · ".join(v for v in (photo.text(f, lang) for f in ("title", "era", "place")) if v)
    st.caption(f"{md_escape(label)}  \n{t('home.hero_hint', lang)}")

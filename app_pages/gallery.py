"""Gallery: the collection room by room as grids of thumbnails, then one photo up close with its story and credits.

A collection without sections is one grid, as before. The close-up view opens
right under the room of the chosen photo. Manifest text is always escaped
(see ``ui.gallery_view``).
"""

import streamlit as st

from huerevive.collection import collection_path_from_env
from ui.gallery_source import cached_collection
from ui.gallery_view import photo_grid, room_heading, show_slider, show_text
from ui.i18n import current_lang, t
from ui.text import md_escape

CHOSEN_KEY = "hr_gallery_photo"


def choose(photo_id: str) -> None:
    st.session_state[CHOSEN_KEY] = photo_id


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
rooms = collection.rooms()
with_headings = any(room.section is not None for room in rooms)
for room in rooms:
    if with_headings:
        room_heading(room, lang)
    photo_grid(room.photos, chosen.id, lang, choose)
    if any(photo.id == chosen.id for photo in room.photos):
        st.divider()
        st.subheader(md_escape(chosen.text("title", lang)), anchor=False)
        left, right = st.columns([3, 2], gap="large")
        with left:
            show_slider(chosen, lang)
        with right:
            show_text(chosen, lang)
        st.divider()

"""Kiosk mode for a museum screen: gallery only, big touch controls, attract loop, idle reset.

On when the URL has ``?kiosk=1`` or ``HUEREVIVE_KIOSK=1``. There is no upload
and no settings. When nobody has touched a button for
``HUEREVIVE_KIOSK_IDLE_SECONDS`` (default 90) the screen returns to the start
(first photo, default language) and the attract loop steps through the gallery
every ``HUEREVIVE_KIOSK_ATTRACT_SECONDS`` (default 8) until someone touches it.
When the collection has rooms (sections), the kiosk walks through them in
order, says which room it is in, and offers one button per room.
Results come from the on-disk ``ResultCache`` so the kiosk never waits twice.
"""

from __future__ import annotations

import bisect
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace

import streamlit as st
from PIL import Image

from huerevive.collection import Collection, GalleryPhoto, collection_path_from_env
from huerevive.model_loading import model_version
from huerevive.result_cache import ResultCache
from ui.comparison import display_copy, image_comparison
from ui.gallery_source import cached_collection
from ui.i18n import LANG_KEY, LANG_NAMES, LANGS, default_lang, t
from ui.model import get_colorizer
from ui.text import md_escape

STATE_KEY = "hr_kiosk"
DEFAULT_IDLE_SECONDS = 90.0
DEFAULT_ATTRACT_SECONDS = 8.0


def _env_seconds(name: str, default: float) -> float:
    try:
        value = float(os.environ.get(name, ""))
    except ValueError:
        return default
    return value if value > 0 else default


def idle_seconds() -> float:
    """Seconds without a touch before the kiosk returns to the start (``HUEREVIVE_KIOSK_IDLE_SECONDS``)."""
    return _env_seconds("HUEREVIVE_KIOSK_IDLE_SECONDS", DEFAULT_IDLE_SECONDS)


def attract_seconds() -> float:
    """Seconds per photo in the attract loop (``HUEREVIVE_KIOSK_ATTRACT_SECONDS``)."""
    return _env_seconds("HUEREVIVE_KIOSK_ATTRACT_SECONDS", DEFAULT_ATTRACT_SECONDS)


def kiosk_requested(query_value: str | None, env_value: str | None) -> bool:
    """True when the ``kiosk`` query parameter or ``HUEREVIVE_KIOSK`` asks for kiosk mode (pure)."""
    on = {"1", "true", "yes", "on"}
    return (query_value or "").strip().lower() in on or (env_value or "").strip().lower() in on


def kiosk_enabled() -> bool:
    """Kiosk mode for this session; once on it stays on (a visitor cannot leave by changing the URL)."""
    if st.session_state.get("hr_kiosk_on"):
        return True
    on = kiosk_requested(st.query_params.get("kiosk"), os.environ.get("HUEREVIVE_KIOSK"))
    if on:
        st.session_state["hr_kiosk_on"] = True
    return on


@dataclass(frozen=True)
class KioskState:
    """Where the kiosk is: photo index, last touch, and whether the attract loop runs."""

    index: int
    last_touch: float
    attract: bool = False
    last_advance: float = 0.0


def tick(state: KioskState, now: float, count: int, idle: float, attract_every: float) -> KioskState:
    """The state after time passes with no touch (pure).

    Idle for ``idle`` seconds -> back to the first photo with the attract loop
    on; in the attract loop -> next photo every ``attract_every`` seconds.
    """
    if count <= 0:
        return state
    if not state.attract:
        if now - state.last_touch >= idle:
            return KioskState(index=0, last_touch=state.last_touch, attract=True, last_advance=now)
        return state
    if now - state.last_advance >= attract_every:
        return replace(state, index=(state.index + 1) % count, last_advance=now)
    return state


def touched(state: KioskState, now: float, count: int, step: int = 0) -> KioskState:
    """The state after a visitor touches a control: attract loop off, move ``step`` photos (pure)."""
    index = (state.index + step) % count if count > 0 else 0
    return KioskState(index=index, last_touch=now, attract=False, last_advance=now)


def jumped(state: KioskState, now: float, index: int) -> KioskState:
    """The state after a visitor picks a room: attract loop off, show photo ``index`` (pure)."""
    return KioskState(index=max(0, index), last_touch=now, attract=False, last_advance=now)


def room_starts(sizes: Sequence[int]) -> list[int]:
    """Index of each room's first photo when the rooms' photos follow one another (pure): [3, 2] -> [0, 3]."""
    starts, total = [], 0
    for size in sizes:
        starts.append(total)
        total += size
    return starts


def room_at(index: int, starts: Sequence[int]) -> int:
    """Which room photo ``index`` is in, given ``room_starts`` (pure); 0 when there are no rooms."""
    return max(0, bisect.bisect_right(starts, index) - 1)


def kiosk_result(photo: GalleryPhoto) -> Image.Image:
    """The colorized gallery photo from the on-disk cache (computed once per model version)."""
    colorizer = get_colorizer()
    cache = ResultCache(model_version=model_version(colorizer.model))
    return cache.get_or_compute(photo.image_path, 1.0, lambda: colorizer.colorize(photo.image_path, 1.0))


_KIOSK_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stDecoration"], footer {display:none !important}
.block-container, [data-testid="stMainBlockContainer"] {padding-top:1rem !important; max-width:100% !important}
.stButton button {min-height:4.5rem; font-size:1.6rem !important; padding:0 2rem; border-radius:1rem}
.stButton button p {font-size:1.6rem !important}
.st-key-kiosk_rooms .stButton button {min-height:3.2rem; padding:0 1.2rem}
.st-key-kiosk_rooms .stButton button p {font-size:1.15rem !important}
[data-testid="stMarkdownContainer"] p {font-size:1.35rem}
</style>
"""


def _set_state(state: KioskState) -> None:
    st.session_state[STATE_KEY] = state


def _on_touch(step: int, count: int, lang: str | None = None) -> None:
    _set_state(touched(st.session_state[STATE_KEY], time.time(), count, step))
    if lang is not None:
        st.session_state[LANG_KEY] = lang


def _on_room(index: int) -> None:
    _set_state(jumped(st.session_state[STATE_KEY], time.time(), index))


@st.fragment(run_every=attract_seconds())
def _kiosk_view(collection: Collection) -> None:
    photos = collection.photos
    count = len(photos)
    state = tick(st.session_state[STATE_KEY], time.time(), count, idle_seconds(), attract_seconds())
    if state.attract and not st.session_state[STATE_KEY].attract:
        st.session_state[LANG_KEY] = default_lang()  # back to the start: the next visitor's default language
    _set_state(state)
    lang = st.session_state.get(LANG_KEY, default_lang())

    st.title(t("kiosk.title", lang))
    rooms = collection.rooms()  # photos are in room order, so room n holds photos starts[n]..
    starts = room_starts([len(room.photos) for room in rooms])
    current = room_at(state.index, starts)
    with_rooms = any(room.section is not None for room in rooms)
    if with_rooms:
        title = rooms[current].text("title", lang) or t("gallery.room_other", lang)
        st.markdown(f"### {t('kiosk.room', lang, n=current + 1, total=len(rooms), title=md_escape(title))}")
    photo = photos[state.index]
    with st.spinner(t("kiosk.preparing", lang)):
        after = kiosk_result(photo)
    with Image.open(photo.image_path) as img:
        before = display_copy(img.convert("RGB"))
    image_comparison(before, after, t("common.before", lang), t("common.after", lang), key=f"kiosk-{photo.id}")

    words, truth = (st.columns([3, 1]) if photo.has_truth else (st.container(), None))
    words.markdown(f"## {md_escape(photo.text('title', lang))}")
    words.markdown(md_escape(photo.text("story", lang)))
    words.caption(md_escape(t("kiosk.credit", lang, credit=photo.credit, licence=photo.licence)))
    if truth is not None:
        with Image.open(photo.original_path) as img:
            truth.image(display_copy(img.convert("RGB"), 640), width="stretch")
        truth.caption(t("kiosk.truth", lang))

    if state.attract:
        st.button(t("kiosk.attract", lang), key="kiosk_start", type="primary", width="stretch",
                  on_click=_on_touch, args=(0, count))
    cols = st.columns([2, 1, 2, 1, 1])
    cols[0].button(t("kiosk.prev", lang), key="kiosk_prev", width="stretch", on_click=_on_touch, args=(-1, count))
    cols[1].markdown(f"### {t('kiosk.counter', lang, n=state.index + 1, total=count)}")
    cols[2].button(t("kiosk.next", lang), key="kiosk_next", width="stretch", on_click=_on_touch, args=(1, count))
    for col, code in zip(cols[3:], LANGS):
        col.button(LANG_NAMES[code], key=f"kiosk_lang_{code}", width="stretch", on_click=_on_touch,
                   args=(0, count, code), type="primary" if code == lang else "secondary")
    if with_rooms and len(rooms) > 1:
        with st.container(key="kiosk_rooms", horizontal=True):
            for n, room in enumerate(rooms):
                label = md_escape(room.text("title", lang) or t("gallery.room_other", lang))
                st.button(label, key=f"kiosk_room_{n}", on_click=_on_room, args=(starts[n],),
                          type="primary" if n == current else "secondary")
    st.caption(t("kiosk.hint", lang))


def kiosk_page() -> None:
    """The whole kiosk screen (the only page in kiosk mode)."""
    st.html(_KIOSK_CSS)
    if STATE_KEY not in st.session_state:
        _set_state(KioskState(index=0, last_touch=time.time()))
    collection = cached_collection(str(collection_path_from_env()))
    if not collection.photos:
        st.warning(t("kiosk.empty", st.session_state.get(LANG_KEY, default_lang())))
        return
    _kiosk_view(collection)

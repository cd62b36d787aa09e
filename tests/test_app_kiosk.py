"""Kiosk mode: gallery only, no upload and no settings, big controls, attract loop and idle reset."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from conftest import REPO

if str(REPO) not in sys.path:  # the site's `ui` package lives at the repo root
    sys.path.insert(0, str(REPO))

from streamlit.testing.v1 import AppTest  # noqa: E402

from huerevive.collection import collection_path_from_env, load_collection  # noqa: E402
from ui.i18n import LANG_KEY, t  # noqa: E402
from ui.navigation import page_file  # noqa: E402
from ui.kiosk import (  # noqa: E402
    DEFAULT_IDLE_SECONDS,
    STATE_KEY,
    KioskState,
    idle_seconds,
    jumped,
    kiosk_requested,
    room_at,
    room_starts,
    tick,
    touched,
)
from ui.text import md_escape  # noqa: E402

APP = str(REPO / "streamlit_app.py")


# ---------------------------------------------------------------- pure timing logic


def test_kiosk_requested() -> None:
    assert kiosk_requested("1", None) and kiosk_requested(None, "1") and kiosk_requested("true", "")
    assert not kiosk_requested(None, None) and not kiosk_requested("0", "0") and not kiosk_requested("", "no")


def test_idle_seconds_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HUEREVIVE_KIOSK_IDLE_SECONDS", raising=False)
    assert idle_seconds() == DEFAULT_IDLE_SECONDS == 90
    monkeypatch.setenv("HUEREVIVE_KIOSK_IDLE_SECONDS", "30")
    assert idle_seconds() == 30
    monkeypatch.setenv("HUEREVIVE_KIOSK_IDLE_SECONDS", "soon")
    assert idle_seconds() == DEFAULT_IDLE_SECONDS


def test_idle_returns_to_start_then_attract_loop_steps() -> None:
    s = KioskState(index=3, last_touch=100.0)
    assert tick(s, 150.0, 5, idle=90, attract_every=8) == s  # visitor still around
    s = tick(s, 190.0, 5, idle=90, attract_every=8)
    assert s.attract and s.index == 0  # back to the first photo
    assert tick(s, 197.9, 5, 90, 8).index == 0
    steps = [s := tick(s, 190.0 + 8 * k, 5, 90, 8) for k in range(1, 7)]
    assert [x.index for x in steps] == [1, 2, 3, 4, 0, 1]  # loops round the gallery


def test_touch_stops_attract_and_moves() -> None:
    s = KioskState(index=4, last_touch=0.0, attract=True, last_advance=50.0)
    s = touched(s, 60.0, 5, step=1)
    assert (s.index, s.attract, s.last_touch) == (0, False, 60.0)
    assert touched(s, 61.0, 5, step=-1).index == 4
    assert tick(s, 60.0 + 89, 5, 90, 8) == s


def test_rooms_laid_end_to_end() -> None:
    starts = room_starts([3, 2, 4])
    assert starts == [0, 3, 5]
    assert [room_at(i, starts) for i in range(9)] == [0, 0, 0, 1, 1, 2, 2, 2, 2]
    assert room_starts([]) == [] and room_at(0, []) == 0
    s = jumped(KioskState(index=1, last_touch=0.0, attract=True, last_advance=5.0), 50.0, starts[2])
    assert (s.index, s.attract, s.last_touch, s.last_advance) == (5, False, 50.0, 50.0)


def test_attract_loop_walks_room_after_room() -> None:
    """Left alone, the kiosk visits every photo of room 1, then room 2, ... and starts again."""
    sizes = [3, 2, 4]
    starts = room_starts(sizes)
    s = tick(KioskState(index=2, last_touch=0.0), 100.0, sum(sizes), idle=90, attract_every=8)
    visited = [room_at(s.index, starts)]
    for k in range(1, 10):
        s = tick(s, 100.0 + 8 * k, sum(sizes), 90, 8)
        visited.append(room_at(s.index, starts))
    assert visited == [0, 0, 0, 1, 1, 2, 2, 2, 2, 0]


# ---------------------------------------------------------------- the kiosk in AppTest


@pytest.fixture()
def kiosk_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HUEREVIVE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("HUEREVIVE_LANG", "ko")
    monkeypatch.delenv("HUEREVIVE_KIOSK_IDLE_SECONDS", raising=False)


def _no_visitor_controls(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.get("file_uploader"), "kiosk must not offer uploads"
    assert not at.slider and not at.select_slider, "kiosk must not offer settings"
    assert not at.sidebar.radio and not at.get("toggle")
    assert len(at.get("html")) >= 2  # the big-controls CSS and the comparison slider
    assert any(".stButton button {min-height:4.5rem" in h.proto.body for h in at.get("html"))


@pytest.mark.slow
def test_kiosk_by_env_shows_gallery_without_upload_or_settings(kiosk_env, monkeypatch: pytest.MonkeyPatch) -> None:
    photos = load_collection(collection_path_from_env()).photos
    monkeypatch.setenv("HUEREVIVE_KIOSK", "1")
    at = AppTest.from_file(APP, default_timeout=180).run()
    _no_visitor_controls(at)
    assert at.title[0].value == t("kiosk.title", "ko")
    assert f"## {photos[0].text('title', 'ko')}" in [m.value.replace("\\", "") for m in at.markdown]
    assert f"### {t('kiosk.counter', 'ko', n=1, total=len(photos))}" in [m.value for m in at.markdown]

    at.button(key="kiosk_next").click().run()
    _no_visitor_controls(at)
    assert at.session_state[STATE_KEY].index == 1
    assert f"## {photos[1].text('title', 'ko')}" in [m.value.replace("\\", "") for m in at.markdown]

    at.button(key="kiosk_lang_en").click().run()
    assert at.title[0].value == t("kiosk.title", "en")
    assert f"## {photos[1].text('title', 'en')}" in [m.value.replace("\\", "") for m in at.markdown]


@pytest.mark.slow
def test_kiosk_by_query_param_and_idle_reset(kiosk_env, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HUEREVIVE_KIOSK", raising=False)
    at = AppTest.from_file(APP, default_timeout=180)
    at.query_params["kiosk"] = "1"
    at.run()
    _no_visitor_controls(at)
    at.button(key="kiosk_next").click().run()
    at.button(key="kiosk_lang_en").click().run()
    assert at.session_state[STATE_KEY].index == 1 and at.session_state[LANG_KEY] == "en"
    assert not at.session_state[STATE_KEY].attract

    # Nobody touched it for longer than the idle time: back to the start, default language, attract loop on.
    old = at.session_state[STATE_KEY]
    at.session_state[STATE_KEY] = KioskState(index=old.index, last_touch=time.time() - idle_seconds() - 1)
    at.run()
    _no_visitor_controls(at)
    state = at.session_state[STATE_KEY]
    assert state.attract and state.index == 0
    assert at.title[0].value == t("kiosk.title", "ko")
    assert at.button(key="kiosk_start").label == t("kiosk.attract", "ko")

    # The attract loop moves on by itself once its interval has passed...
    at.session_state[STATE_KEY] = KioskState(index=0, last_touch=state.last_touch, attract=True,
                                             last_advance=time.time() - 60)
    at.run()
    assert at.session_state[STATE_KEY].index == 1 and at.session_state[STATE_KEY].attract
    # ...until a visitor touches the screen.
    at.button(key="kiosk_start").click().run()
    assert not at.session_state[STATE_KEY].attract
    assert not [b for b in at.button if b.key == "kiosk_start"]


def test_normal_mode_is_not_kiosk(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("HUEREVIVE_KIOSK", raising=False)
    monkeypatch.setenv("HUEREVIVE_CACHE_DIR", str(tmp_path / "cache"))
    at = AppTest.from_file(str(REPO / page_file("colorize")), default_timeout=60).run()
    assert not at.exception
    assert at.get("file_uploader") and at.slider(key="hr_saturation")


@pytest.mark.slow
def test_colorize_page_in_kiosk_has_no_upload_or_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Even if someone reaches the Colorize page on a kiosk, it only offers the samples."""
    monkeypatch.setenv("HUEREVIVE_KIOSK", "1")
    monkeypatch.setenv("HUEREVIVE_CACHE_DIR", str(tmp_path / "cache"))
    at = AppTest.from_file(str(REPO / page_file("colorize")), default_timeout=180).run()
    assert not at.exception
    assert not at.get("file_uploader") and not at.slider
    mode = at.radio(key="hr_mode")
    assert mode.options == [t("colorize.source_sample", "ko")] and mode.value == "sample"


def _room_line(at: AppTest) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("### ") and "·" in m.value)


@pytest.mark.slow
def test_kiosk_steps_through_the_rooms(kiosk_env, monkeypatch: pytest.MonkeyPatch) -> None:
    collection = load_collection(collection_path_from_env())
    rooms = collection.rooms()
    starts = room_starts([len(r.photos) for r in rooms])
    assert len(rooms) >= 4 and all(r.section is not None for r in rooms)
    monkeypatch.setenv("HUEREVIVE_KIOSK", "1")
    at = AppTest.from_file(APP, default_timeout=180).run()
    _no_visitor_controls(at)

    def room_line(n: int, lang: str = "ko") -> str:
        title = md_escape(rooms[n].text("title", lang))
        return f"### {t('kiosk.room', lang, n=n + 1, total=len(rooms), title=title)}"

    assert _room_line(at) == room_line(0)
    room_buttons = [b for b in at.button if (b.key or "").startswith("kiosk_room_")]
    assert [b.label for b in room_buttons] == [md_escape(r.text("title", "ko")) for r in rooms]
    assert [b.proto.type for b in room_buttons][:2] == ["primary", "secondary"]  # the current room stands out

    # A room button jumps to that room's first photo.
    at.button(key="kiosk_room_2").click().run()
    _no_visitor_controls(at)
    assert at.session_state[STATE_KEY].index == starts[2]
    assert _room_line(at) == room_line(2)
    assert f"## {rooms[2].photos[0].text('title', 'ko')}" in [m.value.replace("\\", "") for m in at.markdown]
    # "Previous" crosses back into the room before, onto its last photo.
    at.button(key="kiosk_prev").click().run()
    assert at.session_state[STATE_KEY].index == starts[2] - 1 and _room_line(at) == room_line(1)
    # "Next" from a room's last photo walks into the next room.
    at.button(key="kiosk_next").click().run()
    assert _room_line(at) == room_line(2)
    # The true-colour room also shows Prokudin-Gorskii's own colours beside the story.
    true_colour = next(n for n, r in enumerate(rooms) if r.section.id == "true-colour")
    at.button(key=f"kiosk_room_{true_colour}").click().run()
    _no_visitor_controls(at)
    assert t("kiosk.truth", "ko") in [c.value for c in at.caption]
    at.button(key="kiosk_lang_en").click().run()
    assert _room_line(at) == room_line(true_colour, "en")

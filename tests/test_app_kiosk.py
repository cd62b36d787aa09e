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
    kiosk_requested,
    tick,
    touched,
)

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

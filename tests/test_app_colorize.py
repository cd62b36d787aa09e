"""The Colorize page end to end in AppTest: real uploads, the real model, bad files, session-only state."""

from __future__ import annotations

import io
import sys
from html import escape
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from conftest import REPO, use_weights

if str(REPO) not in sys.path:  # the site's `ui` package lives at the repo root
    sys.path.insert(0, str(REPO))

import streamlit as st  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from ui.colorize_flow import RESULT_KEY, SOURCE_KEY, download_name, png_bytes  # noqa: E402
from ui.i18n import LANGS, t  # noqa: E402
from ui.navigation import page_file  # noqa: E402

PAGE = str(REPO / page_file("colorize"))


def _page(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, lang: str = "en", **env: str) -> AppTest:
    monkeypatch.setenv("HUEREVIVE_LANG", lang)
    monkeypatch.setenv("HUEREVIVE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("HUEREVIVE_KIOSK", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return AppTest.from_file(PAGE, default_timeout=180)


def _val_photo(photos_dir: Path, name_part: str) -> Path:
    matches = sorted((photos_dir / "val").glob(f"*{name_part}*"))
    assert matches, f"no val photo matching {name_part!r}"
    return matches[0]


def _errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


def _upload(at: AppTest, name: str, data: bytes, mime: str = "image/jpeg") -> AppTest:
    at.file_uploader(key="hr_upload").set_value((name, data, mime))
    return at.run()


def test_helpers() -> None:
    assert download_name("old photo.JPG") == "old photo-colorized.png"
    assert download_name("C:\\Users\\me\\scan.tiff") == "scan-colorized.png"
    assert download_name("") == "photo-colorized.png"
    img = Image.new("RGBA", (7, 5), (1, 2, 3, 4))
    back = Image.open(io.BytesIO(png_bytes(img)))
    assert back.format == "PNG" and back.size == (7, 5) and back.getpixel((0, 0)) == (1, 2, 3, 4)


@pytest.mark.parametrize("lang", LANGS)
def test_page_before_any_photo(lang: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = _page(monkeypatch, tmp_path, lang).run()
    assert not at.exception
    assert at.title[0].value == t("colorize.title", lang)
    uploader = at.file_uploader(key="hr_upload")
    assert set(uploader.allowed_type) >= {".jpg", ".jpeg", ".png", ".webp", ".tif", ".tiff", ".bmp"}
    limit = st.get_option("server.maxUploadSize")
    assert any(f"{limit} MB" in c.value for c in at.caption), "the upload size limit is explained"
    slider = at.slider(key="hr_saturation")
    assert (slider.min, slider.max, slider.value) == (0.0, 2.0, 1.0)
    assert t("colorize.waiting", lang) in [i.value for i in at.info]
    assert not at.download_button


@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGS)
def test_upload_colorizes_with_the_real_model(
    lang: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, photos_dir: Path, colorizer
) -> None:
    photo = _val_photo(photos_dir, "empireState")
    data = photo.read_bytes()
    at = _page(monkeypatch, tmp_path, lang).run()
    _upload(at, photo.name, data)
    assert not at.exception
    assert not _errors(at)

    shown = at.session_state[RESULT_KEY]
    expected = np.asarray(colorizer.colorize(data, 1.0))
    got = np.asarray(shown.full)
    assert got.shape == expected.shape == (*Image.open(photo).size[::-1], 3)
    assert np.abs(got.astype(int) - expected.astype(int)).max() <= 1  # the page shows the pipeline's result

    status = at.get("status")[0]
    assert status.label == t("colorize.done", lang, seconds=f"{shown.seconds:.1f}")
    assert status.state == "complete"
    width, height = Image.open(photo).size
    assert t("colorize.time", lang, seconds=f"{shown.seconds:.1f}", width=width, height=height) in [
        c.value for c in at.caption
    ]
    html = at.get("html")[0].proto.body
    assert html.count('src="data:image/') == 2
    assert escape(t("common.before", lang)) in html and escape(t("common.after", lang)) in html
    button = at.download_button[0]
    assert button.label == t("colorize.download", lang) and button.proto.deferred_file_id

    # The photo is colour: our result must carry colour, the "before" preview must not.
    assert np.ptp(got.astype(int), axis=2).mean() > 2
    before = np.asarray(shown.before_small).astype(int)
    assert np.ptp(before, axis=2).max() == 0

    # Saturation 0 gives a grayscale result of the same photo, without re-uploading.
    at.slider(key="hr_saturation").set_value(0.0).run()
    gray = np.asarray(at.session_state[RESULT_KEY].full).astype(int)
    assert gray.shape == got.shape and np.ptp(gray, axis=2).max() <= 2


@pytest.mark.slow
def test_new_upload_replaces_the_old_one(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, photos_dir: Path) -> None:
    first, second = _val_photo(photos_dir, "horse"), _val_photo(photos_dir, "plier2")
    at = _page(monkeypatch, tmp_path).run()
    _upload(at, first.name, first.read_bytes())
    assert at.session_state[SOURCE_KEY].name == first.name
    _upload(at, second.name, second.read_bytes())
    assert not at.exception
    assert at.session_state[SOURCE_KEY].name == second.name
    assert at.session_state[RESULT_KEY].full.size == Image.open(second).size
    at.file_uploader(key="hr_upload").clear()
    at.run()
    assert SOURCE_KEY not in at.session_state and RESULT_KEY not in at.session_state
    assert t("colorize.waiting", "en") in [i.value for i in at.info]
    # Uploads never go to disk: the gallery's on-disk result cache stayed empty.
    cache = tmp_path / "cache"
    assert not cache.exists() or not any(p.is_file() for p in cache.rglob("*"))


def _jpeg(size: tuple[int, int] = (120, 90)) -> bytes:
    buf = io.BytesIO()
    Image.linear_gradient("L").resize(size).save(buf, "JPEG", quality=90)
    return buf.getvalue()


BAD_UPLOADS = {
    "error.not_image": ("notes.png", b"This is a text file, not a picture.\n" * 20),
    "error.truncated": ("cut.jpg", _jpeg()[:700]),
    "error.empty": ("empty.jpg", b""),
    "error.too_large": ("big.jpg", _jpeg((400, 300))),
}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("kind", sorted(BAD_UPLOADS))
def test_bad_upload_gets_a_friendly_message(kind: str, lang: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    name, data = BAD_UPLOADS[kind]
    at = _page(monkeypatch, tmp_path, lang, HUEREVIVE_MAX_PIXELS="100000").run()  # 0.1 MP: 400x300 is too large
    _upload(at, name, data)
    assert not at.exception, "a bad upload must not crash the page"
    assert _errors(at) == [t(kind, lang, name=name, limit="0.1")]
    assert not at.download_button and not at.get("html")
    # The page stays usable: a good photo right after works.
    _upload(at, "fine.jpg", _jpeg((100, 80)))
    assert not at.exception and not _errors(at)
    assert at.session_state[RESULT_KEY].full.size == (100, 80)


@pytest.mark.slow
def test_sample_picker(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from huerevive.collection import default_collection_path, load_collection

    photos = load_collection(default_collection_path()).photos
    assert photos, "the default gallery collection is empty"
    at = _page(monkeypatch, tmp_path, "ko").run()
    at.radio(key="hr_mode").set_value("sample").run()
    assert not at.exception
    box = at.selectbox(key="hr_sample")
    assert box.options == [p.text("title", "ko") for p in photos]
    box.select_index(1).run()
    assert not at.exception
    assert at.session_state[SOURCE_KEY].key == f"sample:{photos[1].id}"
    assert at.session_state[RESULT_KEY].full.size == Image.open(photos[1].image_path).size
    assert len(at.get("html")) == 1


# ---------------------------------------------------------------- "fix a colour": the visitor's colour hints

from huerevive.errors import HintError  # noqa: E402
from huerevive.hints import Hint  # noqa: E402
from ui.colorize_flow import HINTS_KEY, PENDING_KEY, PREPARED_KEY, PREVIEW_KEY  # noqa: E402
from ui.hint_picker import (  # noqa: E402
    CLEAR_KEY,
    COLOUR_KEY,
    DEFAULT_COLOUR,
    MODE_KEY,
    HintState,
    PlacedHint,
    cleared,
    photo_point,
    recoloured,
    with_markers,
    with_tap,
    without,
)


def test_tap_maps_to_the_photos_pixels() -> None:
    # A 1600x1200 photo shown 800x600: display pixel (10, 20) covers photo pixels 20..21 x 40..41.
    assert photo_point({"x": 10, "y": 20, "width": 800, "height": 600}, (1600, 1200)) == (20.5, 40.5)
    assert photo_point({"x": 0, "y": 0, "width": 800, "height": 600}, (1600, 1200)) == (0.5, 0.5)
    # A small photo shown larger: the edge of the shown image stays on the photo.
    assert photo_point({"x": 0, "y": 399, "width": 400, "height": 400}, (100, 100)) == (0.0, 99.0)
    assert photo_point({"x": 400, "y": 0, "width": 400, "height": 400}, (100, 100))[0] == 99.0
    # Far outside stays outside, so the hint check refuses it.
    assert photo_point({"x": 900, "y": 10, "width": 400, "height": 400}, (100, 100))[0] > 100
    bad_taps = ({"x": 1, "y": 1}, {"x": 1, "y": 1, "width": 0, "height": 10}, {"x": "a", "y": 1, "width": 5, "height": 5})
    for bad in bad_taps:
        with pytest.raises(HintError):
            photo_point(bad, (100, 100))


def test_hint_state_changes() -> None:
    state = with_tap(HintState("k"), (10, 20), "#c0392b", (100, 80))
    state = with_tap(state, (30, 40), "#00ff00", (100, 80))
    assert [p.id for p in state.placed] == [1, 2] and state.chosen == 2
    assert state.hints == (Hint(10, 20, (192, 57, 43)), Hint(30, 40, (0, 255, 0)))
    state = recoloured(state, "#ff0000")
    assert state.hints[1].rgb == (255, 0, 0) and state.hints[0].rgb == (192, 57, 43), "only the chosen one changes"
    state = without(state, 2)
    assert state.hints == (Hint(10, 20, (192, 57, 43)),) and state.chosen is None
    assert recoloured(state, "#0000ff") == state, "nothing is chosen after removing the chosen hint"
    assert cleared(state).placed == () and cleared(state).source_key == "k"
    with pytest.raises(HintError, match="outside the photo"):
        with_tap(state, (100, 5), "#ff0000", (100, 80))
    with pytest.raises(HintError, match="#rrggbb"):
        with_tap(state, (5, 5), "red", (100, 80))


def test_markers_are_drawn_in_the_hints_colour() -> None:
    state = HintState("k", (PlacedHint(1, Hint(100, 50, (255, 0, 0))),))
    shown = with_markers(Image.new("RGB", (100, 50), (128, 128, 128)), state, (200, 100))  # shown at half size
    assert shown.size == (100, 50) and shown.getpixel((50, 25)) == (255, 0, 0)
    assert shown.getpixel((5, 5)) == (128, 128, 128)


def _tap(at: AppTest, x: int, y: int, shown: tuple[int, int]) -> AppTest:
    """What the clickable photo's callback does with a tap, through the session path it uses."""
    at.session_state[PENDING_KEY] = {"x": x, "y": y, "width": shown[0], "height": shown[1], "unix_time": 1}
    return at.run()


def _hints(at: AppTest) -> tuple[Hint, ...]:
    return at.session_state[HINTS_KEY].hints


def test_fix_a_colour_add_recolour_remove(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, request: pytest.FixtureRequest, weights_files: dict[str, Path]
) -> None:
    use_weights(monkeypatch, request, weights_files["hints"])
    at = _page(monkeypatch, tmp_path).run()
    _upload(at, "grey.jpg", _jpeg((320, 240)))
    assert not at.exception
    assert HINTS_KEY not in at.session_state, "no hints until the visitor gives one"
    at.toggle(key=MODE_KEY).set_value(True).run()
    assert not at.exception
    assert at.color_picker(key=COLOUR_KEY).value == DEFAULT_COLOUR
    assert t("hints.none", "en") in [c.value for c in at.caption]

    _tap(at, 50, 40, (160, 120))  # shown at half size
    assert not at.exception and not _errors(at)
    assert _hints(at) == (Hint(100.5, 80.5, (192, 57, 43)),)
    at.color_picker(key=COLOUR_KEY).set_value("#ff0000").run()
    assert _hints(at) == (Hint(100.5, 80.5, (255, 0, 0)),), "the picker recolours the point just tapped"
    preview = at.session_state[PREVIEW_KEY]
    assert preview.hints == _hints(at) and preview.after_small.size == (320, 240)
    assert at.session_state[PREPARED_KEY][0] == at.session_state[HINTS_KEY].source_key
    assert at.download_button[0].proto.deferred_file_id
    assert t("hints.time", "en", seconds=f"{preview.seconds:.2f}") in [c.value for c in at.caption]

    _tap(at, 100, 100, (160, 120))
    assert [h.rgb for h in _hints(at)] == [(255, 0, 0), (255, 0, 0)]  # a new point starts with the picker's colour
    at.button(key="hr_hint_remove_1").click().run()
    assert not at.exception
    assert _hints(at) == (Hint(200.5, 200.5, (255, 0, 0)),), "only the first hint went"
    _tap(at, 10, 10, (160, 120))
    assert len(_hints(at)) == 2
    at.button(key=CLEAR_KEY).click().run()
    assert not at.exception and _hints(at) == ()
    assert t("hints.none", "en") in [c.value for c in at.caption]

    # A tap outside the photo is refused with a clear message; the page stays up and the hints stay.
    _tap(at, 15, 15, (160, 120))
    _tap(at, 900, 10, (160, 120))
    assert not at.exception
    assert _errors(at) == [t("hints.error", "en")] and len(_hints(at)) == 1

    # Outside the mode the hints still colour the result and the page says so.
    at.toggle(key=MODE_KEY).set_value(False).run()
    assert t("hints.applied", "en", n=1) in [c.value for c in at.caption]
    assert len(at.get("html")) == 1  # the before/after slider is back

    # A new photo starts without hints and without the old photo's prepared work.
    _upload(at, "other.jpg", _jpeg((200, 150)))
    assert not at.exception
    assert HINTS_KEY not in at.session_state and PREVIEW_KEY not in at.session_state
    assert at.session_state[SOURCE_KEY].key != at.session_state.get(PREPARED_KEY, ("",))[0]


@pytest.mark.parametrize("lang", LANGS)
def test_hints_are_not_in_a_fresh_session(
    lang: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, request: pytest.FixtureRequest,
    weights_files: dict[str, Path],
) -> None:
    use_weights(monkeypatch, request, weights_files["hints"])
    data = _jpeg((320, 240))
    first = _page(monkeypatch, tmp_path, lang).run()
    _upload(first, "same.jpg", data)
    first.toggle(key=MODE_KEY).set_value(True).run()
    _tap(first, 20, 20, (160, 120))
    assert len(_hints(first)) == 1
    second = _page(monkeypatch, tmp_path, lang).run()
    _upload(second, "same.jpg", data)  # even the very same photo
    assert not second.exception
    for key in (HINTS_KEY, PENDING_KEY, PREPARED_KEY, PREVIEW_KEY):
        assert key not in second.session_state
    second.toggle(key=MODE_KEY).set_value(True).run()
    assert t("hints.none", lang) in [c.value for c in second.caption]
    assert t("hints.list", lang, n=0) in [m.value.strip("*") for m in second.markdown]


def test_weights_without_hints_say_fix_a_colour_is_unavailable(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, request: pytest.FixtureRequest, weights_files: dict[str, Path]
) -> None:
    use_weights(monkeypatch, request, weights_files["plain"])
    at = _page(monkeypatch, tmp_path).run()
    _upload(at, "grey.jpg", _jpeg((320, 240)))
    assert not at.exception and not _errors(at)
    assert t("hints.unavailable", "en") in [c.value for c in at.caption]
    assert not [w for w in at.toggle if w.key == MODE_KEY]
    # Even hints left in the session (say, from before the weights changed) are ignored, not a crash.
    source_key = at.session_state[SOURCE_KEY].key
    at.session_state[HINTS_KEY] = HintState(source_key, (PlacedHint(1, Hint(5, 5, (255, 0, 0))),))
    at.run()
    assert not at.exception and not _errors(at)
    assert at.download_button and len(at.get("html")) == 1


@pytest.mark.slow
def test_kiosk_has_no_fix_a_colour_mode(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, request: pytest.FixtureRequest, weights_files: dict[str, Path]
) -> None:
    use_weights(monkeypatch, request, weights_files["hints"])
    at = _page(monkeypatch, tmp_path, "ko", HUEREVIVE_KIOSK="1").run()
    assert not at.exception
    assert at.radio(key="hr_mode").value == "sample" and at.download_button
    assert not [w for w in at.toggle if w.key == MODE_KEY] and not at.color_picker
    assert t("hints.unavailable", "ko") not in [c.value for c in at.caption]
    assert HINTS_KEY not in at.session_state

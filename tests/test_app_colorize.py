"""The Colorize page end to end in AppTest: real uploads, the real model, bad files, session-only state."""

from __future__ import annotations

import io
import sys
from html import escape
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from conftest import REPO

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

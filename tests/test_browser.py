"""The real site in a real browser: `streamlit run` on localhost, Debian's headless Chromium, no internet.

Chromium resolves no host but localhost, and every request the page makes is
recorded, so a widget that needed a CDN would fail here.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from browser_support import ARTIFACTS, RESULT_TIMEOUT_MS, UPLOAD_INPUT, launch_chromium, streamlit_server, wait_for_app_idle
# After browser_support, which puts the repo root (the site's `ui` package) on sys.path.
from huerevive.model_loading import DEFAULT_WEIGHTS, read_checkpoint  # noqa: E402
from ui.i18n import t  # noqa: E402

pytestmark = [pytest.mark.slow, pytest.mark.browser]

COMPARISON = '[data-testid="hr-comparison"]'


@pytest.fixture(scope="module")
def browser(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = launch_chromium(pw)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture()
def page(browser, server):
    """A fresh visitor (own browser context = own Streamlit session) that records every request."""
    context = browser.new_context(viewport={"width": 1280, "height": 1100}, accept_downloads=True)
    pg = context.new_page()
    pg.requests_seen = []  # type: ignore[attr-defined]
    pg.on("request", lambda req: pg.requests_seen.append(req.url))  # type: ignore[attr-defined]
    yield pg
    context.close()
    foreign = [u for u in pg.requests_seen if not u.startswith((server.url, "data:", "blob:"))]
    assert foreign == [], f"the site tried to reach other hosts: {foreign[:5]}\n{server.log()[-2000:]}"


def _open(page, server, path: str = "") -> None:
    page.goto(f"{server.url}/{path}")
    wait_for_app_idle(page)


def _comparison_images(page) -> list[dict]:
    """naturalWidth/Height of the slider's images (0 when an image failed to load)."""
    return page.evaluate(
        """(sel) => Array.from(document.querySelectorAll(sel + ' img')).map(img => ({
            cls: img.className, w: img.naturalWidth, h: img.naturalHeight, done: img.complete}))""",
        COMPARISON,
    )


def test_upload_colorize_and_download(page, server, photos_dir: Path) -> None:
    photo = sorted((photos_dir / "val").glob("*empireState*"))[0]
    width, height = Image.open(photo).size
    _open(page, server, "colorize")
    page.get_by_role("heading", name=t("colorize.title", "en")).wait_for()

    page.locator(UPLOAD_INPUT).set_input_files(str(photo))
    page.wait_for_selector(f"{COMPARISON} img.hr-before", timeout=RESULT_TIMEOUT_MS)
    wait_for_app_idle(page)
    images = _comparison_images(page)
    assert sorted(i["cls"] for i in images) == ["hr-after", "hr-before"]
    assert all(i["done"] and i["w"] > 0 and i["h"] > 0 for i in images), images
    assert images[0]["w"] == min(width, 1600) or images[0]["h"] == min(height, 1600)

    # The divider follows a click (the slider's own script runs offline).
    slider = page.locator(COMPARISON)
    slider.scroll_into_view_if_needed()
    box = slider.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.25, box["y"] + box["height"] / 2)
    pos = float(slider.evaluate("el => el.style.getPropertyValue('--pos')").rstrip("%"))
    assert 23 <= pos <= 27  # the divider lands under the pointer

    page.get_by_text(t("colorize.time", "en", seconds="", width=width, height=height).split("·")[-1].strip()).wait_for()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "browser-colorize.png"), full_page=True)

    # The download is the full-size PNG, made in memory when the button is pressed.
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name=t("colorize.download", "en")).click()
    download = info.value
    assert download.suggested_filename == f"{photo.stem}-colorized.png"
    result = Image.open(io.BytesIO(Path(download.path()).read_bytes()))
    assert result.format == "PNG" and result.size == (width, height)


def test_invalid_upload_shows_friendly_error(page, server, tmp_path: Path) -> None:
    bad = tmp_path / "holiday.jpg"
    bad.write_bytes(b"definitely not a JPEG\n" * 50)
    _open(page, server, "colorize")
    page.locator(UPLOAD_INPUT).set_input_files(str(bad))
    message = t("error.not_image", "en", name="holiday.jpg")
    page.get_by_text(message).wait_for(timeout=60_000)
    assert page.locator(COMPARISON).count() == 0
    assert page.locator('[data-testid="stException"]').count() == 0
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "browser-bad-upload.png"), full_page=True)


def test_language_choice_survives_navigation(page, server) -> None:
    _open(page, server)
    page.get_by_text(t("home.what", "en")).wait_for()
    page.locator('[data-testid="stSidebar"]').get_by_text("한국어").click()
    page.get_by_text(t("home.what", "ko")).wait_for()
    page.locator('[data-testid="stSidebarNav"]').get_by_text(t("nav.colorize", "ko")).click()
    page.get_by_role("heading", name=t("colorize.title", "ko")).wait_for()
    wait_for_app_idle(page)
    assert page.get_by_text(t("footer.licence", "ko")).is_visible()


def test_kiosk_mode(page, server) -> None:
    _open(page, server, "?kiosk=1")
    page.wait_for_selector(f"{COMPARISON} img.hr-before", timeout=RESULT_TIMEOUT_MS)
    wait_for_app_idle(page)
    assert page.locator(UPLOAD_INPUT).count() == 0
    assert page.locator('[data-testid="stSlider"]').count() == 0
    assert not page.locator('[data-testid="stSidebar"]').is_visible()
    images = _comparison_images(page)
    assert len(images) == 2 and all(i["w"] > 0 for i in images), images
    next_button = page.get_by_role("button", name=t("kiosk.next", "en"))
    assert next_button.bounding_box()["height"] >= 60  # big enough for a finger
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "browser-kiosk.png"), full_page=True)


def test_deep_link_runs_the_entrypoint(browser, tmp_path: Path) -> None:
    """A visitor whose FIRST request to a fresh server is /colorize still gets the whole site around the page."""
    env = {"HUEREVIVE_LANG": "en", "HUEREVIVE_CACHE_DIR": str(tmp_path / "cache"), "HUEREVIVE_KIOSK": ""}
    with streamlit_server(tmp_path / "logs", env=env) as fresh:
        context = browser.new_context()
        try:
            page = context.new_page()
            _open(page, fresh, "colorize")
            page.get_by_role("heading", name=t("colorize.title", "en")).wait_for()
            wait_for_app_idle(page)
            # The sidebar can render a moment after the page's heading on a fresh server's first run: wait for it.
            page.locator('[data-testid="stSidebar"] [data-testid="stRadio"]').first.wait_for(timeout=RESULT_TIMEOUT_MS)
            assert page.locator('[data-testid="stSidebar"] [data-testid="stRadio"]').count() == 1
            assert page.get_by_text(t("footer.licence", "en")).count() == 1
            assert t("nav.explainer", "en") in page.locator('[data-testid="stSidebarNav"]').inner_text()
        finally:
            context.close()


# ---------------------------------------------------------------- the museum: rooms, true colour, plate, hero

WIDE = {"width": 1400, "height": 1000}


@pytest.fixture()
def wide_page(browser, server):
    """A fresh visitor on a 1400 px wide screen, recording every request (none may leave localhost)."""
    context = browser.new_context(viewport=WIDE)
    pg = context.new_page()
    pg.requests_seen = []  # type: ignore[attr-defined]
    pg.on("request", lambda req: pg.requests_seen.append(req.url))  # type: ignore[attr-defined]
    yield pg
    context.close()
    foreign = [u for u in pg.requests_seen if not u.startswith((server.url, "data:", "blob:"))]
    assert foreign == [], f"the site tried to reach other hosts: {foreign[:5]}\n{server.log()[-2000:]}"


def _images_loaded(page) -> None:
    page.wait_for_function("() => Array.from(document.images).every(img => img.complete)", timeout=RESULT_TIMEOUT_MS)
    broken = page.evaluate("() => Array.from(document.images).filter(i => i.naturalWidth === 0).map(i => i.src.slice(0, 80))")
    assert broken == [], broken


def _no_overflow(page) -> None:
    """Nothing sticks out sideways: the page never scrolls horizontally, no element is wider than the window."""
    extra = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert extra <= 0, f"the page is {extra} px wider than the window"
    wide = page.evaluate(
        """() => Array.from(document.querySelectorAll('[data-testid="stMain"] *'))
            .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1)
            .map(el => el.tagName + '.' + el.className).slice(0, 5)"""
    )
    assert wide == [], wide


def _to_korean(page) -> None:
    page.locator('[data-testid="stSidebar"]').get_by_text("한국어").click()
    wait_for_app_idle(page)


def _shoot(page, name: str, full_page: bool = True) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=full_page)


def test_gallery_rooms_and_a_true_colour_photo(wide_page, server) -> None:
    from huerevive.collection import default_collection_path, load_collection

    collection = load_collection(default_collection_path())
    page = wide_page
    _open(page, server, "gallery")
    page.wait_for_selector(f"{COMPARISON} img.hr-before", timeout=RESULT_TIMEOUT_MS)
    tops = []
    for room in collection.rooms():
        heading = page.get_by_role("heading", name=room.text("title", "en"), exact=True)
        heading.wait_for()
        tops.append(heading.bounding_box()["y"])
    assert tops == sorted(tops), "rooms must appear in the manifest's order"

    # Open a Prokudin-Gorskii photo: black and white, the model's guess, and his own colours.
    photo = next(p for p in collection.photos if p.section == "true-colour")
    page.locator(f".st-key-hr_gallery_open_{photo.id} button").click()
    page.get_by_role("heading", name=photo.text("title", "en"), exact=True).wait_for()
    wait_for_app_idle(page)
    for key in ("gallery.trio_gray", "gallery.trio_model", "gallery.trio_truth"):
        page.get_by_text(t(key, "en"), exact=True).wait_for()
    page.get_by_text(t("gallery.compare_original", "en")).click()
    page.locator(f"{COMPARISON} .hr-label-before", has_text=t("common.original", "en")).wait_for(timeout=60_000)
    wait_for_app_idle(page)
    _images_loaded(page)
    images = _comparison_images(page)
    assert len(images) == 2 and all(i["w"] > 0 for i in images), images
    _no_overflow(page)
    page.get_by_role("heading", name=photo.text("title", "en"), exact=True).scroll_into_view_if_needed()
    _shoot(page, "browser-gallery-true-colour-en.png")

    _to_korean(page)
    page.get_by_role("heading", name=collection.rooms()[0].text("title", "ko"), exact=True).wait_for()
    page.get_by_text(t("gallery.trio_truth", "ko"), exact=True).wait_for()
    _images_loaded(page)
    _no_overflow(page)
    _shoot(page, "browser-gallery-rooms-ko.png")


def test_explainer_plate_step(wide_page, server) -> None:
    page = wide_page
    _open(page, server, "explainer")
    for lang in ("en", "ko"):
        if lang == "ko":
            _to_korean(page)
        page.get_by_role("heading", name=t("explainer.plate_heading", lang)).wait_for()
        for name in ("blue", "green", "red", "colour"):
            page.get_by_text(t(f"explainer.plate_{name}_name", lang), exact=True).wait_for()
        page.get_by_text(t("explainer.plate_model", lang)).wait_for()
        page.wait_for_selector(f"{COMPARISON}, [data-testid='stMetric']", state="attached", timeout=RESULT_TIMEOUT_MS)
        wait_for_app_idle(page)
        _images_loaded(page)
        # The three exposures and their combination stand side by side, in one row, left to right.
        boxes = [page.get_by_text(t(f"explainer.plate_{n}_name", lang), exact=True).bounding_box()
                 for n in ("blue", "green", "red", "colour")]
        assert [b["x"] for b in boxes] == sorted(b["x"] for b in boxes)
        assert max(b["y"] for b in boxes) - min(b["y"] for b in boxes) < 5
        # The two looks' step: the close look alone, the far look alone and the result, in one row, left to right.
        looks = page.get_by_role("heading", name=t("looks.heading", lang))
        looks.wait_for()
        config = read_checkpoint(DEFAULT_WEIGHTS)["config"]
        captions = [t("looks.close_caption", lang, size=config["working_size"]),
                    t("looks.far_caption", lang, size=config["context_size"]), t("looks.both_caption", lang)]
        boxes = [page.get_by_text(c, exact=True).bounding_box() for c in captions]
        assert [b["x"] for b in boxes] == sorted(b["x"] for b in boxes)
        assert max(b["y"] for b in boxes) - min(b["y"] for b in boxes) < 5
        _images_loaded(page)
        looks.scroll_into_view_if_needed()
        _shoot(page, f"browser-explainer-looks-{lang}.png", full_page=False)
        # The "what if?" step: its three pictures and sentence with hint-trained weights, else a short note.
        what_if = page.get_by_role("heading", name=t("whatif.heading", lang))
        what_if.wait_for()
        page.get_by_text(t("whatif.spread", lang)).or_(page.get_by_text(t("whatif.unavailable", lang))).wait_for()
        _images_loaded(page)
        _no_overflow(page)
        what_if.scroll_into_view_if_needed()
        _shoot(page, f"browser-explainer-what-if-{lang}.png", full_page=False)
        page.get_by_role("heading", name=t("explainer.plate_heading", lang)).scroll_into_view_if_needed()
        _shoot(page, f"browser-explainer-plate-{lang}.png", full_page=False)  # the step itself, on screen


def test_home_hero(wide_page, server) -> None:
    page = wide_page
    _open(page, server)
    for lang in ("en", "ko"):
        if lang == "ko":
            _to_korean(page)
        intro = page.get_by_text(t("home.what", lang))
        intro.wait_for()
        page.wait_for_selector(f"{COMPARISON} img.hr-after", timeout=RESULT_TIMEOUT_MS)
        wait_for_app_idle(page)
        _images_loaded(page)
        hero = page.locator(COMPARISON).bounding_box()
        assert hero["y"] + hero["height"] <= intro.bounding_box()["y"], "the hero stands above the introduction"
        assert hero["width"] >= 400
        page.get_by_text(t("home.hero_hint", lang)).wait_for()
        _no_overflow(page)
        _shoot(page, f"browser-home-hero-{lang}.png")

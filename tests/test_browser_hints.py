""""Fix a colour" in a real browser: tap a point of the photo, pick red, download: that spot is red.

`streamlit run` on localhost and Debian's headless Chromium with every other
host unresolvable (``browser_support``), so the click component must work
with the network cut. The point is TAPPED (a touch screen: the browser turns
the tap into the click the component listens for); a second point is added
with the mouse and removed again.

The final colour check needs weights trained with colour hints; with an
untrained (zero) hint branch it fails there, after every step before it.
"""

from __future__ import annotations

import colorsys
import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from browser_support import ARTIFACTS, RESULT_TIMEOUT_MS, UPLOAD_INPUT, launch_chromium, wait_for_app_idle
# After browser_support, which puts the repo root (the site's `ui` package) on sys.path.
from ui.hint_picker import CLEAR_KEY, MODE_KEY  # noqa: E402
from ui.i18n import t  # noqa: E402

pytestmark = [pytest.mark.slow, pytest.mark.browser]

TAP_FRAME = 'iframe[title*="streamlit_image_coordinates"]'
RED_HUE_TOLERANCE = 30.0  # degrees either side of pure red
MIN_SATURATION = 0.25  # HSV saturation of the mean colour around the hint: clearly coloured, not a grey tint


@pytest.fixture()
def touch_page(server):
    """A fresh visitor on a touch screen (taps) that also has a mouse; every request is recorded."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        context = browser.new_context(viewport={"width": 1280, "height": 1100}, accept_downloads=True, has_touch=True)
        page = context.new_page()
        seen: list[str] = []
        page.on("request", lambda req: seen.append(req.url))
        try:
            yield page
        finally:
            context.close()
            browser.close()
        foreign = [u for u in seen if not u.startswith((server.url, "data:", "blob:"))]
        assert foreign == [], f"the site tried to reach other hosts: {foreign[:5]}\n{server.log()[-2000:]}"


def flat_mid_grey_point(photo: Image.Image, block: int = 24) -> tuple[int, int]:
    """The centre of the flattest mid-lightness block in the middle of the photo: where a hint can show colour."""
    gray = np.asarray(photo.convert("L"), dtype=np.float32)
    rows, cols = gray.shape[0] // block, gray.shape[1] // block
    blocks = gray[: rows * block, : cols * block].reshape(rows, block, cols, block).transpose(0, 2, 1, 3)
    mean, std = blocks.mean(axis=(2, 3)), blocks.std(axis=(2, 3))
    r, c = np.mgrid[0:rows, 0:cols]
    central = (r >= rows * 0.2) & (r < rows * 0.8) & (c >= cols * 0.2) & (c < cols * 0.8)
    score = np.where(central & (mean > 90) & (mean < 170), std, np.inf)
    assert np.isfinite(score).any(), "the photo has no flat mid-grey area in its middle"
    row, col = np.unravel_index(np.argmin(score), score.shape)
    return int(col * block + block // 2), int(row * block + block // 2)


def mean_hue_and_saturation(image: Image.Image, x: int, y: int, radius: int = 6) -> tuple[float, float, np.ndarray]:
    """HSV hue (degrees) and saturation of the mean colour in a small square around (x, y)."""
    rgb = np.asarray(image.convert("RGB"), dtype=np.float64)[y - radius : y + radius + 1, x - radius : x + radius + 1]
    mean = rgb.reshape(-1, 3).mean(axis=0)
    h, s, _ = colorsys.rgb_to_hsv(*(mean / 255.0))
    return h * 360.0, s, mean


def _tap_frame(page):  # noqa: ANN001, ANN202 - playwright's own types
    frame = page.frame_locator(TAP_FRAME)
    img = frame.locator("img")
    img.wait_for(timeout=RESULT_TIMEOUT_MS)
    page.wait_for_function(
        """(sel) => { const f = document.querySelector(sel);
            const img = f && f.contentDocument && f.contentDocument.querySelector('img');
            return img && img.complete && img.naturalWidth > 0 && img.width > 0; }""",
        arg=TAP_FRAME,
        timeout=RESULT_TIMEOUT_MS,
    )
    return img


def _shown_position(img, point: tuple[int, int], photo_size: tuple[int, int]) -> dict[str, float]:  # noqa: ANN001
    size = img.evaluate("el => [el.width, el.height]")
    return {"x": (point[0] + 0.5) * size[0] / photo_size[0], "y": (point[1] + 0.5) * size[1] / photo_size[1]}


def _wait_for_hint(page, hint_id: int) -> None:  # noqa: ANN001
    page.locator(f".st-key-hr_hint_remove_{hint_id}").wait_for(timeout=RESULT_TIMEOUT_MS)
    wait_for_app_idle(page)


def test_tap_a_point_pick_red_download_red(touch_page, server, photos_dir: Path) -> None:
    page = touch_page
    photo_path = sorted((photos_dir / "val").glob("*kitten*"))[0]
    photo = Image.open(photo_path)
    width, height = photo.size
    point = flat_mid_grey_point(photo)

    page.goto(f"{server.url}/colorize")
    wait_for_app_idle(page)
    page.locator(UPLOAD_INPUT).set_input_files(str(photo_path))
    page.locator(f".st-key-{MODE_KEY}").wait_for(timeout=RESULT_TIMEOUT_MS)
    wait_for_app_idle(page)
    page.locator(f".st-key-{MODE_KEY} label").click()  # "Fix a colour" on
    img = _tap_frame(page)
    wait_for_app_idle(page)
    page.get_by_text(t("hints.none", "en")).wait_for()

    # A finger taps the point (the component's own files come from our server: no internet needed).
    img.tap(position=_shown_position(img, point, (width, height)))
    _wait_for_hint(page, 1)

    # Pick red for it: open the colour picker, type the colour, close it.
    page.get_by_role("button", name=f"{t('hints.colour', 'en')} color picker").click()
    hex_input = page.locator('[data-testid="stColorPickerPopover"] input').first
    hex_input.fill("#ff0000")
    page.keyboard.press("Escape")
    page.get_by_text("#ff0000").first.wait_for(timeout=RESULT_TIMEOUT_MS)
    wait_for_app_idle(page)

    # A mouse click adds a second point; remove it again (one by one), leaving the red one.
    img = _tap_frame(page)
    img.click(position=_shown_position(img, (width // 5, height // 5), (width, height)))
    _wait_for_hint(page, 2)
    assert page.locator(f".st-key-{CLEAR_KEY}").count() == 1
    # (.first of the visible ones: Streamlit may keep an off-screen copy of a button with a tooltip)
    page.locator(".st-key-hr_hint_remove_2 button").filter(visible=True).first.click()
    page.wait_for_function("() => !document.querySelector('.st-key-hr_hint_remove_2')", timeout=RESULT_TIMEOUT_MS)
    wait_for_app_idle(page)
    assert page.locator(".st-key-hr_hint_remove_1").count() == 1
    assert page.locator('[data-testid="stException"]').count() == 0
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "browser-fix-a-colour.png"), full_page=True)

    # The full-size download carries the hint: around the tapped point the photo is now red.
    with page.expect_download(timeout=RESULT_TIMEOUT_MS) as info:
        page.get_by_role("button", name=t("colorize.download", "en")).click()
    result = Image.open(io.BytesIO(Path(info.value.path()).read_bytes()))
    assert result.format == "PNG" and result.size == (width, height)
    hue, saturation, mean = mean_hue_and_saturation(result, *point)
    hue_off = min(hue, 360.0 - hue)
    spot = result.crop((point[0] - 40, point[1] - 40, point[0] + 41, point[1] + 41))
    spot.save(ARTIFACTS / "browser-fix-a-colour-spot.png")
    assert hue_off <= RED_HUE_TOLERANCE and saturation >= MIN_SATURATION, (
        f"around the red hint at {point} the result is RGB {mean.round(1)}: "
        f"hue {hue:.0f}°, saturation {saturation:.2f} "
        f"(want red within {RED_HUE_TOLERANCE:.0f}° and saturation ≥ {MIN_SATURATION})"
    )

"""The site shell: strings in both languages, navigation, footer, quality panel, the offline slider."""

from __future__ import annotations

import base64
import io
import json
import re
import string
import sys
import tomllib

import pytest
from PIL import Image

from conftest import REPO

if str(REPO) not in sys.path:  # the site's `ui` package lives at the repo root
    sys.path.insert(0, str(REPO))

from streamlit.testing.v1 import AppTest  # noqa: E402

from ui import i18n  # noqa: E402
from ui.comparison import DISPLAY_MAX_SIDE, comparison_html, image_comparison  # noqa: E402
from ui.i18n import LANGS, all_strings, t  # noqa: E402
from ui.navigation import PAGE_NAMES, page_file  # noqa: E402
from ui.quality import quality_rows, quality_sentence  # noqa: E402
from ui.text import md_escape  # noqa: E402

APP = str(REPO / "streamlit_app.py")
PAGES = [page_file(name) for name in PAGE_NAMES]


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


# ---------------------------------------------------------------- strings


def test_every_string_has_both_languages_with_the_same_placeholders() -> None:
    table = all_strings()
    assert len(table) > 50
    for key, entry in table.items():
        assert set(entry) == set(LANGS), f"{key} has languages {sorted(entry)}"
        for lang in LANGS:
            assert isinstance(entry[lang], str) and entry[lang].strip(), f"{key}/{lang} is empty"
        assert _fields(entry["ko"]) == _fields(entry["en"]), f"{key}: placeholders differ between ko and en"


def test_korean_text_is_korean() -> None:
    """A copy-pasted English string in the ko slot is a bug (names like 'HueRevive' excepted)."""
    hangul = re.compile("[\uac00-\ud7a3]")
    untranslated = [
        key for key, entry in all_strings().items()
        if not hangul.search(entry["ko"]) and entry["ko"] == entry["en"] and len(entry["en"]) > 12
    ]
    assert untranslated == []


def test_t_formats_and_rejects_missing_keys_and_languages() -> None:
    assert t("colorize.time", "en", seconds="1.5", width=640, height=480) == (
        "Processing time 1.5 s · size 640×480 pixels"
    )
    with pytest.raises(KeyError, match="no UI string"):
        t("no.such.key", "en")
    with pytest.raises(KeyError, match="unknown language"):
        t("nav.home", "fr")


def test_default_language_comes_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HUEREVIVE_LANG", raising=False)
    assert i18n.default_lang() == "ko"
    monkeypatch.setenv("HUEREVIVE_LANG", "en")
    assert i18n.default_lang() == "en"
    monkeypatch.setenv("HUEREVIVE_LANG", "klingon")
    assert i18n.default_lang() == "ko"


def test_md_escape_shows_markup_literally() -> None:
    hostile = "<script>alert(1)</script> **bold** [link](http://x) `code` # h"
    escaped = md_escape(hostile)
    for ch in "<>*[]()`#":
        assert re.search(rf"(?<!\\){re.escape(ch)}", escaped) is None, f"unescaped {ch!r} in {escaped!r}"
    assert re.sub(r"\\(.)", r"\1", escaped) == hostile  # nothing lost


def test_config_toml() -> None:
    config = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text())
    assert config["browser"]["gatherUsageStats"] is False
    assert config["server"]["headless"] is True
    assert 1 <= config["server"]["maxUploadSize"] <= 50
    assert config["client"]["toolbarMode"] == "minimal"


# ---------------------------------------------------------------- comparison slider (pure part)


def _data_uri_images(html: str) -> list[Image.Image]:
    uris = re.findall(r'src="data:image/(?:jpeg|png);base64,([A-Za-z0-9+/=]+)"', html)
    return [Image.open(io.BytesIO(base64.b64decode(u))) for u in uris]


def test_comparison_is_self_contained_and_downscaled() -> None:
    before = Image.new("L", (3200, 1800), 128)
    after = Image.new("RGB", (3200, 1800), (200, 30, 30))
    html = comparison_html(before, after, "Before <b>", "After", "cmp-test")
    assert not re.search(r"(?:src|href)\s*=\s*[\"'](?:https?:)?//", html), "the slider must not load anything"
    assert "http://" not in html and "https://" not in html
    images = _data_uri_images(html)
    assert len(images) == 2
    assert [im.size for im in images] == [(DISPLAY_MAX_SIDE, 900), (DISPLAY_MAX_SIDE, 900)]
    after_img, before_img = images  # after is the base layer, before is clipped on top
    assert after_img.convert("RGB").getpixel((10, 10))[0] > 150  # red survives JPEG
    assert before_img.convert("RGB").getpixel((10, 10)) == pytest.approx((128, 128, 128), abs=3)
    assert "Before &lt;b&gt;" in html and "<b>" not in html
    assert 'id="cmp-test"' in html and "getElementById('cmp-test')" in html


def test_comparison_keeps_small_images_and_transparency() -> None:
    after = Image.new("RGBA", (300, 200), (0, 0, 255, 100))
    html = comparison_html(Image.new("RGB", (600, 400)), after, "a", "b", "x", width=500)
    after_img, before_img = _data_uri_images(html)
    assert after_img.format == "PNG" and after_img.mode == "RGBA" and after_img.size == (300, 200)
    assert before_img.size == (300, 200)  # resized to the after layer so the two line up
    assert "max-width:min(300px, calc(80vh * 1.5000), 500px)" in html


def test_image_comparison_in_an_app() -> None:
    at = AppTest.from_function(_comparison_app).run()
    assert not at.exception
    bodies = [h.proto.body for h in at.get("html")]
    assert len(bodies) == 2
    assert len(_data_uri_images(bodies[0])) == 2
    assert re.search(r'id="(hr-cmp-[0-9a-f]+)"', bodies[0]).group(1) != re.search(r'id="(hr-cmp-[0-9a-f]+)"', bodies[1]).group(1)


def _comparison_app() -> None:
    from PIL import Image

    from ui.comparison import image_comparison

    image_comparison(Image.new("L", (64, 48), 30), Image.new("RGB", (64, 48), "green"), "B&W", "Colour", key="one")
    image_comparison(Image.new("L", (64, 48), 30), Image.new("RGB", (64, 48), "blue"), "B&W", "Colour", key="two")


assert image_comparison  # the public entry point other pages import


# ---------------------------------------------------------------- quality figures from the report

REPORT = {
    "summary": {
        "model": {"psnr": 23.456, "ssim": 0.91234, "lpips": 0.14567, "fid": 12.345, "gray_tint": 8.14,
                  "colourfulness": 31.25},
        "grayscale": {"psnr": 21.111, "ssim": 0.88888, "lpips": 0.22222, "fid": 44.444, "gray_tint": 0.0,
                      "colourfulness": 0.0},
        "truth": {"colourfulness": 38.75, "gray_tint": 4.32},
    },
    "images": 321,
}


def test_quality_rows_format_the_report_values() -> None:
    rows = quality_rows(REPORT, "en")
    by_metric = {row["Measure"].split(":")[0].split(" (")[0]: row for row in rows}
    assert by_metric["PSNR"]["HueRevive"] == "23.46" and by_metric["PSNR"]["Plain black & white"] == "21.11"
    assert by_metric["SSIM"]["HueRevive"] == "0.912"
    assert by_metric["LPIPS"]["HueRevive"] == "0.146" and by_metric["LPIPS"]["Better is"] == "lower"
    assert by_metric["FID"]["Plain black & white"] == "44.4"
    assert by_metric["Colourfulness"]["Real colour photos"] == "38.8"
    assert by_metric["PSNR"]["Real colour photos"] == "–"
    tint = by_metric["Tint on gray"]
    assert (tint["HueRevive"], tint["Plain black & white"], tint["Real colour photos"]) == ("8.1", "0.0", "4.3")
    assert tint["Better is"] == "closer to real photos"
    older = {"summary": {k: {m: v for m, v in part.items() if m != "gray_tint"} for k, part in REPORT["summary"].items()}}
    assert {row["Measure"].split(":")[0]: row["HueRevive"] for row in quality_rows(older, "en")}["Tint on gray"] == "–"
    assert "321" in quality_sentence(REPORT, "ko") and "23.46" in quality_sentence(REPORT, "ko")


@pytest.fixture()
def report_file(tmp_path, monkeypatch):
    """Point the site at a report file of known numbers (None = no report at all)."""
    from huerevive import evaluation_report
    from ui.quality import cached_summary

    def use(report: dict | None):
        path = tmp_path / "evaluation.json"
        if report is not None:
            path.write_text(json.dumps(report))
        monkeypatch.setattr(evaluation_report, "REPORT_PATH", path)
        cached_summary.clear()

    yield use
    cached_summary.clear()


# ---------------------------------------------------------------- the app itself


@pytest.fixture(autouse=True)
def _own_result_cache(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    """The home page's hero colorizes a gallery photo into the on-disk cache: keep it out of ~/.cache."""
    monkeypatch.setenv("HUEREVIVE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("HUEREVIVE_COLLECTION", raising=False)


def _app(lang: str, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("HUEREVIVE_LANG", lang)
    monkeypatch.delenv("HUEREVIVE_KIOSK", raising=False)
    return AppTest.from_file(APP, default_timeout=120)


@pytest.mark.slow  # the hero colorizes a photo with the real model
@pytest.mark.parametrize("lang", LANGS)
def test_home_page(lang: str, monkeypatch: pytest.MonkeyPatch, report_file) -> None:
    report_file(REPORT)
    at = _app(lang, monkeypatch).run()
    assert not at.exception
    assert at.title[0].value == t("home.title", lang)
    assert t("home.what", lang) in [m.value for m in at.markdown]
    # The hero: the collection's chosen historical photo, black and white against the model's colours,
    # shown ABOVE the two-sentence introduction.
    from huerevive.collection import default_collection_path, load_collection

    hero = load_collection(default_collection_path()).hero()
    sliders = [h.proto.body for h in at.get("html") if 'data-testid="hr-comparison"' in h.proto.body]
    assert len(sliders) == 1
    from html import escape

    assert f'aria-label="{escape(t("common.before", lang))} / {escape(t("common.after", lang))}"' in sliders[0]
    before, after = _data_uri_images(sliders[0])[1], _data_uri_images(sliders[0])[0]
    assert before.size == after.size == Image.open(hero.image_path).size
    hero_caption = next(c.value for c in at.caption if t("home.hero_hint", lang) in c.value)
    for field in ("title", "era", "place"):
        assert md_escape(hero.text(field, lang)) in hero_caption
    order = [el for el in at.main if el.type in ("html", "markdown")]
    first_slider = next(n for n, el in enumerate(order) if el.type == "html" and "hr-comparison" in el.proto.body)
    intro = next(n for n, el in enumerate(order) if el.type == "markdown" and el.value == t("home.what", lang))
    assert first_slider < intro
    assert quality_sentence(REPORT, lang) in [m.value for m in at.markdown]
    assert {link.proto.page for link in at.page_link} == {"colorize", "gallery", "explainer"}  # url paths
    captions = [c.value for c in at.caption]
    assert t("footer.licence", lang) in captions and t("footer.privacy", lang) in captions
    assert at.sidebar.radio[0].value == lang


@pytest.mark.parametrize("lang", LANGS)
def test_about_page_reads_the_report(lang: str, monkeypatch: pytest.MonkeyPatch, report_file) -> None:
    report_file(REPORT)
    at = _app(lang, monkeypatch).run()
    at.switch_page(page_file("about")).run()
    assert not at.exception
    assert at.title[0].value == t("about.title", lang)
    table = at.dataframe[0].value
    values = table[t("quality.model", lang)].tolist()
    assert values == ["23.46", "0.912", "0.146", "12.3", "8.1", "31.2"]
    assert t("about.credits", lang) in [m.value for m in at.markdown]
    assert "EfficientNet-Lite0" in t("footer.licence", lang) and "LPIPS" in t("footer.licence", lang)


def test_about_page_without_a_report(monkeypatch: pytest.MonkeyPatch, report_file) -> None:
    report_file(None)
    at = _app("en", monkeypatch).run()
    at.switch_page(page_file("about")).run()
    assert not at.exception
    assert t("quality.none", "en") in [i.value for i in at.info]
    assert len(at.dataframe) == 0


def test_language_switch_changes_every_page(monkeypatch: pytest.MonkeyPatch, report_file) -> None:
    report_file(REPORT)
    at = _app("ko", monkeypatch).run()
    assert at.title[0].value == t("home.title", "ko")
    assert t("home.what", "ko") in [m.value for m in at.markdown]
    at.sidebar.radio[0].set_value("en").run()
    assert not at.exception
    assert t("home.what", "en") in [m.value for m in at.markdown]
    at.switch_page(page_file("colorize")).run()
    assert at.title[0].value == t("colorize.title", "en")  # the choice survives page changes
    at.switch_page(page_file("home")).run()
    assert t("home.what", "en") in [m.value for m in at.markdown]


@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders(page: str, lang: str, monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setenv("HUEREVIVE_CACHE_DIR", str(tmp_path / "cache"))
    at = _app(lang, monkeypatch).run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title, f"{page} shows no title"
    # (AppTest.switch_page runs the page file alone, so the entrypoint's footer is checked in test_home_page.)

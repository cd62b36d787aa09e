"""The Gallery page through Streamlit's AppTest, with the real model and real collections."""

from __future__ import annotations

import base64
import html as html_lib
import io
import re
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from conftest import REPO
from huerevive.collection import default_collection_path, load_collection
from ui.comparison import display_copy
from ui.i18n import t
from ui.text import md_escape

PAGE = REPO / "app_pages" / "gallery.py"
CHOSEN_KEY = "hr_gallery_photo"
TIMEOUT = 300  # first runs load the model and colorize on 2 CPU cores

pytestmark = pytest.mark.slow  # every test here runs the real model through the page


@pytest.fixture(scope="module")
def result_cache_dir(tmp_path_factory) -> Path:
    """One throw-away on-disk result cache for this module, so tests never touch ~/.cache."""
    return tmp_path_factory.mktemp("result-cache")


@pytest.fixture
def page_env(monkeypatch, result_cache_dir):
    """Run pages from the repo root (as `streamlit run streamlit_app.py` does) with an isolated cache."""
    monkeypatch.syspath_prepend(str(REPO))
    monkeypatch.chdir(REPO)
    monkeypatch.setenv("HUEREVIVE_CACHE_DIR", str(result_cache_dir))
    monkeypatch.delenv("HUEREVIVE_COLLECTION", raising=False)
    return monkeypatch


def run_gallery(lang: str = "en", chosen: str | None = None) -> AppTest:
    at = AppTest.from_file(str(PAGE), default_timeout=TIMEOUT)
    at.session_state["huerevive_lang"] = lang
    if chosen is not None:
        at.session_state[CHOSEN_KEY] = chosen
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(at: AppTest) -> list[str]:
    """Everything the page wrote as text: markdown, captions, headings, plain text, alerts."""
    found = [el.value for el in (*at.markdown, *at.caption, *at.title, *at.subheader, *at.text, *at.info)]
    return [str(v) for v in found]


def comparison(at: AppTest) -> str:
    bodies = [h.value for h in at.html if 'data-testid="hr-comparison"' in h.value]
    assert len(bodies) == 1, "the detail view shows exactly one comparison slider"
    return bodies[0]


def labels(html: str) -> list[str]:
    """The slider's two visible labels, HTML-unescaped."""
    return [html_lib.unescape(m) for m in re.findall(r'<span class="hr-label hr-label-\w+">([^<]*)</span>', html)]


def slider_image(html: str, layer: str) -> np.ndarray:
    """Decode the 'before' or 'after' image of the comparison slider from its data URI."""
    match = re.search(rf'<img class="hr-{layer}" src="data:image/\w+;base64,([^"]+)"', html)
    assert match, f"no {layer} image in the slider"
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(match.group(1)))).convert("RGB"), dtype=np.int16)


def unescape(markdown: str) -> str:
    return re.sub(r"\\(.)", r"\1", markdown.replace("  \n", "\n"))


def write_png(path: Path, size=(96, 64), value=120, gradient=True) -> None:
    """A small synthetic gray photo (a horizontal gradient), made here rather than copied from ../shared."""
    row = np.linspace(30, 220, size[0]) if gradient else np.full(size[0], value)
    Image.fromarray(np.tile(row.astype(np.uint8), (size[1], 1)), "L").save(path)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_gallery_page_in_both_languages(page_env, lang) -> None:
    collection = load_collection(default_collection_path())
    assert collection.photos and not collection.problems
    at = run_gallery(lang)
    assert at.title[0].value == t("gallery.title", lang)
    shown = texts(at)
    assert t("gallery.intro", lang) in shown
    assert t("gallery.count", lang, n=len(collection.photos)) in shown
    assert md_escape(collection.text("title", lang)) in shown
    open_buttons = [b for b in at.button if b.key and b.key.startswith("hr_gallery_open_")]
    assert len(open_buttons) == len(collection.photos)
    assert all(b.label == t("gallery.open", lang) for b in open_buttons)
    assert len(at.image) >= len(collection.photos)  # one thumbnail per photo
    first = collection.photos[0]
    assert at.subheader[0].value == md_escape(first.text("title", lang))
    html = comparison(at)
    assert labels(html) == [t("common.before", lang), t("common.after", lang)]
    assert not at.expander  # the default collection has no problems to list
    # The rooms, as headings in the manifest's order, each with its description.
    rooms = collection.rooms()
    assert [h.value for h in at.header] == [md_escape(r.text("title", lang)) for r in rooms]
    captions = [c.value for c in at.caption]
    assert all(md_escape(r.text("description", lang)) in captions for r in rooms)


def _page_order(at: AppTest) -> list[tuple[str, str]]:
    """(kind, text) of the page's headings, subheadings and open buttons, top to bottom."""
    out = []
    for el in at.main:  # depth-first, in page order
        if el.type in ("header", "subheader"):
            out.append((el.type, el.value))
        elif el.type == "button" and (el.key or "").startswith("hr_gallery_open_"):
            out.append(("button", el.key.removeprefix("hr_gallery_open_")))
    return out


def test_rooms_in_order_and_the_close_up_under_its_room(page_env) -> None:
    collection = load_collection(default_collection_path())
    chosen = next(p for p in collection.photos if p.section == "places")
    at = run_gallery("en", chosen=chosen.id)
    order = _page_order(at)
    headers = [text for kind, text in order if kind == "header"]
    assert headers == [md_escape(r.section.text("title", "en")) for r in collection.rooms()]
    # Every photo's button sits under its own room's heading, rooms in order, photos in manifest order.
    room_of, current = {}, None
    for kind, text in order:
        if kind == "header":
            current = text
        elif kind == "button":
            room_of[text] = current
    for photo in collection.photos:
        assert room_of[photo.id] == md_escape(collection.rooms()[[r.section.id for r in collection.rooms()]
                                               .index(photo.section)].section.text("title", "en")), photo.id
    assert [text for kind, text in order if kind == "button"] == [p.id for p in collection.photos]
    # The close-up opens right after the chosen photo's room, before the next room's heading.
    close_up = order.index(("subheader", md_escape(chosen.text("title", "en"))))
    places = order.index(("header", "Buildings and landscapes"))
    following = order.index(("header", md_escape(collection.rooms()[3].section.text("title", "en"))))
    assert places < close_up < following
    assert max(n for n, (kind, text) in enumerate(order) if text in {p.id for p in collection.photos
                                                                     if p.section == "places"}) < close_up


def test_true_colour_photo_shows_black_and_white_the_model_and_the_real_colours(page_env, colorizer) -> None:
    collection = load_collection(default_collection_path())
    photo = next(p for p in collection.photos if p.section == "true-colour")
    for lang in ("ko", "en"):
        at = run_gallery(lang, chosen=photo.id)
        captions = [c.value for c in at.caption]
        trio = [t(k, lang) for k in ("gallery.trio_gray", "gallery.trio_model", "gallery.trio_truth")]
        assert [c for c in captions if c in trio] == trio  # side by side, in this order
        toggle = at.toggle(key=f"hr_gallery_truth_{photo.id}")
        assert toggle.label == t("gallery.compare_original", lang) and toggle.value is False
        assert labels(comparison(at)) == [t("common.before", lang), t("common.after", lang)]
        toggle.set_value(True).run()
        assert not at.exception
        html = comparison(at)
        assert labels(html) == [t("common.original", lang), t("common.after", lang)]
        # The slider's left side is now Prokudin-Gorskii's own colour photograph.
        before = slider_image(html, "before")
        with Image.open(photo.original_path) as img:
            original = np.asarray(img.convert("RGB").resize(before.shape[1::-1], Image.Resampling.LANCZOS), np.int16)
        assert np.abs(before - original).mean() < 6.0  # the same picture, up to the slider's JPEG on a grainy scan
        assert np.abs(before[..., 0] - before[..., 2]).mean() > 10.0  # in colour
        after = slider_image(html, "after")
        expected = np.asarray(display_copy(colorizer.colorize(photo.image_path)), dtype=np.int16)
        assert np.abs(after - expected).mean() < 2.5  # and the right side is the model's guess


def test_slider_shows_gray_input_and_the_real_colorization(page_env, colorizer) -> None:
    photo = load_collection(default_collection_path()).photos[0]
    html = comparison(run_gallery("en"))
    before, after = slider_image(html, "before"), slider_image(html, "after")
    # Before: the lightness the model sees, R = G = B up to JPEG noise.
    assert np.abs(before[..., 0] - before[..., 2]).mean() < 2.0
    expected = np.asarray(display_copy(colorizer.colorize(photo.image_path)), dtype=np.int16)
    assert after.shape == expected.shape
    assert np.abs(after - expected).mean() < 2.5  # the same picture, up to JPEG compression
    assert np.abs(after[..., 0] - after[..., 2]).mean() > 2.0  # and it has colour


def test_every_default_photo_renders_in_the_detail_view(page_env) -> None:
    collection = load_collection(default_collection_path())
    at = run_gallery("en")
    for photo in collection.photos:
        at.button(key=f"hr_gallery_open_{photo.id}").click().run()
        assert not at.exception, (photo.id, [e.value for e in at.exception])
        assert at.session_state[CHOSEN_KEY] == photo.id
        assert at.subheader[0].value == md_escape(photo.text("title", "en")), photo.id
        shown = texts(at)
        assert md_escape(photo.text("story", "en")) in shown, photo.id
        for label, value in (("gallery.credit", photo.credit), ("gallery.licence", photo.licence),
                             ("gallery.source", photo.source)):
            assert f"**{t(label, 'en')}:** {md_escape(value)}" in shown, (photo.id, label)
        training_note = t("gallery.in_training_yes" if photo.in_training else "gallery.in_training_no", "en")
        assert training_note in shown, photo.id
        html = comparison(at)
        assert labels(html) == [t("common.before", "en"), t("common.after", "en")], photo.id
        toggles = [tg for tg in at.toggle if tg.key == f"hr_gallery_truth_{photo.id}"]
        trio = [c.value for c in at.caption if c.value == t("gallery.trio_truth", "en")]
        if photo.original_path is None:
            assert not toggles and not trio, photo.id
            continue
        assert trio, photo.id  # black and white, the model's guess and the real colours side by side
        assert len(toggles) == 1, photo.id
        toggles[0].set_value(True).run()
        assert not at.exception, photo.id
        assert labels(comparison(at)) == [t("common.original", "en"), t("common.after", "en")], photo.id
        # With the toggle on, the slider's left side is the original in colour, not gray.
        before = slider_image(comparison(at), "before")
        assert np.abs(before[..., 0] - before[..., 2]).mean() > 2.0, photo.id


def test_hostile_manifest_text_shows_literally(page_env, tmp_path) -> None:
    write_png(tmp_path / "a.png")
    title = "<script>alert('t')</script> **bold** [link](javascript:alert(1)) :red[x] $x^2$"
    story = "<img src=x onerror=alert(1)>\n# heading\n<iframe src='https://example.com'></iframe> _em_ `code`"
    credit = "<b>Mallory</b> & <a href='http://evil.example'>click</a>"
    (tmp_path / "collection.toml").write_text(
        f"""
title = {{ en = "<h1>Owned</h1>", ko = "<h1>Owned</h1>" }}
[[photos]]
id = "evil"
file = "a.png"
title = {{ en = {title!r}, ko = {title!r} }}
era = "<marquee>1900</marquee>"
place = "**Nowhere**"
story = {{ en = {story!r} }}
credit = {credit!r}
licence = "[CC0](http://evil.example)"
source = "javascript:alert(1)"
in_training = false
""",
        encoding="utf-8",
    )
    collection = load_collection(tmp_path)
    assert [p.id for p in collection.photos] == ["evil"], collection.problems
    page_env.setenv("HUEREVIVE_COLLECTION", str(tmp_path))
    for lang in ("en", "ko"):
        at = run_gallery(lang)
        shown = texts(at)
        photo = collection.photos[0]
        assert at.subheader[0].value == md_escape(title)
        assert md_escape(photo.text("story", lang)) in shown  # Korean falls back to the English story
        for raw in (title, photo.text("story", lang), credit, photo.era, photo.place, photo.licence, "<h1>Owned</h1>"):
            assert any(md_escape(raw) in s for s in shown), raw
            # What is shown reads back as exactly the manifest's text once Markdown removes its escapes.
            assert unescape(md_escape(raw)) == raw
        for text in shown:
            # Markdown/HTML openers may appear only escaped ("\\<"), in any element of the page.
            assert re.search(r"(?<!\\)[<\[`$]", text) is None, text
        html = comparison(at)
        for fragment in ("<script>alert", "onerror", "<iframe", "evil.example", "<marquee>"):
            assert fragment not in html


def test_broken_entry_is_listed_and_the_rest_still_shows(page_env, tmp_path) -> None:
    write_png(tmp_path / "good1.png")
    write_png(tmp_path / "good2.png", gradient=False)
    (tmp_path / "notes.png").write_bytes(b"this is not a picture")
    entry = """
[[photos]]
id = "{id}"
file = "{file}"
title = {{ en = "Photo {id}" }}
era = "1950s"
place = "Somewhere"
story = {{ en = "A story." }}
credit = "Someone"
licence = "CC0"
source = "made for the test"
in_training = false
"""
    (tmp_path / "collection.toml").write_text(
        "".join(entry.format(id=i, file=f) for i, f in
                (("good1", "good1.png"), ("missing", "nope.png"), ("notimage", "notes.png"), ("good2", "good2.png"))),
        encoding="utf-8",
    )
    page_env.setenv("HUEREVIVE_COLLECTION", str(tmp_path))
    problems = load_collection(tmp_path).problems
    assert len(problems) == 2
    at = run_gallery("en", chosen="good2")
    assert len(at.expander) == 1
    assert at.expander[0].label == t("gallery.problems", "en", n=2)
    listed = [el.value for el in at.expander[0].text]
    assert listed == problems
    assert any("'missing'" in line and "does not exist" in line for line in listed)
    assert any("'notimage'" in line and "not a readable image" in line for line in listed)
    keys = [b.key for b in at.button if b.key and b.key.startswith("hr_gallery_open_")]
    assert keys == ["hr_gallery_open_good1", "hr_gallery_open_good2"]
    assert at.subheader[0].value == md_escape("Photo good2")
    comparison(at)


def test_a_photo_damaged_after_the_manifest_check_gets_a_message(page_env, tmp_path) -> None:
    """A JPEG cut short passes the manifest's header check but cannot be decoded: say so, keep the page up."""
    write_png(tmp_path / "good.png")
    buf = io.BytesIO()
    Image.fromarray(np.tile(np.arange(256, dtype=np.uint8), (200, 1))).save(buf, "JPEG", quality=95)
    (tmp_path / "cut.jpg").write_bytes(buf.getvalue()[: len(buf.getvalue()) // 2])
    entry = """
[[photos]]
id = "{id}"
file = "{file}"
title = {{ en = "Photo {id}" }}
era = "1950s"
place = "Somewhere"
story = {{ en = "A story." }}
credit = "Someone"
licence = "CC0"
source = "made for the test"
in_training = false
"""
    (tmp_path / "collection.toml").write_text(entry.format(id="cut", file="cut.jpg") + entry.format(id="good", file="good.png"),
                                              encoding="utf-8")
    assert [p.id for p in load_collection(tmp_path).photos] == ["cut", "good"]
    page_env.setenv("HUEREVIVE_COLLECTION", str(tmp_path))
    at = run_gallery("en")  # "cut" is the first photo, so the detail view shows it
    message = t("gallery.photo_error", "en", reason="")
    assert sum(w.value.startswith(message) for w in at.warning) == 1  # its grid tile
    assert len(at.error) == 1 and at.error[0].value.startswith(message)
    assert "truncated" in at.error[0].value
    assert not [h for h in at.html if 'data-testid="hr-comparison"' in h.value]
    assert len(at.image) == 1  # the good photo's tile still shows
    at.button(key="hr_gallery_open_good").click().run()
    assert not at.exception and not at.error
    comparison(at)


def test_collection_from_env_pointing_at_the_historical_folder(page_env, historical_dir) -> None:
    page_env.setenv("HUEREVIVE_COLLECTION", str(historical_dir))
    collection = load_collection(historical_dir)
    assert len(collection.photos) == len(list(historical_dir.glob("*.png")))
    for lang in ("en", "ko"):
        at = run_gallery(lang, chosen=collection.photos[-1].id)
        keys = [b.key for b in at.button if b.key and b.key.startswith("hr_gallery_open_")]
        assert len(keys) == len(collection.photos)
        # No manifest: the page says so instead of inventing credits.
        assert [el.value for el in at.expander[0].text] == collection.problems
        assert at.subheader[0].value == md_escape(collection.photos[-1].text("title", lang))
        assert t("gallery.in_training_no", lang) in texts(at)
        assert not at.header  # no sections: one grid with no room headings, as before
        comparison(at)


def test_unknown_room_is_listed_and_its_photo_shows_under_more_photos(page_env, tmp_path) -> None:
    write_png(tmp_path / "a.png")
    write_png(tmp_path / "b.png", gradient=False)
    entry = """
[[photos]]
id = "{id}"
file = "{id}.png"
section = "{section}"
title = {{ en = "Photo {id}", ko = "사진 {id}" }}
era = 1910
place = ""
story = {{ en = "A story." }}
credit = "Someone"
licence = "CC0"
source = "made for the test"
in_training = false
"""
    sections = '[[sections]]\nid = "harbour"\ntitle = { en = "The <harbour>", ko = "항구" }\n'
    (tmp_path / "collection.toml").write_text(
        sections + entry.format(id="a", section="harbour") + entry.format(id="b", section="habour"), encoding="utf-8")
    page_env.setenv("HUEREVIVE_COLLECTION", str(tmp_path))
    for lang in ("en", "ko"):
        at = run_gallery(lang, chosen="b")
        assert [h.value for h in at.header] == [md_escape("The <harbour>" if lang == "en" else "항구"),
                                                t("gallery.room_other", lang)]
        listed = [el.value for el in at.expander[0].text]
        assert len(listed) == 1 and "section 'habour' is not an id of [[sections]]" in listed[0]
        assert at.subheader[0].value == md_escape("Photo b" if lang == "en" else "사진 b")
        comparison(at)

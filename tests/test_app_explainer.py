"""The Explainer page through Streamlit's AppTest, with the real model, real photos and huerevive.metrics."""

from __future__ import annotations

import base64
import io
import json
import re
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

import huerevive.evaluation_report as evaluation_report
from conftest import REPO, use_weights
from huerevive import metrics
from huerevive.collection import default_collection_path, load_collection
from huerevive.image_input import load_image
from ui import channels
from ui.i18n import t
from ui.quality import cached_summary
from ui.text import md_escape

PAGE = REPO / "app_pages" / "explainer.py"
PLATE_IMAGES = 5  # blue, green, red, combined, and the whole plate (in an expander)
WHAT_IF_IMAGES = 3  # automatic, with one colour hint, where the colour changed
LOOK_IMAGES = 4  # the close look alone, the far look alone, both mixed, where it may be gray (as shipped: two looks, a fade)
PHOTO_IMAGES = 4 + LOOK_IMAGES + 4  # L, a, b, result; the two looks' step; four saturations
UPLOAD_KEY = "hr_explain_upload"
TIMEOUT = 300
METRIC_NAMES = tuple(channels.SCORE_BETTER)
# Half a unit in the last shown decimal, plus float slack: the page rounds, we do not.
SHOWN_TOLERANCE = {name: 0.5 * 10 ** -decimals + 1e-9 for name, decimals in channels.SCORE_DECIMALS.items()}

pytestmark = pytest.mark.slow  # every test here runs the real model through the page


@pytest.fixture
def page_env(monkeypatch, tmp_path):
    """Repo root on the path, an empty on-disk cache folder to prove uploads never land there, no report."""
    monkeypatch.syspath_prepend(str(REPO))
    monkeypatch.chdir(REPO)
    cache = tmp_path / "cache"
    monkeypatch.setenv("HUEREVIVE_CACHE_DIR", str(cache))
    monkeypatch.delenv("HUEREVIVE_COLLECTION", raising=False)
    monkeypatch.setattr(evaluation_report, "REPORT_PATH", tmp_path / "no-report.json")
    cached_summary.clear()
    yield monkeypatch
    cached_summary.clear()


def run_explainer(lang: str = "en", at: AppTest | None = None) -> AppTest:
    if at is None:
        at = AppTest.from_file(str(PAGE), default_timeout=TIMEOUT)
        at.session_state["huerevive_lang"] = lang
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def shown_metrics(at: AppTest, lang: str) -> dict[str, tuple[str, str]]:
    """{metric: (our value, grayscale value)} exactly as the page displays them."""
    by_label = {m.label: m.value for m in at.metric}
    out = {}
    for name in METRIC_NAMES:
        metric = t(f"explainer.{name}_name", lang)
        out[name] = (by_label[t("explainer.ours", lang, metric=metric)], by_label[t("explainer.gray", lang, metric=metric)])
    return out


def assert_shows(displayed: str, value: float, name: str) -> None:
    assert abs(float(displayed) - value) <= SHOWN_TOLERANCE[name], (name, displayed, value)


def independent_scores(pred: np.ndarray, truth: np.ndarray) -> dict[str, float]:
    return {
        "psnr": metrics.psnr(pred, truth),
        "ssim": metrics.ssim(pred, truth),
        "lpips": metrics.lpips_distance(pred, truth),
        "colourfulness": metrics.colourfulness(pred),
    }


def plotly_array(value) -> np.ndarray:
    """An array from a plotly JSON spec: a plain (nested) list, or plotly's base64 typed-array form."""
    if isinstance(value, dict) and "bdata" in value:
        arr = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
        shape = value.get("shape")
        return arr.reshape([int(n) for n in str(shape).split(",")]) if shape else arr
    return np.array([[np.nan if v is None else v for v in row] for row in value] if isinstance(value[0], list)
                    else value, dtype=float)


def what_if_images() -> int:
    """The "what if?" step's pictures on a gallery photo: 3 with weights that take hints, none (a note) without."""
    from ui.model import get_colorizer

    return WHAT_IF_IMAGES if get_colorizer().model.hints is not None else 0


def first_photo_with_truth():
    return next(p for p in load_collection(default_collection_path()).photos if p.original_path is not None)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_explainer_page_in_both_languages(page_env, lang) -> None:
    at = run_explainer(lang)
    assert at.title[0].value == t("explainer.title", lang)
    assert at.radio[0].value == "gallery"
    captions = [c.value for c in at.caption]
    for key in ("l_caption", "a_caption", "b_caption", "result_caption", "ab_caption", "strip_caption", "fid_explain"):
        assert t(f"explainer.{key}", lang) in captions, key
    for s in ("0", "0.5", "1", "1.5"):
        assert t("explainer.strip_item", lang, s=s) in captions
    # The glass plate's 3 exposures + their combination + the whole plate; L, a, b, result; the two looks alone and
    # mixed; four saturations; the "what if?" step's three pictures when the weights take hints.
    assert len(at.image) == PLATE_IMAGES + PHOTO_IMAGES + what_if_images()
    headings = [h.value for h in at.subheader]
    steps = [t(k, lang) for k in ("explainer.plate_heading", "explainer.channels_heading", "looks.heading",
                                  "explainer.ab_heading", "explainer.strip_heading", "explainer.scores_heading",
                                  "whatif.heading")]
    assert [int(step.split(".")[0]) for step in steps] == list(range(1, 8))  # numbered in the order shown
    assert [h for h in headings if h in steps] == steps  # the steps in order, colour photography first
    assert [h for h in headings if h in steps] == steps  # the steps in order, colour photography first
    assert len(at.get("plotly_chart")) == 1
    assert len(at.metric) == 2 * len(METRIC_NAMES)  # the default gallery's first photo has its original
    # No report in this test: the page says so instead of showing numbers.
    assert t("quality.none", lang) in [i.value for i in at.info]


def test_gallery_photo_numbers_equal_huerevive_metrics(page_env, colorizer) -> None:
    photo = first_photo_with_truth()
    at = run_explainer("en")
    assert at.selectbox[0].value.id == photo.id
    shown = shown_metrics(at, "en")
    truth = load_image(photo.original_path).rgb
    ours = independent_scores(colorizer.colorize_detailed(photo.image_path, 1.0).rgb, truth)
    # The plain grayscale: the gallery file's own gray levels (it is stored without colour).
    gray = independent_scores(load_image(photo.image_path).rgb, truth)
    for name in METRIC_NAMES:
        assert_shows(shown[name][0], ours[name], name)
    assert shown["colourfulness"][1] == "0.0"
    # Our gray is rebuilt from L, so it may differ from the file by one 8-bit level here and there.
    assert float(shown["psnr"][1]) == pytest.approx(gray["psnr"], abs=0.1)
    assert float(shown["ssim"][1]) == pytest.approx(gray["ssim"], abs=0.003)
    assert float(shown["lpips"][1]) == pytest.approx(gray["lpips"], abs=0.003)
    truth_line = t("explainer.truth_colourfulness", "en", value=f"{metrics.colourfulness(truth):.1f}")
    assert truth_line in [c.value for c in at.caption]


def test_ab_plot_shows_this_photos_predicted_colours(page_env, colorizer) -> None:
    photo = first_photo_with_truth()
    at = run_explainer("en")
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    heat = spec["data"][0]
    result = colorizer.colorize_detailed(photo.image_path, 1.0)
    _, ab_small = channels.shrink_planes(result.l, result.ab)
    share, centres = channels.ab_histogram(ab_small)
    assert np.allclose(plotly_array(heat["customdata"]), np.round(share * 100, 2))
    assert np.allclose(plotly_array(heat["x"]), centres) and np.allclose(plotly_array(heat["y"]), centres)
    assert share.max() < 0.9  # a real photo's colours spread over many cells
    assert spec["layout"]["xaxis"]["title"]["text"] == t("explainer.ab_axis_a", "en")


def upload_bytes(path: Path, fmt: str = "JPEG", gray: bool = False, max_side: int = 480) -> bytes:
    """A real photo, shrunk (and optionally made gray) in memory, as the bytes a browser would send."""
    img = Image.open(path).convert("L" if gray else "RGB")
    img.thumbnail((max_side, max_side))
    buf = io.BytesIO()
    img.save(buf, fmt, quality=92) if fmt == "JPEG" else img.save(buf, fmt)
    return buf.getvalue()


def test_colour_upload_is_scored_against_itself_and_never_stored(page_env, photos_dir, colorizer, tmp_path) -> None:
    path = sorted((photos_dir / "val").glob("*.jpg"))[3]
    data = upload_bytes(path)
    at = run_explainer("en")
    at.radio[0].set_value("upload")
    run_explainer(at=at)
    assert t("explainer.waiting", "en") in [i.value for i in at.info]
    at.file_uploader[0].set_value(("my photo.jpg", data, "image/jpeg"))
    run_explainer(at=at)
    assert len(at.image) == PLATE_IMAGES + PHOTO_IMAGES
    truth = load_image(data).rgb
    ours = independent_scores(colorizer.colorize_detailed(data, 1.0).rgb, truth)
    shown = shown_metrics(at, "en")
    for name in METRIC_NAMES:
        assert_shows(shown[name][0], ours[name], name)
    assert not (tmp_path / "cache").exists()  # nothing written to the on-disk result cache
    held = at.session_state[UPLOAD_KEY]
    assert held[1].l_small.shape == truth.shape[:2]  # small upload: the preview is full size
    # Another visitor (a fresh session) sees nothing of it.
    other = run_explainer("en")
    other.radio[0].set_value("upload")
    run_explainer(at=other)
    assert UPLOAD_KEY not in other.session_state
    assert not other.metric and len(other.image) == PLATE_IMAGES  # only the glass plate
    # Clearing the uploader forgets the photo.
    at.file_uploader[0].set_value(None)
    run_explainer(at=at)
    assert UPLOAD_KEY not in at.session_state
    assert len(at.image) == PLATE_IMAGES


def test_gray_upload_explains_but_has_nothing_to_score(page_env, photos_dir) -> None:
    data = upload_bytes(sorted((photos_dir / "val").glob("*.jpg"))[5], fmt="PNG", gray=True)
    for lang in ("ko", "en"):
        at = run_explainer(lang)
        at.radio[0].set_value("upload")
        run_explainer(at=at)
        at.file_uploader[0].set_value(("grandma.png", data, "image/png"))
        run_explainer(at=at)
        assert len(at.image) == PLATE_IMAGES + PHOTO_IMAGES
        assert not at.metric
        assert t("explainer.scores_none", lang) in [i.value for i in at.info]
        assert t("whatif.heading", lang) not in [h.value for h in at.subheader]  # gallery photos only


def test_bad_upload_gets_a_clear_message(page_env) -> None:
    at = run_explainer("en")
    at.radio[0].set_value("upload")
    run_explainer(at=at)
    at.file_uploader[0].set_value(("notes*<b>x</b>.png", b"this is not a picture", "image/png"))
    run_explainer(at=at)
    assert len(at.error) == 1
    message = at.error[0].value
    assert "could not be read as a photo" in message
    # The visitor's file name shows literally: every Markdown/HTML character escaped.
    assert md_escape("notes*<b>x</b>.png") in message and re.search(r"(?<!\\)<", message) is None
    assert len(at.image) == PLATE_IMAGES and not at.metric


def test_set_level_scores_come_from_the_evaluation_report(page_env, tmp_path) -> None:
    report = {
        "summary": {
            "model": {"psnr": 23.456, "ssim": 0.9123, "lpips": 0.1789, "fid": 31.27, "colourfulness": 38.04},
            "grayscale": {"psnr": 22.1, "ssim": 0.932, "lpips": 0.2201, "fid": 58.71, "colourfulness": 0.0},
            "truth": {"colourfulness": 41.57},
        },
        "images": 117,
        "subsets": {},
    }
    path = tmp_path / "evaluation.json"
    path.write_text(json.dumps(report), encoding="utf-8")
    page_env.setattr(evaluation_report, "REPORT_PATH", path)
    cached_summary.clear()
    at = run_explainer("en")
    table = at.dataframe[0].value
    rows = {row[t("quality.metric", "en")]: row for row in table.to_dict("records")}
    fid_row = rows[t("quality.fid", "en")]
    assert fid_row[t("quality.model", "en")] == "31.3"
    assert fid_row[t("quality.grayscale", "en")] == "58.7"
    assert rows[t("quality.psnr", "en")][t("quality.model", "en")] == "23.46"
    assert rows[t("quality.lpips", "en")][t("quality.grayscale", "en")] == "0.220"
    assert rows[t("quality.colourfulness", "en")][t("quality.truth", "en")] == "41.6"
    assert t("quality.none", "en") not in [i.value for i in at.info]


def test_explainer_with_the_historical_collection(page_env, historical_dir) -> None:
    page_env.setenv("HUEREVIVE_COLLECTION", str(historical_dir))
    at = run_explainer("ko")
    assert at.selectbox[0].value.image_path.parent == historical_dir.resolve()
    # The plate step comes with the site, whatever the collection.
    assert len(at.image) == PLATE_IMAGES + PHOTO_IMAGES + what_if_images()
    assert not at.metric
    assert t("explainer.scores_none", "ko") in [i.value for i in at.info]


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_plate_step_shows_three_filtered_exposures_and_their_combination(page_env, lang) -> None:
    from huerevive.plates import load_plate_exhibit

    exhibit = load_plate_exhibit()
    at = run_explainer(lang)
    markdown = [m.value for m in at.markdown]
    labels = [f":{c}[**{t(f'explainer.plate_{n}_name', lang)}**]"
              for n, c in (("blue", "blue"), ("green", "green"), ("red", "red"), ("colour", "rainbow"))]
    assert [m for m in markdown if m in labels] == labels  # labelled blue, green, red, then combined
    captions = [c.value for c in at.caption]
    steps = [t(f"explainer.plate_{k}", lang) for k in ("blue", "green", "red", "combined")]
    assert [c for c in captions if c in steps] == steps
    assert t("explainer.plate_intro", lang) in markdown and t("explainer.plate_model", lang) in markdown
    assert md_escape(f"{exhibit.text(lang)}, {exhibit.era} · {exhibit.credit} · {exhibit.licence}") in captions
    assert at.expander[0].label == t("explainer.plate_whole", lang)
    assert t("explainer.plate_whole_caption", lang) in [c.value for c in at.expander[0].caption]
    # The four pictures of the step are the exhibit's files, served as they are.
    first_four = [img.proto.imgs[0].url for img in at.image[:4]]
    assert len(set(first_four)) == 4


def test_plate_step_without_its_files_says_so(page_env, tmp_path) -> None:
    from ui.plate_step import cached_exhibit

    assert cached_exhibit(str(tmp_path)) is None
    at = AppTest.from_function(_plate_app, args=(str(tmp_path),)).run()
    assert not at.exception
    assert [w.value for w in at.warning] == [t("explainer.plate_missing", "en")]
    assert not at.image


def _plate_app(folder: str) -> None:
    from ui.plate_step import plate_step

    plate_step("en", folder)


def test_explainer_starts_on_a_photo_with_real_colours(page_env) -> None:
    collection = load_collection(default_collection_path())
    assert not collection.photos[0].has_truth  # the gallery opens on a historical photo...
    at = run_explainer("en")
    chosen = at.selectbox[0].value
    assert chosen.id == next(p for p in collection.photos if p.has_truth).id  # ...the explainer on a scored one
    assert chosen.section == "true-colour" and at.metric


# ---------------------------------------------------------------- "what if?": one colour hint on a gallery photo

from ui import what_if  # noqa: E402
from ui.what_if_step import COLOUR_KEY, DEFAULT_COLOUR, X_KEY, Y_KEY, what_if_for  # noqa: E402


def _what_if_captions(lang: str, colour: str) -> list[str]:
    return [t("whatif.auto_caption", lang), t("whatif.hinted_caption", lang, colour=colour),
            t("whatif.change_caption", lang, full=f"{what_if.HEAT_FULL_SCALE:g}")]


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_what_if_step_with_weights_that_take_hints(page_env, request, weights_files, lang) -> None:
    use_weights(page_env, request, weights_files["hints"])  # the shipped weights' hint branch, or a zero one
    at = run_explainer(lang)
    assert len(at.image) == PLATE_IMAGES + PHOTO_IMAGES + WHAT_IF_IMAGES
    headings = [h.value for h in at.subheader]
    assert headings.index(t("whatif.heading", lang)) == headings.index(t("explainer.scores_heading", lang)) + 1
    captions = [c.value for c in at.caption]
    assert [c for c in captions if c in _what_if_captions(lang, DEFAULT_COLOUR)] == _what_if_captions(lang, DEFAULT_COLOUR)
    assert t("whatif.spread", lang) in [m.value for m in at.markdown]
    share = re.compile(re.escape(t("whatif.share", lang, share="@")).replace("@", r"\d{1,3}") + "$")
    assert [c for c in captions if share.match(c)], "the share of the photo that changed is given"
    assert t("whatif.unavailable", lang) not in [i.value for i in at.info]
    # Another spot and colour: the page follows, without clicking on the photo.
    at.slider(key=X_KEY).set_value(10)
    at.slider(key=Y_KEY).set_value(90)
    at.color_picker(key=COLOUR_KEY).set_value("#00ff00")
    run_explainer(at=at)
    assert t("whatif.hinted_caption", lang, colour="#00ff00") in [c.value for c in at.caption]
    assert len(at.image) == PLATE_IMAGES + PHOTO_IMAGES + WHAT_IF_IMAGES


def test_what_if_step_without_hints_says_it_needs_the_hint_model(page_env, request, weights_files) -> None:
    use_weights(page_env, request, weights_files["plain"])
    at = run_explainer("ko")
    assert t("whatif.heading", "ko") in [h.value for h in at.subheader]
    assert t("whatif.unavailable", "ko") in [i.value for i in at.info]
    assert len(at.image) == PLATE_IMAGES + PHOTO_IMAGES and not at.color_picker
    assert not [s for s in at.slider if s.key in (X_KEY, Y_KEY)]
    assert len(at.metric) == 2 * len(METRIC_NAMES), "the other steps are all there"


@pytest.fixture(scope="module")
def random_hint_weights(tmp_path_factory) -> Path:
    """The shipped weights with a RANDOM hint branch: hints change the colours near them (not sensibly)."""
    import torch

    from huerevive.model_loading import DEFAULT_WEIGHTS, make_checkpoint, model_from_checkpoint, read_checkpoint

    ckpt = read_checkpoint(DEFAULT_WEIGHTS)
    model = model_from_checkpoint(ckpt, add_hint_branch=True)
    generator = torch.Generator().manual_seed(0)
    with torch.no_grad():
        for param in model.hints.parameters():
            param.copy_(torch.randn(param.shape, generator=generator) * 0.5)
    path = tmp_path_factory.mktemp("weights") / "random_hints.pt"
    torch.save(make_checkpoint(model, {**ckpt.get("meta", {}), "version": "test-random-hints"}), path)
    return path


@pytest.mark.parametrize(("x_percent", "y_percent"), [(25, 75), (70, 30)])
def test_what_if_change_map_is_centred_on_the_spot(page_env, request, random_hint_weights, x_percent, y_percent) -> None:
    use_weights(page_env, request, random_hint_weights)
    path = first_photo_with_truth().image_path
    photo_size = Image.open(path).size
    shown = what_if_for(str(path), x_percent, y_percent, "#00ff00")
    height, width = shown.change.shape
    assert shown.auto_rgb.shape == shown.hinted_rgb.shape == (height, width, 3)
    assert max(height, width) == min(max(photo_size), channels.PREVIEW_MAX_SIDE)
    spot = what_if.scale_point(what_if.slider_point(x_percent, y_percent, *photo_size), photo_size, (width, height))
    assert shown.spot == pytest.approx(spot)
    assert 0 < what_if.changed_share(shown.change) < 0.5, "one hint changes a part of the photo, not all of it"
    rows, cols = np.indices(shown.change.shape)
    centre = ((cols * shown.change).sum() / shown.change.sum(), (rows * shown.change).sum() / shown.change.sum())
    assert np.hypot(centre[0] - shown.spot[0], centre[1] - shown.spot[1]) < 0.1 * max(width, height)


# ---------------------------------------------------------------- two looks: close up and from further away


def test_two_looks_step_shows_each_look_alone_beside_the_mix(page_env, colorizer) -> None:
    config = colorizer.model.config
    for lang in ("ko", "en"):
        at = run_explainer(lang)
        headings = [h.value for h in at.subheader]
        assert headings.index(t("looks.heading", lang)) == headings.index(t("explainer.channels_heading", lang)) + 1
        intro = t("looks.intro", lang, close=config.working_size, far=config.context_size, share=50)  # as shipped
        assert intro in [m.value for m in at.markdown]
        captions = [c.value for c in at.caption]
        wanted = [t("looks.close_caption", lang, size=config.working_size),
                  t("looks.far_caption", lang, size=config.context_size), t("looks.both_caption", lang)]
        assert [c for c in captions if c in wanted] == wanted
        assert t("looks.once", lang, size=config.working_size) not in [i.value for i in at.info]
        assert config.neutral_fade > 0 and t("looks.fade", lang) in [m.value for m in at.markdown]  # as shipped
        assert t("looks.gray_caption", lang) in captions  # and the map of what the fade reads
        # The shipped weights sum up the whole photo: a sentence on it, between the looks and the fade.
        texts = [m.value for m in at.markdown]
        assert config.scene_context and texts.index(intro) < texts.index(t("looks.scene", lang)) < texts.index(
            t("looks.fade", lang))


def test_each_look_is_that_look_alone_at_preview_size(colorizer, photos_dir) -> None:
    """The step's pictures: the close look's colour is the same weights with the far look off; the far look's differs."""
    import copy

    from huerevive.pipeline import Colorizer
    from ui.looks_step import each_look

    loaded = load_image(sorted((photos_dir / "val").glob("*.jpg"))[3])
    shown = channels.explain(colorizer.colorize_loaded(loaded), None, looks=each_look(colorizer, colorizer.prepare(loaded)))
    close, far = shown.looks
    assert close.shape == far.shape == shown.ab_small.shape
    one_look = copy.deepcopy(colorizer.model)
    one_look.config.context_size = 0
    alone = Colorizer(one_look).colorize_loaded(loaded)
    np.testing.assert_allclose(close, channels.shrink_planes(alone.l, alone.ab)[1], atol=1e-3)
    apart = np.abs(close - far).mean()
    assert apart > 0.5  # the looks disagree somewhere, so the next check can fail
    assert np.abs(shown.ab_small - (close + far) / 2).mean() < 0.15 * apart  # the result lies between them
    assert each_look(Colorizer(one_look), Colorizer(one_look).prepare(loaded)) is None


def test_explaining_a_photo_runs_the_decoder_once(colorizer, photos_dir, monkeypatch) -> None:
    """The result and both looks' pictures come from one decoder pass, and are what colouring each alone gives."""
    import app_pages.explainer as explainer
    from ui.looks_step import each_look

    loaded = load_image(sorted((photos_dir / "val").glob("*.jpg"))[3])
    wanted = channels.explain(colorizer.colorize_loaded(loaded), None, looks=each_look(colorizer, colorizer.prepare(loaded)))
    calls = []
    look_logits = colorizer.look_logits
    monkeypatch.setattr(colorizer, "look_logits", lambda *args: calls.append(args) or look_logits(*args))
    monkeypatch.setattr(explainer, "get_colorizer", lambda: colorizer)
    shown = explainer.explained(loaded, None)
    assert len(calls) == 1
    np.testing.assert_array_equal(shown.ab_small, wanted.ab_small)
    for look, want in zip(shown.looks, wanted.looks, strict=True):
        np.testing.assert_array_equal(look, want)
    # The map of how likely each spot is gray (shipped weights fade): the pipeline's own, at preview size.
    gray = colorizer.gray_share(colorizer.prepare(loaded))[0, 0].numpy()
    assert shown.gray_share.shape == shown.l_small.shape
    assert 0.0 <= shown.gray_share.min() < shown.gray_share.max() <= 1.0
    np.testing.assert_allclose(shown.gray_share, channels.resize_map(gray, shown.l_small.shape), atol=1e-5)


def test_weights_that_look_once_get_a_note_instead(page_env, request, tmp_path) -> None:
    import torch

    from huerevive.model_loading import make_checkpoint, model_from_checkpoint
    from plain_weights import without_scene_summary

    ckpt = without_scene_summary()  # and no summary of the whole photo: no sentence about it
    model = model_from_checkpoint(ckpt)
    model.config.context_size = 0
    model.config.neutral_fade = 0.0  # and no fade: no sentence about it either
    once = tmp_path / "once.pt"
    torch.save(make_checkpoint(model, {**ckpt.get("meta", {}), "version": "test-one-look"}), once)
    use_weights(page_env, request, once)
    at = run_explainer("en")
    assert t("looks.heading", "en") in [h.value for h in at.subheader]
    assert t("looks.once", "en", size=model.config.working_size) in [i.value for i in at.info]
    assert t("looks.fade", "en") not in [m.value for m in at.markdown]
    assert t("looks.scene", "en") not in [m.value for m in at.markdown]
    assert len(at.image) == PLATE_IMAGES + PHOTO_IMAGES - LOOK_IMAGES + what_if_images()
    assert len(at.metric) == 2 * len(METRIC_NAMES), "the other steps are all there"

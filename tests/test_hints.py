"""Colour hints: parsing and every error path, then the real model on real photos, library and CLI."""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from huerevive.cli import main
from huerevive.color import rgb_to_lab
from huerevive.errors import HintError
from huerevive.pipeline import Colorizer
from huerevive.hints import HINT_RADIUS, Hint, check_hints, hint_maps, load_hints_file, parse_color, parse_hint_arg, to_hint
from training.tune_hint_spread import far_change, flattest_point

RED = "#c0392b"


# --- parsing and checking (no model) ------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [("#c0392b", (192, 57, 43)), ("#C0392B", (192, 57, 43)), ("c0392b", (192, 57, 43)), ((1, 2, 3), (1, 2, 3)), ([255, 0, 0.0], (255, 0, 0))],
)
def test_colours_parse(value, expected) -> None:
    assert parse_color(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("#12345", "not #rrggbb"),
        ("red", "not #rrggbb"),
        ("#gggggg", "not #rrggbb"),
        ((256, 0, 0), "three whole numbers from 0 to 255"),
        ((1.5, 0, 0), "three whole numbers from 0 to 255"),
        ((True, 0, 0), "three whole numbers from 0 to 255"),
        ((1, 2), "neither #rrggbb nor"),
        (None, "neither #rrggbb nor"),
    ],
)
def test_bad_colours_are_named(value, message) -> None:
    with pytest.raises(HintError, match=message):
        parse_color(value, "hint 3")


def test_hint_forms_agree() -> None:
    expected = Hint(10.0, 20.0, (192, 57, 43))
    assert to_hint((10, 20, RED)) == expected
    assert to_hint({"x": 10, "y": 20, "color": RED}) == expected
    assert to_hint(expected) is expected
    assert expected.hex == RED


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ({"x": 1, "y": 2}, "missing color"),
        ({"x": 1, "y": 2, "color": RED, "colour": RED}, "unknown key 'colour'"),
        ((1, 2), r"expected \(x, y, colour\)"),
        (("1", 2, RED), "x must be a number"),
        ((1, float("nan"), RED), "y must be a number"),
    ],
)
def test_malformed_hints_are_named(item, message) -> None:
    with pytest.raises(HintError, match=f"hint 1: .*{message}"):
        to_hint(item)


@pytest.mark.parametrize("point", [(-1, 5), (100, 5), (5, 50), (5, -0.5)])
def test_a_hint_outside_the_photo_is_refused(point) -> None:
    with pytest.raises(HintError, match=r"hint 2 at .* is outside the photo \(100x50 pixels"):
        check_hints([(1, 1, RED), (*point, RED)], 100, 50)


def test_hints_must_be_a_list_and_not_too_many() -> None:
    with pytest.raises(HintError, match="must be a list"):
        check_hints("10,10,#ff0000", 100, 100)
    with pytest.raises(HintError, match="too many hints"):
        check_hints([(1, 1, RED)] * 201, 100, 100)
    assert check_hints(None, 10, 10) == [] and check_hints([], 10, 10) == []


@pytest.mark.parametrize(
    ("text", "message"), [("10,20", "expected X,Y,#RRGGBB"), ("a,20,#ff0000", "must be numbers"), ("1,2,#ff00", "not #rrggbb")]
)
def test_cli_hint_syntax(text, message) -> None:
    with pytest.raises(HintError, match=message):
        parse_hint_arg(text)
    assert parse_hint_arg("10,20.5,#FF0000") == Hint(10.0, 20.5, (255, 0, 0))


def test_hints_file(tmp_path: Path) -> None:
    good = tmp_path / "good.json"
    good.write_text(json.dumps([{"x": 1, "y": 2, "color": RED}, {"x": 3, "y": 4, "color": "#00ff00"}]))
    assert [h.hex for h in load_hints_file(good)] == [RED, "#00ff00"]
    cases = {
        "missing.json": (None, "hints file not found"),
        "broken.json": ("[{", "not valid JSON"),
        "object.json": ('{"x": 1}', "expected a JSON list"),
        "numbers.json": ("[1, 2]", "hint 1 must be an object"),
        "colour.json": ('[{"x": 1, "y": 2, "color": "#zz0000"}]', "hint 1: colour"),
    }
    for name, (content, message) in cases.items():
        path = tmp_path / name
        if content is not None:
            path.write_text(content)
        with pytest.raises(HintError, match=message) as info:
            load_hints_file(path)
        assert name in str(info.value)


def test_hint_maps_place_the_hint_at_the_scaled_point() -> None:
    hint = Hint(150, 50, (192, 57, 43))  # right half, upper half of a 200x100 photo
    ab, mask = hint_maps([hint], (100, 200), (32, 64))
    ys, xs = torch.nonzero(mask[0, 0], as_tuple=True)
    r = HINT_RADIUS  # the mark is a (2r+1)^2 square centred on the scaled point (16, 48)
    assert set(ys.tolist()) == set(range(16 - r, 17 + r)) and set(xs.tolist()) == set(range(48 - r, 49 + r))
    assert ab[0, 0, 16, 48] == pytest.approx(hint.ab[0]) and ab[0, 1, 16, 48] == pytest.approx(hint.ab[1])
    assert (ab[0][:, mask[0, 0] == 0] == 0).all()


# --- the real model on real photos --------------------------------------------


def _hue(a: float, b: float) -> float:
    return math.degrees(math.atan2(b, a)) % 360


def _hue_gap(h1: float, h2: float) -> float:
    return abs((h1 - h2 + 180) % 360 - 180)


@pytest.fixture(scope="module")
def hinted(photos_dir: Path, colorizer):
    """A real val photo made gray, colorized without and with one red hint on a plain surface."""
    photo = sorted((photos_dir / "val").glob("*.jpg"))[5]
    rgb = np.asarray(Image.open(photo).convert("RGB"))
    gray = np.repeat(np.asarray(Image.fromarray(rgb).convert("L"))[..., None], 3, 2)
    auto = colorizer.colorize_detailed(gray)
    x, y = flattest_point(auto.l)
    hinted = colorizer.colorize_detailed(gray, hints=[(x, y, RED)])
    return gray, auto, hinted, (x, y)


@pytest.mark.slow
def test_the_hinted_spot_takes_the_hints_hue(hinted) -> None:
    _, _, result, (x, y) = hinted
    a, b = result.ab[:, y - 3 : y + 4, x - 3 : x + 4].reshape(2, -1).mean(1)
    target = Hint(0, 0, parse_color(RED)).ab
    assert math.hypot(a, b) > 15, "the hinted spot should be clearly coloured"
    assert _hue_gap(_hue(a, b), _hue(*target)) <= 30


@pytest.mark.slow
def test_a_hint_keeps_the_lightness_and_barely_touches_far_regions(hinted) -> None:
    gray, auto, result, (x, y) = hinted
    out_l = rgb_to_lab(torch.from_numpy(result.rgb).permute(2, 0, 1).float() / 255)[0].numpy()
    assert np.abs(out_l - auto.l).max() < 1.0  # the photo's own lightness (8-bit rounding only)
    h, w = auto.l.shape
    yy, xx = np.mgrid[0:h, 0:w]
    far = np.hypot(yy - y, xx - x) > 0.35 * math.hypot(h, w)
    assert far.mean() > 0.05
    assert np.abs(result.ab[:, far] - auto.ab[:, far]).mean() < 3.0
    assert far_change(auto.ab, result.ab, (x, y)) == pytest.approx(float(np.abs(result.ab[:, far] - auto.ab[:, far]).mean()))


@pytest.mark.slow
def test_spreading_carries_a_hint_further_than_the_network_alone(hinted, colorizer) -> None:
    gray, auto, result, (x, y) = hinted
    model = copy.deepcopy(colorizer.model)
    model.config.spread_tau = 0.0
    alone = Colorizer(model).colorize_detailed(gray, hints=[(x, y, RED)])
    moved = lambda r: float((np.hypot(*(r.ab - auto.ab)) > 10).mean())  # noqa: E731
    assert moved(result) > 1.5 * moved(alone) > 0


@pytest.mark.slow
def test_no_hints_is_the_automatic_result(hinted, colorizer) -> None:
    gray, auto, _, _ = hinted
    assert np.array_equal(colorizer.colorize_detailed(gray, hints=[]).rgb, auto.rgb)


@pytest.mark.slow
def test_preview_and_full_size_agree(hinted, colorizer) -> None:
    gray, _, result, (x, y) = hinted
    prepared = colorizer.prepare(colorizer_loaded(gray))
    preview = colorizer.colorize_prepared(prepared, hints=[(x, y, RED)], max_side=128)
    assert max(preview.rgb.shape[:2]) == 128
    small = np.asarray(Image.fromarray(result.rgb).resize(preview.rgb.shape[1::-1], Image.Resampling.BOX))
    assert np.abs(small.astype(int) - preview.rgb).mean() < 4


def colorizer_loaded(rgb: np.ndarray):
    from huerevive.image_input import LoadedImage

    return LoadedImage(rgb, None, "test")


# --- the CLI ------------------------------------------------------------------


@pytest.fixture(scope="module")
def gray_photo(photos_dir: Path, tmp_path_factory) -> Path:
    photo = sorted((photos_dir / "val").glob("*.jpg"))[5]
    path = tmp_path_factory.mktemp("hint-cli") / "old.png"
    Image.open(photo).convert("L").save(path)
    return path


@pytest.mark.slow
def test_cli_hint_colours_the_spot(gray_photo: Path, tmp_path: Path, hinted) -> None:
    _, _, result, (x, y) = hinted
    out = tmp_path / "out"
    assert main(["colorize", str(gray_photo), "-o", str(out), "--hint", f"{x},{y},{RED}"]) == 0
    written = np.asarray(Image.open(out / "old.png").convert("RGB"))
    assert np.abs(written.astype(int) - result.rgb).max() <= 1


@pytest.mark.slow
def test_cli_hints_file_equals_repeated_hint_options(gray_photo: Path, tmp_path: Path) -> None:
    hints = [{"x": 10, "y": 12, "color": RED}, {"x": 40, "y": 30, "color": "#2e86c1"}]
    (tmp_path / "h.json").write_text(json.dumps(hints))
    assert main(["colorize", str(gray_photo), "-o", str(tmp_path / "a"), "--hints", str(tmp_path / "h.json")]) == 0
    assert main(["colorize", str(gray_photo), "-o", str(tmp_path / "b"), "--hint", f"10,12,{RED}", "--hint", "40,30,#2e86c1"]) == 0
    assert np.array_equal(np.asarray(Image.open(tmp_path / "a" / "old.png")), np.asarray(Image.open(tmp_path / "b" / "old.png")))


def test_cli_bad_hints_write_nothing(gray_photo: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "out"
    (tmp_path / "bad.json").write_text('{"x": 1}')
    cases = [
        (["--hint", "10,10,#ff00"], 2, "not #rrggbb"),
        (["--hint", "10,10"], 2, "expected X,Y,#RRGGBB"),
        (["--hints", str(tmp_path / "bad.json")], 2, "expected a JSON list"),
        (["--hints", str(tmp_path / "none.json")], 2, "hints file not found"),
        (["--hint", "99999,10,#ff0000"], 1, "hint 1 at (99999, 10) is outside the photo"),
    ]
    for extra, status, message in cases:
        assert main(["colorize", str(gray_photo), "-o", str(out), *extra]) == status
        assert message in capsys.readouterr().err
        assert not out.exists() or not any(out.iterdir())


def test_cli_hints_need_a_single_photo(gray_photo: Path, tmp_path: Path, capsys) -> None:
    assert main(["colorize", str(gray_photo.parent), "-o", str(tmp_path / "o"), "--hint", f"1,1,{RED}"]) == 2
    assert "single photo" in capsys.readouterr().err
    assert main(["colorize", str(gray_photo), str(gray_photo), "-o", str(tmp_path / "o"), "--hint", f"1,1,{RED}"]) == 2


@pytest.mark.slow
@pytest.mark.parametrize("context_size", [0, 256])
def test_hints_work_with_and_without_flip_averaging(hinted, colorizer, context_size: int) -> None:
    """The hint maps are mirrored for the mirrored pass (and drawn at the coarser look's size for it, when one is
    shipped): with the flip on or off the spot takes the hint's hue."""
    gray, auto, result, (x, y) = hinted
    results = []
    for on in (True, False):
        model = copy.deepcopy(colorizer.model)
        model.config.flip_average = on
        model.config.context_size = context_size
        out = Colorizer(model).colorize_detailed(gray, hints=[(x, y, RED)])
        a, b = out.ab[:, y - 3 : y + 4, x - 3 : x + 4].reshape(2, -1).mean(1)
        assert math.hypot(a, b) > 15 and _hue_gap(_hue(a, b), _hue(*Hint(0, 0, parse_color(RED)).ab)) <= 30
        results.append(out.ab)
    assert 0.0 < np.abs(results[0] - results[1]).mean() < 5.0  # the flip changes the result, a little

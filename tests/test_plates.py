"""Prokudin-Gorskii's three-filter plates: splitting, lining up, combining; and the Explainer's plate on disk."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from conftest import REPO, SHARED
from huerevive.plates import (
    CHANNELS,
    PLATE_DIR,
    align_plate,
    find_shift,
    load_plate_exhibit,
    read_plate,
    split_plate,
    stretch,
)


def _smooth_noise(rng: np.random.Generator, height: int, width: int, size: int = 6) -> np.ndarray:
    """Random blobs (box-blurred noise): edges everywhere, no repeating grid a search could lock onto."""
    field = rng.random((height + 2 * size, width + 2 * size))
    for axis in (0, 1, 0, 1):
        field = sum(np.roll(field, k, axis=axis) for k in range(size)) / size
    return field[size : size + height, size : size + width]


def _scene(height: int = 180, width: int = 220, seed: int = 0) -> np.ndarray:
    """A synthetic colour scene (H, W, 3) float 0..1: one shared structure, tinted differently per channel."""
    rng = np.random.default_rng(seed)
    shared = _smooth_noise(rng, height, width)
    channels = [0.7 * shared + 0.3 * _smooth_noise(rng, height, width) for _ in range(3)]
    scene = np.stack(channels, axis=-1)
    scene = (scene - scene.min()) / (scene.max() - scene.min())
    return scene.astype(np.float32)


def _plate(scene: np.ndarray, blue_shift: tuple[int, int], red_shift: tuple[int, int]) -> np.ndarray:
    """A plate as the camera made it: blue, green, red exposures stacked, blue and red displaced."""
    red, green, blue = (scene[..., i] for i in range(3))
    # The camera moved by -shift; aligning must apply +shift to undo it.
    blue = np.roll(blue, (-blue_shift[0], -blue_shift[1]), axis=(0, 1))
    red = np.roll(red, (-red_shift[0], -red_shift[1]), axis=(0, 1))
    return np.concatenate((blue, green, red), axis=0)


def test_split_plate_is_top_blue_middle_green_bottom_red() -> None:
    plate = np.concatenate([np.full((5, 4), v, np.float32) for v in (0.1, 0.5, 0.9)] + [np.zeros((2, 4))])
    blue, green, red = split_plate(plate)
    assert blue.shape == green.shape == red.shape == (5, 4)  # the 2 leftover rows are dropped
    assert (blue.mean(), green.mean(), red.mean()) == pytest.approx((0.1, 0.5, 0.9))


@pytest.mark.parametrize("bad", [np.zeros((2, 5)), np.zeros((9, 4, 3)), np.zeros(9)])
def test_split_plate_refuses_what_is_not_a_plate(bad: np.ndarray) -> None:
    with pytest.raises(ValueError, match="a plate must be a 2-D gray image at least 3 rows tall, got shape"):
        split_plate(bad)


@pytest.mark.parametrize("shift", [(0, 0), (3, -2), (-7, 5), (9, 9)])
def test_find_shift_recovers_a_known_shift(shift: tuple[int, int]) -> None:
    reference = _scene()[..., 1]
    moving = np.roll(reference, (-shift[0], -shift[1]), axis=(0, 1))
    assert find_shift(moving, reference, max_shift=10) == shift


def test_find_shift_matches_edges_not_brightness() -> None:
    """Each filter records different brightness; only the edges are shared (here: an inverted copy)."""
    reference = _scene(seed=3)[..., 0]
    moving = 1.0 - 0.5 * np.roll(reference, (4, -3), axis=(0, 1))
    assert find_shift(moving, reference, max_shift=8) == (-4, 3)


def test_large_channels_are_matched_coarse_to_fine() -> None:
    reference = _scene(900, 700, seed=5)[..., 2]
    moving = np.roll(reference, (-37, 22), axis=(0, 1))
    assert find_shift(moving, reference, max_shift=45) == (37, -22)  # beyond a 2-px refinement: the pyramid found it


def test_find_shift_errors() -> None:
    with pytest.raises(ValueError, match="same shape"):
        find_shift(np.zeros((10, 10)), np.zeros((10, 11)))
    with pytest.raises(ValueError, match="max_shift must be 0 or more, got -1"):
        find_shift(np.zeros((40, 40)), np.zeros((40, 40)), max_shift=-1)
    with pytest.raises(ValueError, match="too small for shifts of up to 30 px"):
        find_shift(np.zeros((40, 40)), np.zeros((40, 40)), max_shift=30)


def test_align_plate_lines_the_channels_up_and_combines_them() -> None:
    scene = _scene(seed=7)
    aligned = align_plate(_plate(scene, blue_shift=(3, -2), red_shift=(-4, 1)), max_shift=8)
    assert aligned.shifts == {"blue": (3, -2), "green": (0, 0), "red": (-4, 1)}
    rgb = aligned.rgb()
    assert rgb.dtype == np.uint8 and rgb.shape == (*aligned.green.shape, 3)
    # The combination IS the three exposures: red, green, blue numbers of every pixel.
    for index, name in enumerate(("red", "green", "blue")):
        assert np.array_equal(rgb[..., index], getattr(aligned, name))
    # After lining up, each channel matches the scene it came from (up to the stretch).
    h, w = rgb.shape[:2]
    top, left = (scene.shape[0] - h) // 2, (scene.shape[1] - w) // 2
    for index, name in enumerate(("red", "green", "blue")):
        truth = stretch(scene[top : top + h, left : left + w, index])
        assert np.corrcoef(truth.ravel(), getattr(aligned, name).ravel())[0, 1] > 0.98, name


def test_align_plate_errors() -> None:
    with pytest.raises(ValueError, match=r"border must be in \[0, 0.5\), got 0.5"):
        align_plate(np.zeros((90, 30)), border=0.5)
    with pytest.raises(ValueError, match="nothing is left"):
        align_plate(_plate(_scene(60, 60), (1, 1), (1, 1)), border=0.49, max_shift=2)


def test_stretch_maps_percentiles_to_the_full_range() -> None:
    ramp = np.linspace(0.2, 0.6, 1001, dtype=np.float32)
    out = stretch(ramp)
    assert out.min() == 0.0 and out.max() == 1.0 and out.dtype == np.float32
    assert np.all(stretch(np.full((4, 4), 0.3)) == 0)  # flat: nothing to stretch


@pytest.mark.parametrize(("mode", "values", "top"), [("L", np.uint8, 255), ("I;16", np.uint16, 65535)])
def test_read_plate_handles_8_and_16_bit_scans(tmp_path: Path, mode: str, values: type, top: int) -> None:
    data = np.linspace(0, top, 60, dtype=np.float64).round().astype(values).reshape(6, 10)
    path = tmp_path / "plate.png"
    Image.fromarray(data).save(path)
    with Image.open(path) as img:
        assert img.mode == mode
    plate = read_plate(path)
    assert plate.dtype == np.float32 and plate.shape == (6, 10)
    assert plate.min() == 0.0 and plate.max() == pytest.approx(1.0)


# ---------------------------------------------------------------- the real plates and the Explainer's files


def _manifest_shifts() -> dict[str, dict[str, tuple[int, int]]]:
    path = SHARED / "prokudin" / "MANIFEST.tsv"
    if not path.is_file():
        pytest.skip(f"needs the Prokudin-Gorskii corpus at {path.parent}")
    out = {}
    with open(path, newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            pairs = re.findall(r"([BR])\((-?\d+), (-?\d+)\)", row["alignment_shift"])
            found = {c: (int(y), int(x)) for c, y, x in pairs}
            out[Path(row["file"]).stem] = {"blue": found["B"], "red": found["R"]}
    return out


@pytest.mark.parametrize("scene", ["prk_01043", "harvesters", "train", "lugano"])  # 8- and 16-bit, small scans
def test_real_plates_align_like_the_corpus(scene: str) -> None:
    expected = _manifest_shifts()[scene]
    plate = read_plate(next(p for p in (SHARED / "prokudin" / "plates").iterdir() if p.stem == scene))
    aligned = align_plate(plate)
    for name, (dy, dx) in expected.items():
        got = aligned.shifts[name]
        assert abs(got[0] - dy) <= 1 and abs(got[1] - dx) <= 1, (scene, name, got, (dy, dx))


def test_the_explainers_plate_is_three_channels_and_their_combination() -> None:
    exhibit = load_plate_exhibit()
    assert exhibit.folder == PLATE_DIR == REPO / "gallery" / "default" / "plate"
    assert exhibit.text("en") == "Peasant girls" and exhibit.text("ko")
    assert exhibit.credit.startswith("Sergei Prokudin-Gorskii") and "Library of Congress" in exhibit.credit
    assert "no known restrictions" in exhibit.licence.lower() and exhibit.source and exhibit.era == "1909"
    channels = {name: np.asarray(Image.open(getattr(exhibit, name))) for name in CHANNELS}
    colour = np.asarray(Image.open(exhibit.colour))
    assert colour.ndim == 3 and colour.shape[2] == 3
    for index, name in enumerate(("red", "green", "blue")):
        assert channels[name].ndim == 2 and channels[name].shape == colour.shape[:2]
        assert np.array_equal(colour[..., index], channels[name]), name
    # Three different photos: each filter saw the scene differently (the red dresses are bright in red only).
    assert np.abs(channels["red"].astype(int) - channels["blue"].astype(int)).mean() > 10
    with Image.open(exhibit.plate) as plate:
        assert plate.height > 2.5 * plate.width  # three exposures stacked
    assert exhibit.shifts["green"] == (0, 0)


def test_the_explainers_plate_is_rebuilt_from_the_stored_plate() -> None:
    """gallery/build_plate.py's alignment of the stored scan gives exactly the committed pictures."""
    exhibit = load_plate_exhibit()
    expected = _manifest_shifts()["prk_01043"]
    aligned = align_plate(read_plate(SHARED / "prokudin" / "plates" / "prk_01043.jpg"))
    assert aligned.shifts == exhibit.shifts
    assert all(max(abs(a - b) for a, b in zip(aligned.shifts[n], expected[n])) <= 1 for n in expected)
    for name in CHANNELS:
        assert np.array_equal(np.asarray(Image.open(getattr(exhibit, name))), getattr(aligned, name)), name


def test_load_plate_exhibit_reports_missing_files(tmp_path: Path) -> None:
    with pytest.raises(OSError):
        load_plate_exhibit(tmp_path)
    (tmp_path / "plate.toml").write_text('title = { en = "x" }\n[files]\nplate = "../plate.jpg"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="files.plate is missing or not a file"):
        load_plate_exhibit(tmp_path)

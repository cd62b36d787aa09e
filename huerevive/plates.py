"""Colour photography in 1910: a glass plate with three exposures, lined up into one colour photo.

Sergei Prokudin-Gorskii photographed each scene three times in quick
succession, through a blue, a green and a red filter, onto one tall glass
plate (top to bottom: BLUE, GREEN, RED). Each exposure is a black-and-white
photo of how much of that colour the scene sent back; stacked as the red,
green and blue numbers of every pixel they give the scene's colours. The
camera moved a little between exposures, so the three must be lined up first.

Pure numpy functions (no files) for splitting a plate, finding the shifts
and combining; ``read_plate`` and ``load_plate_exhibit`` are the only readers.
``gallery/build_plate.py`` runs them offline and writes the pictures that the
Explainer page shows; nothing here runs at page load.

Conventions: a plate or channel is (H, W) float32 in 0..1; a shift ``(dy,
dx)`` is what ``np.roll(channel, (dy, dx), axis=(0, 1))`` must apply to a
channel to line it up with the green one.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from huerevive.collection import DEFAULT_COLLECTION, LANGUAGES

CHANNELS = ("blue", "green", "red")  # top to bottom on the plate
DEFAULT_BORDER = 0.08  # share of each side cut away: plate edges, scratches, the wrapped band of a shift
COARSE_SIDE = 400  # search at full range only below this size; larger images go through a pyramid
PLATE_MANIFEST = "plate.toml"
PLATE_DIR = DEFAULT_COLLECTION / "plate"


def read_plate(path: str | Path) -> np.ndarray:
    """A scanned plate (8- or 16-bit gray, or RGB) as (H, W) float32 in 0..1."""
    with Image.open(path) as img:
        img.load()
        if img.mode in ("I;16", "I;16B", "I;16L", "I"):
            values = np.asarray(img, dtype=np.float32)
            top = 65535.0 if img.mode != "I" or values.max() > 255 else 255.0
            return np.clip(values / top, 0.0, 1.0)
        return np.asarray(img.convert("L"), dtype=np.float32) / 255.0


def split_plate(plate: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(blue, green, red): the plate's three stacked exposures, top to bottom, each H // 3 rows.

    Raises ValueError for anything but a 2-D array at least 3 rows tall.
    """
    if plate.ndim != 2 or plate.shape[0] < 3:
        raise ValueError(f"a plate must be a 2-D gray image at least 3 rows tall, got shape {plate.shape}")
    third = plate.shape[0] // 3
    return plate[:third], plate[third : 2 * third], plate[2 * third : 3 * third]


def _edges(channel: np.ndarray) -> np.ndarray:
    """Gradient magnitude: the three exposures differ in brightness but share their edges."""
    gy, gx = np.gradient(channel.astype(np.float32))
    return np.hypot(gy, gx)


def _half(channel: np.ndarray) -> np.ndarray:
    """Half size by 2x2 block means (odd last row/column dropped)."""
    h, w = (channel.shape[0] // 2) * 2, (channel.shape[1] // 2) * 2
    c = channel[:h, :w]
    return 0.25 * (c[0::2, 0::2] + c[1::2, 0::2] + c[0::2, 1::2] + c[1::2, 1::2])


def _search(moving: np.ndarray, reference: np.ndarray, centre: tuple[int, int], radius: int) -> tuple[int, int]:
    """The shift within ``radius`` of ``centre`` whose edges best match (normalised cross-correlation)."""
    mov_e, ref_e = _edges(moving), _edges(reference)
    h, w = reference.shape
    reach_y, reach_x = abs(centre[0]) + radius, abs(centre[1]) + radius
    my, mx = max(h // 10, reach_y + 1), max(w // 10, reach_x + 1)  # score the interior only
    if 2 * my >= h or 2 * mx >= w:
        raise ValueError(f"a {w}x{h} channel is too small for shifts of up to {max(reach_y, reach_x)} px")
    ref = ref_e[my : h - my, mx : w - mx]
    ref = (ref - ref.mean()) / (ref.std() + 1e-8)
    best, best_score = centre, -math.inf
    for dy in range(centre[0] - radius, centre[0] + radius + 1):
        for dx in range(centre[1] - radius, centre[1] + radius + 1):
            # np.roll(moving, (dy, dx))[y, x] == moving[y - dy, x - dx]: slice instead of rolling.
            mov = mov_e[my - dy : h - my - dy, mx - dx : w - mx - dx]
            score = float(((mov - mov.mean()) * ref).mean() / (mov.std() + 1e-8))
            if score > best_score:
                best, best_score = (dy, dx), score
    return best


def find_shift(moving: np.ndarray, reference: np.ndarray, max_shift: int | None = None) -> tuple[int, int]:
    """(dy, dx) that lines ``moving`` up with ``reference`` (same shape), searching up to ``max_shift`` px.

    ``max_shift`` defaults to 5% of the longer side. Large channels are
    matched coarse to fine (halving until the long side is below
    ``COARSE_SIDE``), so a full-size scan takes seconds, not hours.
    """
    if moving.shape != reference.shape or moving.ndim != 2:
        raise ValueError(f"channels must be 2-D and the same shape, got {moving.shape} and {reference.shape}")
    if max_shift is None:
        max_shift = max(1, round(0.05 * max(reference.shape)))
    if max_shift < 0:
        raise ValueError(f"max_shift must be 0 or more, got {max_shift!r}")
    if max(reference.shape) > COARSE_SIDE and max_shift > 4:
        cy, cx = find_shift(_half(moving), _half(reference), math.ceil(max_shift / 2))
        return _search(moving, reference, (2 * cy, 2 * cx), 2)
    return _search(moving, reference, (0, 0), max_shift)


def stretch(channel: np.ndarray, low: float = 1.0, high: float = 99.0) -> np.ndarray:
    """``channel`` with its ``low``-``high`` percentile range stretched to 0..1 (float32, clipped)."""
    lo, hi = np.percentile(channel, [low, high])
    if hi - lo < 1e-6:
        return np.zeros_like(channel, dtype=np.float32)
    return np.clip((channel - lo) / (hi - lo), 0.0, 1.0).astype(np.float32)


def to_u8(channel: np.ndarray) -> np.ndarray:
    """0..1 float -> uint8 0..255 (rounded)."""
    return np.round(np.clip(channel, 0.0, 1.0) * 255.0).astype(np.uint8)


@dataclass(frozen=True)
class AlignedPlate:
    """The three exposures lined up on green, cropped alike and stretched: (H, W) uint8 each."""

    blue: np.ndarray
    green: np.ndarray
    red: np.ndarray
    shifts: dict[str, tuple[int, int]]  # 'blue' and 'red' relative to green; green is (0, 0)

    def rgb(self) -> np.ndarray:
        """The colour photo (H, W, 3) uint8: each exposure becomes one of the three numbers per pixel."""
        return np.stack((self.red, self.green, self.blue), axis=-1)


def align_plate(plate: np.ndarray, border: float = DEFAULT_BORDER, max_shift: int | None = None) -> AlignedPlate:
    """Split a plate (H, W) float 0..1, line blue and red up with green, crop and stretch each channel.

    ``border`` is the share of each side cut away (plate edges and the band
    that a shift wraps around), on top of the largest shift.
    """
    if not 0.0 <= border < 0.5:
        raise ValueError(f"border must be in [0, 0.5), got {border!r}")
    blue, green, red = split_plate(plate)
    shifts = {"blue": find_shift(blue, green, max_shift), "green": (0, 0), "red": find_shift(red, green, max_shift)}
    h, w = green.shape
    reach_y = max(abs(s[0]) for s in shifts.values())
    reach_x = max(abs(s[1]) for s in shifts.values())
    top, left = round(border * h) + reach_y, round(border * w) + reach_x
    if 2 * top >= h or 2 * left >= w:
        raise ValueError(f"nothing is left of a {w}x{h} channel after cropping {left}x{top} px from each side")
    out = {}
    for name, channel in zip(CHANNELS, (blue, green, red)):
        moved = np.roll(channel, shifts[name], axis=(0, 1))[top : h - top, left : w - left]
        out[name] = to_u8(stretch(moved))
    return AlignedPlate(out["blue"], out["green"], out["red"], shifts)


# ------------------------------------------------------------------ the Explainer's plate, on disk


@dataclass(frozen=True)
class PlateExhibit:
    """One plate prepared by ``gallery/build_plate.py``: its pictures and its credits."""

    folder: Path
    title: dict[str, str]
    era: str
    credit: str
    licence: str
    source: str
    shifts: dict[str, tuple[int, int]]
    plate: Path  # the scanned plate, downscaled: the three exposures stacked
    blue: Path
    green: Path
    red: Path
    colour: Path

    def text(self, lang: str) -> str:
        """The title in ``lang`` ('en' or 'ko'), falling back to the other language."""
        if lang not in LANGUAGES:
            raise ValueError(f"lang must be one of {LANGUAGES}, got {lang!r}")
        return self.title.get(lang) or next((v for v in self.title.values() if v), "")


def load_plate_exhibit(folder: str | Path = PLATE_DIR) -> PlateExhibit:
    """Read ``plate.toml`` in ``folder``; raises OSError or ValueError when it or a picture is missing."""
    root = Path(folder)
    data = tomllib.loads((root / PLATE_MANIFEST).read_text(encoding="utf-8"))
    files = data.get("files", {})
    paths = {}
    for name in ("plate", *CHANNELS, "colour"):
        path = (root / str(files.get(name, ""))).resolve()
        if not files.get(name) or not path.is_relative_to(root.resolve()) or not path.is_file():
            raise ValueError(f"{root / PLATE_MANIFEST}: files.{name} is missing or not a file in {root}")
        paths[name] = path
    try:
        shifts = {k: (int(v[0]), int(v[1])) for k, v in data["shifts"].items()}
        return PlateExhibit(
            folder=root, title={k: str(v) for k, v in data["title"].items()}, era=str(data["era"]),
            credit=str(data["credit"]), licence=str(data["licence"]), source=str(data["source"]), shifts=shifts,
            **paths,
        )
    except (KeyError, TypeError, IndexError, AttributeError) as exc:
        raise ValueError(f"{root / PLATE_MANIFEST}: missing or malformed field ({exc!r})") from exc

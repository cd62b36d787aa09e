"""Pure helpers for the Explainer's "what if?" step: where did one colour hint change the picture?

NumPy only, no Streamlit. Conventions follow ``huerevive.pipeline.ColorizeResult``:
ab planes are (2, H, W) float Lab a/b, pictures are (H, W, 3) uint8 RGB, and
points are (x, y) in pixels with 0 at the left/top.
"""

from __future__ import annotations

import numpy as np

HEAT_FULL_SCALE = 50.0  # Lab ab units shown as the brightest colour: a clear change of hue, e.g. blue to red
CHANGED_AT = 10.0  # Lab ab units: a change a visitor sees at once (about 2 is the smallest one can see)
# A dark-to-bright heat scale (like matplotlib's "inferno"): black is "no change", pale yellow "a big change".
HEAT_STOPS = np.array([0.0, 0.25, 0.5, 0.75, 1.0])
HEAT_COLOURS = np.array([(0, 0, 4), (87, 16, 110), (188, 55, 84), (249, 142, 9), (252, 255, 164)], dtype=float)
MARK_RADIUS = 0.03  # of the picture's long side
MARK_MIN_RADIUS = 6  # pixels


def _check_ab(ab: np.ndarray, name: str) -> np.ndarray:
    ab = np.asarray(ab)
    if ab.ndim != 3 or ab.shape[0] != 2:
        raise ValueError(f"{name} must be ab planes of shape (2, H, W), got shape {ab.shape}")
    return ab


def change_magnitude(ab_before: np.ndarray, ab_after: np.ndarray) -> np.ndarray:
    """Per-pixel distance between two colourings on the a-b plane: (H, W) float32, in Lab units.

    ``ab_before`` and ``ab_after`` are (2, H, W) a/b planes of the same photo
    (same lightness), so this is how far each pixel's colour moved.
    """
    before, after = _check_ab(ab_before, "ab_before"), _check_ab(ab_after, "ab_after")
    if before.shape != after.shape:
        raise ValueError(f"ab planes differ in shape: {before.shape} and {after.shape}")
    diff = after.astype(np.float32) - before.astype(np.float32)
    return np.hypot(diff[0], diff[1])


def heat_image(change: np.ndarray, full_scale: float = HEAT_FULL_SCALE) -> np.ndarray:
    """A change map (H, W) -> heat map (H, W, 3) uint8: black where nothing changed, pale yellow from ``full_scale`` up."""
    if not full_scale > 0:
        raise ValueError(f"full_scale must be positive, got {full_scale!r}")
    change = np.asarray(change, dtype=np.float32)
    if change.ndim != 2:
        raise ValueError(f"change must be a (H, W) map, got shape {change.shape}")
    level = np.clip(np.nan_to_num(change, nan=0.0) / full_scale, 0.0, 1.0)
    rgb = np.stack([np.interp(level, HEAT_STOPS, HEAT_COLOURS[:, c]) for c in range(3)], axis=-1)
    return np.round(rgb).astype(np.uint8)


def changed_share(change: np.ndarray, threshold: float = CHANGED_AT) -> float:
    """Share (0..1) of the pixels whose colour moved by more than ``threshold`` Lab units."""
    change = np.asarray(change)
    return float(np.mean(change > threshold)) if change.size else 0.0


def slider_point(x_percent: float, y_percent: float, width: int, height: int) -> tuple[float, float]:
    """Slider positions (0..100 % of width and height) -> (x, y) in the photo's pixels, always inside it."""
    for name, value in (("x_percent", x_percent), ("y_percent", y_percent)):
        if not 0 <= value <= 100:
            raise ValueError(f"{name} must be between 0 and 100, got {value!r}")
    if width < 1 or height < 1:
        raise ValueError(f"the photo must be at least 1x1 pixels, got {width}x{height}")
    return round((width - 1) * x_percent / 100, 1), round((height - 1) * y_percent / 100, 1)


def scale_point(point: tuple[float, float], photo_size: tuple[int, int], shown_size: tuple[int, int]) -> tuple[float, float]:
    """(x, y) in a (width, height) photo -> the same spot in a copy shown at ``shown_size`` (pixel centres kept)."""
    (x, y), (width, height), (shown_w, shown_h) = point, photo_size, shown_size
    return (x + 0.5) * shown_w / width - 0.5, (y + 0.5) * shown_h / height - 0.5


def mark_point(rgb: np.ndarray, x: float, y: float, radius: int | None = None) -> np.ndarray:
    """A copy of ``rgb`` (H, W, 3) uint8 with a ring around (x, y): white with a black edge, seen on any colour.

    ``radius`` defaults to 3 % of the long side (at least 6 pixels); the
    inside of the ring is left as it is, so the spot itself stays visible.
    """
    rgb = np.asarray(rgb)
    if rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.dtype != np.uint8:
        raise ValueError(f"rgb must be (H, W, 3) uint8, got shape {rgb.shape} and dtype {rgb.dtype}")
    height, width = rgb.shape[:2]
    if radius is None:
        radius = max(MARK_MIN_RADIUS, round(MARK_RADIUS * max(height, width)))
    width_px = max(2.0, radius / 4)  # white ring thickness; the black edges are 1 pixel either side
    rows, cols = np.ogrid[:height, :width]
    dist = np.hypot(cols - x, rows - y)
    marked = rgb.copy()
    marked[np.abs(dist - radius) <= width_px / 2 + 1] = 0
    marked[np.abs(dist - radius) <= width_px / 2] = 255
    return marked

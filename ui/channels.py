"""Pure helpers that turn a colorization into pictures and numbers for the gallery and explainer pages.

No Streamlit here: every function takes arrays and returns arrays, PIL images,
plotly figures or plain numbers, so the pages stay short and all of this is
unit-tested. Conventions follow ``huerevive.pipeline.ColorizeResult``: ``l``
is (H, W) float32 lightness 0..100, ``ab`` is (2, H, W) float32 in Lab units,
RGB images are (H, W, 3) uint8.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import plotly.graph_objects as go
import torch
import torch.nn.functional as F
from PIL import Image

from huerevive import metrics
from huerevive.ab_bins import AB_RANGE
from huerevive.color import lab_to_rgb, rgb_to_l

if TYPE_CHECKING:
    from huerevive.pipeline import ColorizeResult

PREVIEW_MAX_SIDE = 640  # channel pictures are for looking at, not for measuring
THUMB_MAX_SIDE = 320
CHANNEL_LIGHTNESS = 65.0  # light enough that dark greens and blues still read as colours
AB_BINS = 44  # 5 Lab units per cell over -110..110
STRIP_SATURATIONS = (0.0, 0.5, 1.0, 1.5)
COLOUR_PHOTO_MIN = 5.0  # colourfulness of a real colour photo; gray scans and sepia-free JPEGs stay near 0


def fit_within(width: int, height: int, max_side: int) -> tuple[int, int]:
    """(width, height) scaled down (never up) so the long side is at most ``max_side``; at least 1x1."""
    if max_side < 1:
        raise ValueError(f"max_side must be at least 1, got {max_side!r}")
    scale = min(1.0, max_side / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def thumbnail(rgb: np.ndarray, max_side: int = THUMB_MAX_SIDE) -> np.ndarray:
    """A small copy of an (H, W, 3) uint8 photo, long side at most ``max_side`` (Lanczos)."""
    img = Image.fromarray(rgb)
    size = fit_within(img.width, img.height, max_side)
    if size != img.size:
        img = img.resize(size, Image.Resampling.LANCZOS)
    return np.asarray(img, dtype=np.uint8)


def grid_thumbnail(rgb: np.ndarray, width: int = THUMB_MAX_SIDE, aspect: float = 4 / 3) -> np.ndarray:
    """A ``width`` x ``width / aspect`` tile cut from the middle of the photo, so grid rows line up."""
    img = Image.fromarray(rgb)
    height = max(1, round(width / aspect))
    crop_w, crop_h = min(img.width, img.height * aspect), min(img.height, img.width / aspect)
    left, top = (img.width - crop_w) / 2, (img.height - crop_h) / 2
    box = (left, top, left + crop_w, top + crop_h)
    return np.asarray(img.resize((width, height), Image.Resampling.LANCZOS, box=box), dtype=np.uint8)


def match_size(rgb: np.ndarray, height: int, width: int) -> np.ndarray:
    """``rgb`` resized to (height, width) when it differs (Lanczos); unchanged otherwise."""
    if rgb.shape[:2] == (height, width):
        return rgb
    return np.asarray(Image.fromarray(rgb).resize((width, height), Image.Resampling.LANCZOS), dtype=np.uint8)


def shrink_planes(l: np.ndarray, ab: np.ndarray, max_side: int = PREVIEW_MAX_SIDE) -> tuple[np.ndarray, np.ndarray]:
    """L (H, W) and ab (2, H, W) area-averaged down to a preview with long side ``max_side``."""
    height, width = l.shape
    new_w, new_h = fit_within(width, height, max_side)
    if (new_h, new_w) == (height, width):
        return l.astype(np.float32), ab.astype(np.float32)
    planes = torch.from_numpy(np.concatenate((l[None], ab)).astype(np.float32))[None]
    small = F.interpolate(planes, size=(new_h, new_w), mode="area")[0].numpy()
    return small[0], small[1:]


def lab_image(l: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """L, a, b planes (H, W) -> sRGB (H, W, 3) uint8, out-of-gamut colours losing chroma not lightness."""
    lab = torch.from_numpy(np.stack((l, a, b)).astype(np.float32))
    rgb = lab_to_rgb(lab, keep_lightness=True)
    return rgb.mul(255.0).round().clamp(0, 255).to(torch.uint8).permute(1, 2, 0).numpy()


def lightness_image(l: np.ndarray) -> np.ndarray:
    """The L channel alone as a neutral gray photo (H, W, 3) uint8: what the network is given."""
    zero = torch.zeros(l.shape, dtype=torch.float32)
    rgb = lab_to_rgb(torch.stack((torch.from_numpy(l.astype(np.float32)), zero, zero)))
    # Lab's white point and the sRGB matrix differ in the 4th decimal, so a = b = 0
    # is a hair off neutral; the channel mean makes R = G = B exactly.
    gray = rgb.mean(0).mul(255.0).round().clamp(0, 255).to(torch.uint8).numpy()
    return np.repeat(gray[..., None], 3, axis=2)


def grayscale(rgb: np.ndarray) -> np.ndarray:
    """A colour photo (H, W, 3) uint8 -> its Lab lightness as neutral gray (H, W, 3) uint8."""
    l_plane = rgb_to_l(torch.tensor(rgb).permute(2, 0, 1).float().div(255.0)).numpy()  # copy: PIL arrays are read-only
    return lightness_image(l_plane)


def a_channel_image(a: np.ndarray, lightness: float = CHANNEL_LIGHTNESS) -> np.ndarray:
    """The a channel alone at constant L (b = 0): green where a < 0, red/magenta where a > 0."""
    return lab_image(np.full_like(a, lightness, dtype=np.float32), a, np.zeros_like(a, dtype=np.float32))


def b_channel_image(b: np.ndarray, lightness: float = CHANNEL_LIGHTNESS) -> np.ndarray:
    """The b channel alone at constant L (a = 0): blue where b < 0, yellow where b > 0."""
    return lab_image(np.full_like(b, lightness, dtype=np.float32), np.zeros_like(b, dtype=np.float32), b)


def recolour(l: np.ndarray, ab: np.ndarray, saturation: float) -> np.ndarray:
    """L joined with ab scaled by ``saturation`` -> RGB uint8: the pipeline's own last step.

    ``Colorizer`` multiplies its predicted ab by the saturation and converts
    with ``lab_to_rgb``; doing the same here gives the saturation strip from a
    single network run.
    """
    if saturation < 0:
        raise ValueError(f"saturation must be >= 0, got {saturation!r}")
    return lab_image(l, ab[0] * saturation, ab[1] * saturation)


def saturation_strip(
    l: np.ndarray, ab: np.ndarray, saturations: tuple[float, ...] = STRIP_SATURATIONS
) -> list[tuple[float, np.ndarray]]:
    """(saturation, RGB uint8) for each saturation, from one result's L and ab (at saturation 1)."""
    return [(s, recolour(l, ab, s)) for s in saturations]


def ab_to_pixel(a: float, b: float, size: int, ab_range: float = AB_RANGE) -> tuple[int, int]:
    """(row, col) of the colour (a, b) in an ``ab_plane_image`` of ``size`` pixels: a to the right, b up."""
    step = 2 * ab_range / size
    col = int(np.clip(np.floor((a + ab_range) / step), 0, size - 1))
    row = int(np.clip(np.floor((ab_range - b) / step), 0, size - 1))
    return row, col


def ab_plane_image(size: int = 256, lightness: float = CHANNEL_LIGHTNESS, ab_range: float = AB_RANGE) -> np.ndarray:
    """The a-b colour disc at constant L as RGBA (size, size, 4) uint8, transparent outside radius ``ab_range``.

    Row 0 is b = +ab_range (yellow at the top), column 0 is a = -ab_range
    (green on the left), matching ``ab_to_pixel``.
    """
    step = 2 * ab_range / size
    centres = -ab_range + (np.arange(size, dtype=np.float32) + 0.5) * step
    a_grid, b_grid = np.meshgrid(centres, centres[::-1])
    rgb = lab_image(np.full_like(a_grid, lightness), a_grid, b_grid)
    inside = np.hypot(a_grid, b_grid) <= ab_range
    alpha = np.where(inside, 255, 0).astype(np.uint8)
    return np.dstack((rgb, alpha))


def ab_histogram(ab: np.ndarray, bins: int = AB_BINS, ab_range: float = AB_RANGE) -> tuple[np.ndarray, np.ndarray]:
    """Share of pixels per ab cell: (share (bins, bins) indexed [b, a] summing to 1, cell centres (bins,)).

    Values beyond ``ab_range`` are counted in the edge cells, so no pixel is lost.
    """
    edges = np.linspace(-ab_range, ab_range, bins + 1)
    a = np.clip(ab[0].ravel(), -ab_range, ab_range)
    b = np.clip(ab[1].ravel(), -ab_range, ab_range)
    counts, _, _ = np.histogram2d(b, a, bins=(edges, edges))
    total = counts.sum()
    share = counts / total if total else counts
    return share, (edges[:-1] + edges[1:]) / 2


@dataclass(frozen=True)
class AbFigureText:
    """The words on the ab figure, in the visitor's language."""

    a_axis: str
    b_axis: str
    hover: str  # plotly hovertemplate using %{x}, %{y} and %{customdata}


def ab_figure(
    ab: np.ndarray,
    text: AbFigureText,
    lightness: float = CHANNEL_LIGHTNESS,
    bins: int = AB_BINS,
    ab_range: float = AB_RANGE,
) -> go.Figure:
    """Where the predicted colours fall on the a-b disc: a shaded 2-D histogram over the colour disc.

    Darker cells hold more pixels; the disc behind shows which colour each
    cell is. Shading follows the square root of the share so rare colours
    stay visible; the hover text gives the true percentage.
    """
    share, centres = ab_histogram(ab, bins, ab_range)
    shade = np.where(share > 0, np.sqrt(share), np.nan)
    disc = Image.fromarray(ab_plane_image(256, lightness, ab_range), "RGBA")
    fig = go.Figure(
        go.Heatmap(
            x=centres,
            y=centres,
            z=shade,
            customdata=np.round(share * 100, 2),
            colorscale=[[0.0, "rgba(0,0,0,0.25)"], [1.0, "rgba(0,0,0,0.95)"]],
            showscale=False,
            hovertemplate=text.hover + "<extra></extra>",
            hoverongaps=False,
        )
    )
    fig.add_layout_image(
        source=disc, xref="x", yref="y", x=-ab_range, y=ab_range, sizex=2 * ab_range, sizey=2 * ab_range,
        sizing="stretch", layer="below",
    )
    ticks = [v for v in (-100, -50, 0, 50, 100) if abs(v) <= ab_range]
    axis = dict(range=[-ab_range, ab_range], tickvals=ticks, zeroline=True, zerolinecolor="rgba(0,0,0,0.4)",
                showgrid=False, automargin=True)
    fig.update_layout(
        xaxis=dict(title=text.a_axis, **axis),
        yaxis=dict(title=text.b_axis, scaleanchor="x", scaleratio=1, **axis),
        width=480, height=480, margin=dict(l=60, r=10, t=10, b=55), plot_bgcolor="rgba(0,0,0,0)",
    )
    return fig


@dataclass(frozen=True)
class Scores:
    """How close one picture is to the true colours (colourfulness needs no truth)."""

    psnr: float
    ssim: float
    lpips: float
    colourfulness: float


def score(rgb: np.ndarray, truth: np.ndarray) -> Scores:
    """PSNR, SSIM, LPIPS of ``rgb`` against ``truth`` and the colourfulness of ``rgb`` (all full resolution)."""
    return Scores(
        psnr=float(metrics.psnr(rgb, truth)),
        ssim=float(metrics.ssim(rgb, truth)),
        lpips=float(metrics.lpips_distance(rgb, truth)),
        colourfulness=float(metrics.colourfulness(rgb)),
    )


def compare_with_truth(result_rgb: np.ndarray, l: np.ndarray, truth_rgb: np.ndarray) -> dict[str, Scores]:
    """Scores of our result and of the plain grayscale baseline (``l`` with no colour) against the truth.

    The truth is resized to the result when the gallery stores them at different sizes.
    """
    truth = match_size(truth_rgb, *result_rgb.shape[:2])
    return {"model": score(result_rgb, truth), "grayscale": score(lightness_image(l), truth)}


# Shown precision of each per-photo score: finer would be noise, coarser would hide real differences.
SCORE_DECIMALS = {"psnr": 2, "ssim": 3, "lpips": 3, "colourfulness": 1}
# Which way is better; colourfulness is best when closest to the original's.
SCORE_BETTER = {"psnr": "higher", "ssim": "higher", "lpips": "lower", "colourfulness": "closer"}


def format_score(name: str, value: float) -> str:
    """A score as the page shows it: fixed decimals per metric, '∞' for identical images' PSNR."""
    if math.isinf(value):
        return "∞"
    return f"{value:.{SCORE_DECIMALS[name]}f}"


def is_colour_photo(rgb: np.ndarray) -> bool:
    """True when ``rgb`` has real colour (so it can serve as its own truth), not a gray or near-gray scan."""
    return metrics.colourfulness(rgb) >= COLOUR_PHOTO_MIN


@dataclass
class Explained:
    """What the explainer shows of one photo: preview-size L and ab, and scores when there is a colour original.

    Only the small planes are kept (not the full-size result), so a session's
    upload costs a few MB of memory.
    """

    l_small: np.ndarray
    ab_small: np.ndarray
    scores: dict[str, Scores] | None = None
    truth_colourfulness: float | None = None
    in_training: bool = False
    looks: tuple[np.ndarray, ...] | None = None  # ab like ab_small of each look alone (close, far); None: one look
    gray_share: np.ndarray | None = None  # (h, w) like l_small: how likely each pixel is gray (weights with the fade)


def explain(
    result: ColorizeResult, truth: np.ndarray | None, in_training: bool = False,
    looks: tuple[np.ndarray, ...] | None = None, gray_share: np.ndarray | None = None,
) -> Explained:
    """Shrink a result for display and, given its colour original, score it at full resolution.

    ``looks``: each look's ab alone at preview size (``ui.looks_step.each_look``), kept as given;
    ``gray_share``: the pipeline's map of how likely each pixel is gray (any size), resized to the preview.
    """
    l_small, ab_small = shrink_planes(result.l, result.ab)
    gray = None if gray_share is None else resize_map(gray_share, l_small.shape)
    if truth is None:
        return Explained(l_small, ab_small, in_training=in_training, looks=looks, gray_share=gray)
    scores = compare_with_truth(result.rgb, result.l, truth)
    return Explained(l_small, ab_small, scores, metrics.colourfulness(truth), in_training, looks, gray)


def resize_map(values: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """A (h, w) map of numbers resized (bilinear) to ``shape``, float32."""
    small = torch.from_numpy(np.asarray(values, dtype=np.float32))[None, None]
    return F.interpolate(small, size=tuple(shape), mode="bilinear", align_corners=False)[0, 0].numpy()

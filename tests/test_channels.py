"""ui/channels.py: the explainer's pictures and numbers, checked against scikit-image and huerevive.metrics."""

from __future__ import annotations

import io
import math

import numpy as np
import pytest
from PIL import Image
from skimage import color as skcolor

from huerevive import metrics
from huerevive.image_input import load_image
from huerevive.pipeline import ColorizeResult
from ui import channels


def _lab_of(rgb: np.ndarray) -> np.ndarray:
    """scikit-image's Lab of uint8 RGB (H, W, 3): an outside calculator for our conversions."""
    return skcolor.rgb2lab(rgb.astype(np.float64) / 255.0)


def _ab_of_srgb(r: int, g: int, b: int) -> tuple[float, float]:
    lab = _lab_of(np.array([[[r, g, b]]], dtype=np.uint8))[0, 0]
    return float(lab[1]), float(lab[2])


@pytest.mark.parametrize(
    ("size", "max_side", "expected"),
    [((1600, 900), 320, (320, 180)), ((900, 1600), 320, (180, 320)), ((100, 50), 320, (100, 50)), ((5000, 3), 100, (100, 1))],
)
def test_fit_within_scales_down_only_and_keeps_aspect(size, max_side, expected) -> None:
    assert channels.fit_within(*size, max_side) == expected


def test_fit_within_rejects_a_zero_limit() -> None:
    with pytest.raises(ValueError, match="max_side must be at least 1, got 0"):
        channels.fit_within(10, 10, 0)


def test_thumbnail_is_small_and_keeps_content() -> None:
    rgb = np.zeros((600, 1200, 3), dtype=np.uint8)
    rgb[:, 600:] = (200, 30, 40)  # right half red
    thumb = channels.thumbnail(rgb, max_side=300)
    assert thumb.shape == (150, 300, 3) and thumb.dtype == np.uint8
    assert tuple(thumb[75, 250]) == (200, 30, 40)
    assert tuple(thumb[75, 50]) == (0, 0, 0)
    small = np.full((20, 30, 3), 7, dtype=np.uint8)
    assert channels.thumbnail(small, max_side=300).shape == (20, 30, 3)


@pytest.mark.parametrize("shape", [(600, 1200), (1200, 600), (300, 400), (50, 50)])
def test_grid_thumbnail_is_a_4_by_3_tile_from_the_middle(shape) -> None:
    rgb = np.zeros((*shape, 3), dtype=np.uint8)
    h, w = shape
    rgb[h // 4 : 3 * h // 4, w // 4 : 3 * w // 4] = (250, 250, 250)  # a white centre on black
    tile = channels.grid_thumbnail(rgb, width=320)
    assert tile.shape == (240, 320, 3) and tile.dtype == np.uint8
    assert tile[120, 160].min() > 240  # the middle stays in the middle
    assert tile[0, 0].max() < 10 and tile[-1, -1].max() < 10


def test_match_size_resizes_only_when_needed() -> None:
    rgb = np.full((40, 60, 3), 90, dtype=np.uint8)
    assert channels.match_size(rgb, 40, 60) is rgb
    assert channels.match_size(rgb, 20, 30).shape == (20, 30, 3)


def test_shrink_planes_shapes_and_area_means() -> None:
    rng = np.random.default_rng(0)
    l_plane = rng.uniform(0, 100, (300, 1280)).astype(np.float32)
    ab = rng.uniform(-60, 60, (2, 300, 1280)).astype(np.float32)
    l_small, ab_small = channels.shrink_planes(l_plane, ab, max_side=640)
    assert l_small.shape == (150, 640) and ab_small.shape == (2, 150, 640)
    # Area averaging of an exact 2x reduction: each output is the mean of a 2x2 block.
    assert l_small[0, 0] == pytest.approx(l_plane[:2, :2].mean(), abs=1e-4)
    assert ab_small[1, 10, 20] == pytest.approx(ab[1, 20:22, 40:42].mean(), abs=1e-4)
    same_l, same_ab = channels.shrink_planes(l_small, ab_small, max_side=640)
    assert np.array_equal(same_l, l_small) and np.array_equal(same_ab, ab_small)


def test_lightness_image_is_neutral_gray_with_the_given_lightness() -> None:
    l_plane = np.linspace(0, 100, 101, dtype=np.float32).reshape(1, -1).repeat(3, 0)
    gray = channels.lightness_image(l_plane)
    assert gray.shape == (3, 101, 3) and gray.dtype == np.uint8
    assert np.array_equal(gray[..., 0], gray[..., 1]) and np.array_equal(gray[..., 1], gray[..., 2])
    # One 8-bit level is at most ~0.8 L units (near black), so 0.8 is the rounding bound.
    assert np.abs(_lab_of(gray)[..., 0] - l_plane).max() < 0.8
    assert tuple(gray[0, 0]) == (0, 0, 0) and tuple(gray[0, -1]) == (255, 255, 255)


def test_grayscale_keeps_lightness_of_a_colour_photo() -> None:
    rng = np.random.default_rng(1)
    rgb = rng.integers(0, 256, (16, 16, 3), dtype=np.uint8)
    gray = channels.grayscale(rgb)
    assert np.array_equal(gray[..., 0], gray[..., 2])
    assert np.abs(_lab_of(gray)[..., 0] - _lab_of(rgb)[..., 0]).max() < 0.8
    assert metrics.colourfulness(gray) == 0.0


def test_a_channel_image_is_green_to_red_at_constant_lightness() -> None:
    a = np.array([[-35.0, 0.0, 50.0]], dtype=np.float32)
    img = channels.a_channel_image(a, lightness=65.0)
    lab = _lab_of(img)
    assert np.abs(lab[..., 0] - 65.0).max() < 0.8
    assert np.abs(lab[..., 1] - a).max() < 1.5  # one 8-bit level is about 1 a/b unit
    assert np.abs(lab[..., 2]).max() < 1.5
    green, gray, red = img[0].astype(int)
    assert green[1] > green[0] and red[0] > red[1]
    assert gray[0] == gray[1] == gray[2]


def test_b_channel_image_is_blue_to_yellow_at_constant_lightness() -> None:
    b = np.array([[-40.0, 0.0, 60.0]], dtype=np.float32)
    img = channels.b_channel_image(b, lightness=65.0)
    lab = _lab_of(img)
    assert np.abs(lab[..., 0] - 65.0).max() < 0.8
    assert np.abs(lab[..., 2] - b).max() < 1.5
    blue, _, yellow = img[0].astype(int)
    assert blue[2] > blue[0] and yellow[0] > yellow[2] and yellow[1] > yellow[2]


def test_channel_images_keep_lightness_for_out_of_gamut_values() -> None:
    """Extreme a/b cannot be shown at L 65; the chroma shrinks, the lightness stays."""
    a = np.array([[127.0, -127.0]], dtype=np.float32)
    lab = _lab_of(channels.a_channel_image(a, lightness=65.0))
    assert np.abs(lab[..., 0] - 65.0).max() < 1.0
    assert lab[0, 0, 1] > 40 and lab[0, 1, 1] < -40


def test_recolour_matches_scikit_image_for_in_gamut_colours() -> None:
    rng = np.random.default_rng(2)
    rgb = rng.integers(20, 236, (8, 8, 3), dtype=np.uint8)
    lab = _lab_of(rgb).astype(np.float32)
    out = channels.recolour(lab[..., 0], np.stack((lab[..., 1], lab[..., 2])), 1.0)
    assert np.abs(out.astype(int) - rgb.astype(int)).max() <= 1


def test_recolour_saturation_zero_is_gray_and_negative_is_refused() -> None:
    l_plane = np.full((4, 4), 50.0, dtype=np.float32)
    ab = np.full((2, 4, 4), 30.0, dtype=np.float32)
    gray = channels.recolour(l_plane, ab, 0.0)
    assert np.array_equal(gray, channels.lightness_image(l_plane))
    with pytest.raises(ValueError, match="saturation must be >= 0, got -0.5"):
        channels.recolour(l_plane, ab, -0.5)


def test_saturation_strip_grows_in_chroma() -> None:
    l_plane = np.full((4, 4), 55.0, dtype=np.float32)
    ab = np.stack((np.full((4, 4), 20.0), np.full((4, 4), -15.0))).astype(np.float32)
    strip = channels.saturation_strip(l_plane, ab)
    assert [s for s, _ in strip] == [0.0, 0.5, 1.0, 1.5]
    chroma = [float(np.hypot(*_lab_of(img)[0, 0, 1:])) for _, img in strip]
    assert chroma[0] < 1.0
    assert chroma[1] == pytest.approx(12.5, abs=1.5) and chroma[2] == pytest.approx(25.0, abs=1.5)
    assert chroma[3] == pytest.approx(37.5, abs=1.5)


def test_ab_to_pixel_puts_a_right_and_b_up() -> None:
    assert channels.ab_to_pixel(0.0, 0.0, 220, 110.0) == (110, 110)
    assert channels.ab_to_pixel(-110.0, 110.0, 220, 110.0) == (0, 0)
    assert channels.ab_to_pixel(109.9, -109.9, 220, 110.0) == (219, 219)
    assert channels.ab_to_pixel(500.0, -500.0, 220, 110.0) == (219, 219)  # clipped to the edge


def test_ab_plane_image_shows_each_colour_at_its_own_position() -> None:
    size = 256
    disc = channels.ab_plane_image(size, lightness=65.0, ab_range=110.0)
    assert disc.shape == (size, size, 4) and disc.dtype == np.uint8
    assert disc[0, 0, 3] == 0 and disc[-1, -1, 3] == 0  # corners lie outside the disc
    assert disc[size // 2, size // 2, 3] == 255
    for a, b in ((40.0, 0.0), (-40.0, 0.0), (0.0, 50.0), (0.0, -35.0), (25.0, 25.0)):
        row, col = channels.ab_to_pixel(a, b, size, 110.0)
        lab = _lab_of(disc[row : row + 1, col : col + 1, :3])[0, 0]
        # Within one pixel (0.86 units) plus one 8-bit level of the requested colour.
        assert lab[0] == pytest.approx(65.0, abs=0.8)
        assert lab[1] == pytest.approx(a, abs=2.0) and lab[2] == pytest.approx(b, abs=2.0)


def test_ab_histogram_of_a_known_colour() -> None:
    red_a, red_b = _ab_of_srgb(255, 0, 0)  # about (80.1, 67.2)
    ab = np.stack((np.full((10, 20), red_a), np.full((10, 20), red_b))).astype(np.float32)
    share, centres = channels.ab_histogram(ab, bins=44, ab_range=110.0)
    assert share.shape == (44, 44) and share.sum() == pytest.approx(1.0)
    row, col = np.unravel_index(np.argmax(share), share.shape)
    assert share[row, col] == 1.0
    assert abs(centres[col] - red_a) <= 2.5 and abs(centres[row] - red_b) <= 2.5


def test_ab_histogram_counts_out_of_range_pixels_at_the_edge() -> None:
    ab = np.array([[[200.0, -5.0]], [[0.0, -300.0]]], dtype=np.float32)  # (2, 1, 2)
    share, centres = channels.ab_histogram(ab, bins=22, ab_range=110.0)
    assert share.sum() == pytest.approx(1.0)
    assert share[11, 21] == 0.5  # a clipped to +110, b = 0
    assert share[0, 10] == 0.5  # a = -5, b clipped to -110


def test_ab_figure_marks_a_known_colour_at_its_ab_position() -> None:
    blue_a, blue_b = _ab_of_srgb(40, 60, 200)
    gray = (np.zeros((8, 8)), np.zeros((8, 8)))
    ab = np.concatenate(
        (np.stack((np.full((8, 24), blue_a), np.full((8, 24), blue_b))), np.stack(gray)), axis=2
    ).astype(np.float32)  # 3/4 blue, 1/4 gray
    text = channels.AbFigureText(a_axis="a: green to red", b_axis="b: blue to yellow", hover="%{customdata}%")
    fig = channels.ab_figure(ab, text)
    heat = fig.data[0]
    z = np.array(heat.z, dtype=float)
    row, col = np.unravel_index(np.nanargmax(z), z.shape)
    assert abs(heat.x[col] - blue_a) <= 2.5 and abs(heat.y[row] - blue_b) <= 2.5
    assert np.array(heat.customdata)[row, col] == 75.0
    gray_row, gray_col = np.unravel_index(np.nanargmin(z), z.shape)
    assert abs(heat.x[gray_col]) <= 2.5 and abs(heat.y[gray_row]) <= 2.5
    assert np.isnan(z).sum() == z.size - 2  # empty cells are transparent
    assert fig.layout.xaxis.title.text == "a: green to red" and fig.layout.yaxis.title.text == "b: blue to yellow"
    assert str(fig.layout.images[0].source).startswith("data:image/png;base64,")


def _photo_crop(photos_dir, name_part: str = "", size: int = 160) -> np.ndarray:
    path = sorted((photos_dir / "val").glob("*.jpg"))[0]
    rgb = load_image(path).rgb
    return np.ascontiguousarray(rgb[:size, :size])


def test_compare_with_truth_equals_the_metrics_module(photos_dir) -> None:
    truth = _photo_crop(photos_dir)
    l_plane = _lab_of(truth)[..., 0].astype(np.float32)
    # A plausible "prediction": the truth with its colours shifted.
    pred = np.clip(truth.astype(int) + (25, -10, 5), 0, 255).astype(np.uint8)
    scores = channels.compare_with_truth(pred, l_plane, truth)
    gray = channels.lightness_image(l_plane)
    assert scores["model"].psnr == pytest.approx(metrics.psnr(pred, truth))
    assert scores["model"].ssim == pytest.approx(metrics.ssim(pred, truth))
    assert scores["model"].lpips == pytest.approx(metrics.lpips_distance(pred, truth))
    assert scores["model"].colourfulness == pytest.approx(metrics.colourfulness(pred))
    assert scores["grayscale"].psnr == pytest.approx(metrics.psnr(gray, truth))
    assert scores["grayscale"].lpips == pytest.approx(metrics.lpips_distance(gray, truth))
    assert scores["grayscale"].colourfulness == 0.0


def test_compare_with_truth_of_the_truth_itself_is_perfect(photos_dir) -> None:
    truth = _photo_crop(photos_dir)
    l_plane = _lab_of(truth)[..., 0].astype(np.float32)
    scores = channels.compare_with_truth(truth, l_plane, truth)
    assert math.isinf(scores["model"].psnr) and scores["model"].ssim == pytest.approx(1.0)
    assert scores["model"].lpips == pytest.approx(0.0, abs=1e-6)
    assert scores["grayscale"].psnr < 60 and scores["grayscale"].lpips > 0


def test_compare_with_truth_resizes_a_larger_truth(photos_dir) -> None:
    truth = _photo_crop(photos_dir)
    big = np.asarray(Image.fromarray(truth).resize((320, 320), Image.Resampling.LANCZOS))
    l_plane = _lab_of(truth)[..., 0].astype(np.float32)
    scores = channels.compare_with_truth(truth, l_plane, big)
    assert 30 < scores["model"].psnr < math.inf


def test_is_colour_photo_tells_colour_from_gray(photos_dir) -> None:
    colour = _photo_crop(photos_dir, size=200)
    assert channels.is_colour_photo(colour)
    assert not channels.is_colour_photo(channels.grayscale(colour))
    # A gray scan saved as JPEG picks up a little chroma noise; it is still gray.
    buf = io.BytesIO()
    Image.fromarray(channels.grayscale(colour)).convert("RGB").save(buf, "JPEG", quality=70)
    assert not channels.is_colour_photo(load_image(buf.getvalue()).rgb)


def _fake_result(rgb: np.ndarray) -> ColorizeResult:
    """A ColorizeResult built from a photo's own Lab, as if the model had guessed perfectly."""
    lab = _lab_of(rgb).astype(np.float32)
    ab = np.ascontiguousarray(lab[..., 1:].transpose(2, 0, 1))
    return ColorizeResult(l=lab[..., 0], ab=ab, ab_small=ab[:, ::4, ::4], rgb=rgb, alpha=None, seconds=0.0)


def test_explain_keeps_only_a_preview_and_scores_when_there_is_a_truth(photos_dir) -> None:
    big = next(p for p in sorted((photos_dir / "val").glob("*.jpg")) if max(Image.open(p).size) > 1000)
    truth = load_image(big).rgb
    result = _fake_result(truth)
    plain = channels.explain(result, None)
    assert plain.scores is None and plain.truth_colourfulness is None
    assert max(plain.l_small.shape) == channels.PREVIEW_MAX_SIDE
    assert plain.ab_small.shape == (2, *plain.l_small.shape)
    scored = channels.explain(result, truth, in_training=True)
    assert scored.in_training
    assert math.isinf(scored.scores["model"].psnr)  # the "guess" is the truth itself
    assert scored.scores["grayscale"].psnr == pytest.approx(metrics.psnr(channels.lightness_image(result.l), truth))
    assert scored.truth_colourfulness == pytest.approx(metrics.colourfulness(truth))


def test_format_score_uses_fixed_decimals() -> None:
    assert channels.format_score("psnr", 21.3449) == "21.34"
    assert channels.format_score("psnr", math.inf) == "∞"
    assert channels.format_score("ssim", 0.97051) == "0.971"
    assert channels.format_score("lpips", 0.1) == "0.100"
    assert channels.format_score("colourfulness", 0.0) == "0.0"


@pytest.mark.slow
def test_recolour_reproduces_the_pipeline_at_every_strip_saturation(colorizer, photos_dir) -> None:
    """The strip is computed from one run; it must equal running the real model at each saturation."""
    path = sorted((photos_dir / "val").glob("*.jpg"))[1]
    base = colorizer.colorize_detailed(path, 1.0)
    for saturation in channels.STRIP_SATURATIONS:
        direct = colorizer.colorize_detailed(path, saturation).rgb
        ours = channels.recolour(base.l, base.ab, saturation)
        assert np.abs(ours.astype(int) - direct.astype(int)).max() <= 1, saturation


def test_a_map_is_resized_to_the_preview_and_keeps_its_values() -> None:
    flat = channels.resize_map(np.full((30, 40), 0.25), (60, 80))
    assert flat.shape == (60, 80) and flat.dtype == np.float32 and np.allclose(flat, 0.25)
    halves = np.zeros((4, 8))
    halves[:, 4:] = 1.0  # left half 0, right half 1
    big = channels.resize_map(halves, (8, 16))
    assert np.allclose(big[:, :7], 0.0) and np.allclose(big[:, 9:], 1.0)  # away from the edge, each half keeps its value
    assert 0.0 < big[0, 7] < big[0, 8] < 1.0 and big.min() >= 0.0 and big.max() <= 1.0  # a blend across it

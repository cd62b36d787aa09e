"""The real model on real photos and odd inputs: size, lightness, alpha, tint and saturation contracts."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image
from skimage.color import lab2rgb, rgb2lab

import huerevive

pytestmark = pytest.mark.slow


def lightness(rgb: np.ndarray) -> np.ndarray:
    """CIE L (0..100) of uint8 RGB, from scikit-image (an implementation independent of ours)."""
    return rgb2lab(np.asarray(rgb)[..., :3])[..., 0]


def lab_to_uint8(lab: np.ndarray) -> np.ndarray:
    return np.round(np.clip(lab2rgb(lab), 0, 1) * 255).astype(np.uint8)


@pytest.fixture(scope="module")
def photo(photos_dir: Path) -> Path:
    """A real colour validation photo (the first one, sorted, for repeatability)."""
    return sorted((photos_dir / "val").glob("*.jpg"))[0]


@pytest.fixture(scope="module")
def photo_rgb(photo: Path) -> np.ndarray:
    with Image.open(photo) as img:
        return np.array(img.convert("RGB"))


def test_real_photo_keeps_size_and_lightness(colorizer, photo: Path, photo_rgb: np.ndarray) -> None:
    out = np.asarray(colorizer.colorize(photo))
    assert out.shape == photo_rgb.shape
    assert np.abs(lightness(out) - lightness(photo_rgb)).max() <= 1.0
    # The model must actually colour: a gray output would also pass the lightness check.
    assert np.abs(rgb2lab(out)[..., 1:]).mean() > 1.0


@pytest.mark.parametrize("size", [(1, 1), (7, 3), (3, 7)])
def test_tiny_inputs_keep_their_size_and_lightness(colorizer, photo_rgb: np.ndarray, size: tuple[int, int]) -> None:
    tiny = np.array(Image.fromarray(photo_rgb).resize(size, Image.Resampling.BILINEAR))
    out = np.asarray(colorizer.colorize(tiny))
    assert out.shape == (size[1], size[0], 3)
    assert np.abs(lightness(out) - lightness(tiny)).max() <= 1.0


def test_exif_rotated_input_gives_rotated_output(colorizer, photo_rgb: np.ndarray, tmp_path: Path) -> None:
    img = Image.fromarray(photo_rgb)
    exif = img.getexif()
    exif[0x0112] = 6  # stored landscape, shown portrait
    path = tmp_path / "rotated.png"
    img.save(path, exif=exif)
    out = np.asarray(colorizer.colorize(path))
    upright = np.asarray(img.transpose(Image.Transpose.ROTATE_270))
    assert out.shape == upright.shape == (img.width, img.height, 3)
    assert np.abs(lightness(out) - lightness(upright)).max() <= 1.0


def test_rgba_alpha_is_preserved_exactly(colorizer, photo_rgb: np.ndarray) -> None:
    height, width = photo_rgb.shape[:2]
    alpha = ((np.arange(width)[None, :] + np.arange(height)[:, None]) % 256).astype(np.uint8)
    out = colorizer.colorize(Image.fromarray(np.dstack((photo_rgb, alpha)), "RGBA"))
    assert out.mode == "RGBA"
    np.testing.assert_array_equal(np.asarray(out)[..., 3], alpha)
    assert np.abs(lightness(np.asarray(out)) - lightness(photo_rgb)).max() <= 1.0


def _gray_with_same_lightness(rgb: np.ndarray) -> np.ndarray:
    lab = rgb2lab(rgb)
    lab[..., 1:] = 0
    return lab_to_uint8(lab)


def _tinted(gray: np.ndarray, a: float, b: float) -> np.ndarray:
    lab = rgb2lab(gray)
    lab[..., 1], lab[..., 2] = a, b
    return lab_to_uint8(lab)


def _assert_same_colorization(first: np.ndarray, second: np.ndarray) -> None:
    # The two inputs' L differ only by uint8 rounding (< 0.5 L), so the colours must agree
    # almost everywhere; a pipeline that leaked the input's tint would be off by ~10+ everywhere.
    ab_diff = np.abs(rgb2lab(first)[..., 1:] - rgb2lab(second)[..., 1:])
    assert ab_diff.mean() < 1.0
    assert np.percentile(ab_diff, 99) < 4.0


def test_colour_input_gives_the_same_result_as_its_grayscale(colorizer, photo_rgb: np.ndarray) -> None:
    gray = _gray_with_same_lightness(photo_rgb)
    assert np.abs(lightness(gray) - lightness(photo_rgb)).max() < 1.0
    _assert_same_colorization(np.asarray(colorizer.colorize(photo_rgb)), np.asarray(colorizer.colorize(gray)))


def test_sepia_input_gives_the_same_result_as_its_grayscale(colorizer, photo_rgb: np.ndarray) -> None:
    gray = _gray_with_same_lightness(photo_rgb)
    # Mid-tones only, so the sepia version stays in gamut and keeps the gray version's L.
    lab = rgb2lab(gray)
    lab[..., 0] = 20 + lab[..., 0] * 0.6
    gray = lab_to_uint8(lab)
    sepia = _tinted(gray, 6.0, 18.0)
    assert np.abs(rgb2lab(sepia)[..., 2]).mean() > 15  # really tinted
    assert np.abs(lightness(sepia) - lightness(gray)).max() < 1.0
    _assert_same_colorization(np.asarray(colorizer.colorize(sepia)), np.asarray(colorizer.colorize(gray)))


def test_saturation_zero_gives_gray_with_the_inputs_lightness(colorizer, photo_rgb: np.ndarray) -> None:
    out = np.asarray(colorizer.colorize(photo_rgb, saturation=0.0)).astype(int)
    assert np.abs(out[..., 0] - out[..., 1]).max() <= 1 and np.abs(out[..., 1] - out[..., 2]).max() <= 1
    assert np.abs(lightness(out.astype(np.uint8)) - lightness(photo_rgb)).max() <= 1.0


@pytest.mark.parametrize("saturation", [-0.01, 2.01, float("nan"), float("inf")])
def test_saturation_outside_range_is_refused(colorizer, photo_rgb: np.ndarray, saturation: float) -> None:
    with pytest.raises(ValueError, match="saturation must be between 0 and 2"):
        colorizer.colorize(photo_rgb[:8, :8], saturation=saturation)


def test_module_colorize_accepts_pil_path_and_array(photo: Path, photo_rgb: np.ndarray) -> None:
    from_path = np.asarray(huerevive.colorize(photo))
    with Image.open(photo) as img:
        from_pil = np.asarray(huerevive.colorize(img))
    from_array = np.asarray(huerevive.colorize(photo_rgb))
    from_str = np.asarray(huerevive.colorize(str(photo), saturation=1.0))
    assert from_path.shape == photo_rgb.shape
    np.testing.assert_array_equal(from_pil, from_path)
    np.testing.assert_array_equal(from_array, from_path)
    np.testing.assert_array_equal(from_str, from_path)


def test_flip_averaging_makes_the_colour_of_a_mirrored_photo_its_mirror(colorizer, photo_rgb: np.ndarray) -> None:
    """With flip averaging the network judges each photo from both sides, so mirroring the input mirrors the colour."""
    import copy

    from huerevive.pipeline import Colorizer

    def with_flip(on: bool) -> Colorizer:
        model = copy.deepcopy(colorizer.model)
        model.config.flip_average = on
        return Colorizer(model)

    mirrored_rgb = np.ascontiguousarray(photo_rgb[:, ::-1])
    both_sides, one_side = with_flip(True), with_flip(False)
    gap = lambda c: np.abs(c.colorize_detailed(photo_rgb).ab - c.colorize_detailed(mirrored_rgb).ab[..., ::-1])  # noqa: E731
    flip_gap, plain_gap = gap(both_sides), gap(one_side)
    assert flip_gap.max() < 0.05  # equal up to float rounding
    assert plain_gap.mean() > 0.3  # the network alone is not mirror-symmetric: the check can fail
    # And the flip changes the colour, but only as an average of two looks does: a little, not a new palette.
    diff = np.abs(both_sides.colorize_detailed(photo_rgb).ab - one_side.colorize_detailed(photo_rgb).ab)
    assert 0.05 < diff.mean() < 5.0


def test_a_coarser_look_changes_the_colour_a_little_and_keeps_the_photo(colorizer, photo_rgb: np.ndarray) -> None:
    """Context averaging (NetConfig.context_size) runs the network again on a smaller copy and mixes its colour in."""
    import copy

    from huerevive.pipeline import Colorizer

    model = copy.deepcopy(colorizer.model)
    model.config.context_size = 192
    with_context = Colorizer(model).colorize_detailed(photo_rgb)
    without = colorizer.colorize_detailed(photo_rgb)
    assert with_context.rgb.shape == photo_rgb.shape and with_context.ab_small.shape == without.ab_small.shape
    np.testing.assert_allclose(with_context.l, without.l, atol=1e-4)  # lightness is the photo's either way
    diff = np.abs(with_context.ab - without.ab)
    assert 0.05 < diff.mean() < 5.0  # an average of two looks: a change, not a new palette


def test_each_look_alone_is_what_that_look_alone_would_colour(colorizer, photo_rgb: np.ndarray) -> None:
    """``context_share`` 0 keeps only the close look, 1 only the coarser one (the explainer shows both)."""
    import copy

    import torch
    import torch.nn.functional as F

    from huerevive.image_input import load_image
    from huerevive.pipeline import Colorizer

    assert colorizer.model.config.context_size  # the shipped weights look twice
    prepared = colorizer.prepare(load_image(photo_rgb))
    close, both, far = (colorizer.predict_ab_prepared(prepared, None, share) for share in (0.0, 0.5, 1.0))
    # The close look alone is the same weights with the coarser look switched off.
    one_look = copy.deepcopy(colorizer.model)
    one_look.config.context_size = 0
    alone = Colorizer(one_look)
    torch.testing.assert_close(close, alone.predict_ab_prepared(alone.prepare(load_image(photo_rgb))))
    # By default the share is the weights' own (NetConfig.context_share), half and half as shipped.
    assert colorizer.model.config.context_share == 0.5
    torch.testing.assert_close(colorizer.predict_ab_prepared(prepared), both, rtol=0, atol=0)
    close_only = copy.deepcopy(colorizer.model)
    close_only.config.context_share = 0.0
    torch.testing.assert_close(Colorizer(close_only).predict_ab_prepared(prepared), close, rtol=0, atol=0)
    # The coarser look alone is close to the same weights working at the coarser size (its colour, enlarged;
    # the two differ only where enlarging distributions and enlarging their means part, at edges).
    coarse = copy.deepcopy(one_look)
    coarse.config.working_size = colorizer.model.config.context_size
    small = Colorizer(coarse)
    enlarged = F.interpolate(small.predict_ab_prepared(small.prepare(load_image(photo_rgb))), size=far.shape[-2:],
                             mode="bilinear", align_corners=False)
    looks_apart = (close - far).abs().mean()
    assert looks_apart > 0.5  # the two looks really differ: the checks below can fail
    assert (far - enlarged).abs().mean() < 0.1 * looks_apart
    # The mix lies between the looks: per pixel nearer the midpoint than the two looks are to each other.
    assert ((both - (close + far) / 2).abs().mean()) < 0.15 * looks_apart


def test_colouring_at_several_shares_runs_the_decoder_once(colorizer, photo_rgb: np.ndarray, monkeypatch) -> None:
    """``colorize_shares``: each share's colour is exactly ``predict_ab_prepared``'s, from one set of logits."""
    from huerevive.image_input import load_image

    prepared = colorizer.prepare(load_image(photo_rgb))
    wanted = [colorizer.predict_ab_prepared(prepared, None, share)[0].numpy() for share in (0.0, 0.5, 1.0)]
    calls = []
    look_logits = colorizer.look_logits
    monkeypatch.setattr(colorizer, "look_logits", lambda *args: calls.append(args) or look_logits(*args))
    results = colorizer.colorize_shares(prepared, (0.0, 0.5, 1.0), max_side=100)
    assert len(calls) == 1
    assert not np.array_equal(wanted[0], wanted[2])  # the looks differ, so a mix-up would show
    for result, ab in zip(results, wanted):
        np.testing.assert_array_equal(result.ab_small, ab)
        assert max(result.rgb.shape[:2]) == 100 and result.alpha is None
    # The share the weights ship gives what colorize_prepared gives, at the same preview size.
    np.testing.assert_array_equal(results[1].rgb, colorizer.colorize_prepared(prepared, max_side=100).rgb)
    # Given the decoder's output already, it runs no decoder and colours the same.
    before = len(calls)
    again = colorizer.colorize_shares(prepared, (0.0, 0.5, 1.0), max_side=100, looks=look_logits(prepared))
    assert len(calls) == before
    for result, first in zip(again, results):
        np.testing.assert_array_equal(result.rgb, first.rgb)
    # Their shared last step refuses a saturation the pipeline refuses.
    with pytest.raises(ValueError, match="saturation must be between 0 and 2"):
        colorizer.finish(prepared, colorizer.predict_ab_prepared(prepared), 2.5)


def test_load_reads_the_photo_with_the_pipelines_size_limit(colorizer, photo: Path, photo_rgb: np.ndarray) -> None:
    """``Colorizer.load``: what every front end colours, refused above ``max_pixels`` as ``colorize`` refuses it."""
    from huerevive.errors import ImageTooLargeError
    from huerevive.pipeline import Colorizer

    np.testing.assert_array_equal(colorizer.load(photo).rgb, photo_rgb)  # within the limit: as it is
    small = Colorizer(colorizer.model, max_pixels=20_000)
    assert photo_rgb.shape[0] * photo_rgb.shape[1] > 20_000
    for read in (small.load, small.colorize):
        with pytest.raises(ImageTooLargeError, match=f"{photo.name}.*above the limit of 20000 pixels"):
            read(photo)


def test_the_neutral_fade_takes_colour_from_the_pixels_that_may_be_gray(colorizer, photo_rgb: np.ndarray) -> None:
    """NetConfig.neutral_fade: the weights' fade reaches the pipeline's colour, and mostly where the colour was faint."""
    import copy

    from huerevive.pipeline import Colorizer

    def with_fade(fade: float, gain: float) -> Colorizer:
        model = copy.deepcopy(colorizer.model)
        model.config.neutral_fade, model.config.chroma_gain = fade, gain
        return Colorizer(model)

    plain, faded = with_fade(0.0, 1.0).colorize_detailed(photo_rgb), with_fade(1.0, 1.0).colorize_detailed(photo_rgb)
    np.testing.assert_allclose(faded.l, plain.l, atol=1e-4)  # lightness is the photo's either way
    chroma, faded_chroma = np.hypot(*plain.ab_small), np.hypot(*faded.ab_small)
    kept = faded_chroma / np.maximum(chroma, 1e-3)
    assert kept.max() <= 1.0 + 1e-4  # a fade only ever takes colour away
    faint, strong = chroma < np.percentile(chroma, 25), chroma > np.percentile(chroma, 75)
    assert kept[faint].mean() < kept[strong].mean() - 0.05  # the faint (possibly gray) pixels lose more of theirs
    regained = with_fade(1.0, 1.5).colorize_detailed(photo_rgb)
    np.testing.assert_allclose(regained.ab_small, faded.ab_small * 1.5, atol=1e-3)
    # Colorizer.gray_share is the map the fade reads: at fade 1 each pixel keeps 1 - its share of its colour.
    pipeline = with_fade(1.0, 1.0)
    share = pipeline.gray_share(pipeline.prepare(pipeline.load(photo_rgb)))[0, 0].numpy()
    assert share.shape == chroma.shape and 0.0 <= share.min() and share.max() <= 1.0
    coloured = chroma > 2.0
    np.testing.assert_allclose(kept[coloured], 1.0 - share[coloured], atol=2e-3)
    # The explainer's one mixing of the looks gives exactly mix_looks' colour and gray_share's map.
    prepared = pipeline.prepare(pipeline.load(photo_rgb))
    looks = pipeline.look_logits(prepared)
    ab, gray = pipeline.mix_looks_and_gray(prepared, looks)
    assert torch.equal(ab, pipeline.mix_looks(prepared, looks)) and torch.equal(gray, pipeline.gray_share(prepared, looks))
    plain_pipeline = with_fade(0.0, 1.0)
    plain_ab, no_map = plain_pipeline.mix_looks_and_gray(prepared, looks)
    assert no_map is None and torch.equal(plain_ab, plain_pipeline.mix_looks(prepared, looks))

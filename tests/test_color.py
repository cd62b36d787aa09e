"""The torch Lab maths against scikit-image and known reference values."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from skimage import color as skcolor

from huerevive.color import gray_to_l, lab_to_rgb, rgb_to_l, rgb_to_lab


def _chw(rgb_u8: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(rgb_u8).permute(2, 0, 1).float() / 255.0


@pytest.fixture(scope="module")
def all_colours() -> np.ndarray:
    """A 64x64x... sample of the sRGB cube plus all 256 grays, uint8 (H, W, 3)."""
    rng = np.random.default_rng(0)
    cube = rng.integers(0, 256, size=(100, 100, 3), dtype=np.uint8)
    grays = np.repeat(np.arange(256, dtype=np.uint8)[:, None], 3, axis=1)[None]
    cube[0, :, :] = grays[0, :100]
    cube[1, :, :] = grays[0, 100:200]
    cube[2, :56, :] = grays[0, 200:]
    return cube


@pytest.mark.parametrize(
    ("rgb", "lab"),
    [
        # Reference values from Bruce Lindbloom's calculator (D65, sRGB), rounded.
        ((255, 255, 255), (100.0, 0.0, 0.0)),
        ((0, 0, 0), (0.0, 0.0, 0.0)),
        ((255, 0, 0), (53.24, 80.09, 67.20)),
        ((0, 255, 0), (87.73, -86.18, 83.18)),
        ((0, 0, 255), (32.30, 79.19, -107.86)),
        ((128, 128, 128), (53.59, 0.0, 0.0)),
    ],
)
def test_rgb_to_lab_reference_values(rgb: tuple, lab: tuple) -> None:
    got = rgb_to_lab(torch.tensor(rgb, dtype=torch.float32).view(3, 1, 1) / 255.0).flatten()
    assert got.tolist() == pytest.approx(lab, abs=0.05)


def test_rgb_to_lab_matches_skimage(all_colours: np.ndarray) -> None:
    ours = rgb_to_lab(_chw(all_colours)).permute(1, 2, 0).numpy()
    ref = skcolor.rgb2lab(all_colours)
    assert np.abs(ours - ref).max() < 0.01


def test_rgb_to_l_and_gray_to_l_match_full_conversion(all_colours: np.ndarray) -> None:
    rgb = _chw(all_colours)
    assert torch.allclose(rgb_to_l(rgb), rgb_to_lab(rgb)[0], atol=1e-3)
    gray = torch.arange(256, dtype=torch.float32) / 255.0
    expected = skcolor.rgb2lab(np.repeat(np.arange(256, dtype=np.uint8)[None, :, None], 3, axis=2))[0, :, 0]
    assert np.abs(gray_to_l(gray).numpy() - expected).max() < 0.01


def test_lab_to_rgb_matches_skimage_within_one_level(all_colours: np.ndarray) -> None:
    lab = skcolor.rgb2lab(all_colours)
    ours = lab_to_rgb(torch.from_numpy(lab).permute(2, 0, 1).float()).permute(1, 2, 0).numpy()
    ref = skcolor.lab2rgb(lab)
    assert np.abs(ours * 255 - ref * 255).max() <= 1.0


def test_round_trip_is_exact_to_8_bits(all_colours: np.ndarray) -> None:
    back = lab_to_rgb(rgb_to_lab(_chw(all_colours)))
    assert (back * 255).round().to(torch.uint8).permute(1, 2, 0).numpy().tolist() == all_colours.tolist()


def test_out_of_gamut_keeps_lightness_where_clipping_does_not() -> None:
    # Very saturated requests at several lightnesses: far outside sRGB.
    L = torch.tensor([20.0, 50.0, 80.0, 95.0]).view(1, 4, 1).expand(1, 4, 3)
    ab = torch.tensor([[100.0, 100.0], [-100.0, 90.0], [60.0, -110.0]]).T.view(2, 1, 3).expand(2, 4, 3)
    lab = torch.cat((L, ab), 0).contiguous()
    kept = lab_to_rgb(lab, keep_lightness=True)
    clipped = lab_to_rgb(lab, keep_lightness=False)
    assert kept.min() >= 0 and kept.max() <= 1
    l_kept = rgb_to_lab(kept)[0]
    l_clipped = rgb_to_lab(clipped)[0]
    assert (l_kept - L[0]).abs().max() < 0.5
    assert (l_clipped - L[0]).abs().max() > 3  # the naive way visibly shifts brightness
    # Chroma is reduced, not dropped: the colour direction (hue) survives.
    ab_kept = rgb_to_lab(kept)[1:]
    cos = (ab_kept * lab[1:]).sum(0) / (ab_kept.norm(dim=0) * lab[1:].norm(dim=0) + 1e-6)
    assert cos.min() > 0.9


def test_lab_to_rgb_of_gray_axis_is_gray() -> None:
    L = torch.linspace(0, 100, 101).view(1, 1, -1)
    rgb = lab_to_rgb(torch.cat((L, torch.zeros(2, 1, 101)), 0))
    assert (rgb.max(0).values - rgb.min(0).values).max() < 1e-4


def test_fast_l_from_uint8_matches_skimage(all_colours: np.ndarray) -> None:
    from huerevive.color import rgb_u8_to_l

    ref = skcolor.rgb2lab(all_colours)[..., 0]
    assert np.abs(rgb_u8_to_l(all_colours).numpy() - ref).max() < 0.02
    gray = np.repeat(np.arange(256, dtype=np.uint8).reshape(16, 16, 1), 3, axis=2)
    assert np.abs(rgb_u8_to_l(gray).numpy() - skcolor.rgb2lab(gray)[..., 0]).max() < 0.02


def test_fast_lab_to_rgb_reproduces_real_colours_within_one_level(all_colours: np.ndarray) -> None:
    """Colours that exist in sRGB survive the round trip through the fast path to within one 8-bit level (L kept)."""
    from huerevive.color import lab_to_rgb_u8

    lab = torch.from_numpy(skcolor.rgb2lab(all_colours)).permute(2, 0, 1).float()
    out = lab_to_rgb_u8(lab[0], lab[1:])
    # The transfer curve is read from a table of 65536 linear-light steps.
    diff = np.abs(out.astype(int) - all_colours.astype(int))
    assert np.percentile(diff, 99) <= 1
    assert diff.max() <= 4
    assert np.abs(skcolor.rgb2lab(out)[..., 0] - lab[0].numpy()).max() < 1.0


def test_fast_lab_to_rgb_keeps_lightness_of_impossible_colours() -> None:
    from huerevive.color import lab_to_rgb_u8

    gen = torch.Generator().manual_seed(1)
    L = torch.rand(64, 64, generator=gen) * 100
    ab = (torch.rand(2, 64, 64, generator=gen) - 0.5) * 220
    out = lab_to_rgb_u8(L, ab)
    assert np.abs(skcolor.rgb2lab(out)[..., 0] - L.numpy()).max() < 1.0

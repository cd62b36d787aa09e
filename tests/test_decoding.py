"""Region-consistent decoding: distributions agree within a region, stay apart across edges."""

from __future__ import annotations

import pytest
import torch

from huerevive.ab_bins import decode_annealed_mean, gamut_bin_centres
from huerevive.decoding import (
    NEUTRAL_CHROMA,
    annealed_mean,
    decode_ab,
    fade_neutral,
    mix_distributions,
    neutral_share,
    region_pool,
)

CENTRES = gamut_bin_centres()


def _nearest_bin(a: float, b: float) -> int:
    return int(torch.cdist(torch.tensor([[float(a), float(b)]]), CENTRES).argmin())


def _two_way_doubt(height: int = 24, width: int = 24) -> torch.Tensor:
    """A flat region whose pixels are each almost sure, but randomly red or green: the patchwork case."""
    red, green = _nearest_bin(60, 40), _nearest_bin(-50, 40)
    gen = torch.Generator().manual_seed(0)
    pick_red = torch.rand(height, width, generator=gen) < 0.5
    logits = torch.full((1, len(CENTRES), height, width), -10.0)
    logits[0, red][pick_red] = 5.0
    logits[0, red][~pick_red] = 4.0
    logits[0, green][~pick_red] = 5.0
    logits[0, green][pick_red] = 4.0
    return logits


def test_without_pooling_it_is_the_per_pixel_annealed_mean() -> None:
    logits = torch.randn(1, len(CENTRES), 6, 7)
    expected = decode_annealed_mean(logits, CENTRES, 0.5)
    assert torch.allclose(decode_ab(logits, CENTRES, 0.5), expected, atol=1e-4)
    assert torch.allclose(annealed_mean(torch.softmax(logits, 1), CENTRES, 0.5), expected, atol=1e-4)


def test_pooling_makes_a_flat_region_agree_on_one_colour() -> None:
    logits = _two_way_doubt()
    flat = torch.full((1, 1, 24, 24), 50.0)
    per_pixel = decode_ab(logits, CENTRES, 0.4)
    pooled = decode_ab(logits, CENTRES, 0.4, flat, radius=6, eps=50.0)
    # Per pixel: a patchwork of red and green (large spread of a); pooled: one colour.
    assert per_pixel[0, 0].std() > 20
    assert pooled[0, 0, 6:-6, 6:-6].std() < per_pixel[0, 0].std() / 5


def test_consensus_pooling_settles_on_the_colour_the_region_shares() -> None:
    """Half the pixels say red-or-orange and rule out green, half green-or-orange and rule out red.

    Mixing their distributions keeps all three colours in doubt; the
    consensus keeps the one no pixel ruled out: orange, and as saturated as
    a sure orange, not the dull mean of red and green.
    """
    red, green, orange = _nearest_bin(60, 40), _nearest_bin(-50, 40), _nearest_bin(30, 70)
    gen = torch.Generator().manual_seed(1)
    first_half = torch.rand(24, 24, generator=gen) < 0.5
    logits = torch.full((1, len(CENTRES), 24, 24), -10.0)
    logits[0, orange] = 4.5
    logits[0, red][first_half] = 5.0
    logits[0, green][~first_half] = 5.0
    flat = torch.full((1, 1, 24, 24), 50.0)
    mixture = decode_ab(logits, CENTRES, 0.4, flat, radius=6, eps=50.0)[0, :, 6:-6, 6:-6]
    consensus = decode_ab(logits, CENTRES, 0.4, flat, radius=6, eps=50.0, mode="consensus")[0, :, 6:-6, 6:-6]
    to_orange = lambda ab: (ab - CENTRES[orange].view(2, 1, 1)).norm(dim=0)  # noqa: E731
    assert to_orange(consensus).max() < 3  # every pixel orange, within a few ab units
    assert to_orange(mixture).mean() > 10  # the mixture is pulled towards red and green
    assert consensus.std(dim=(1, 2)).max() < 1  # one colour over the region


def test_unknown_pooling_mode_is_refused() -> None:
    probs = torch.softmax(torch.randn(1, len(CENTRES), 5, 5), 1)
    with pytest.raises(ValueError, match="mixture, consensus"):
        region_pool(probs, torch.full((1, 1, 5, 5), 50.0), 2, 50.0, mode="median")


@pytest.mark.parametrize("mode", ["mixture", "consensus"])
def test_pooling_stops_at_a_lightness_edge(mode: str) -> None:
    red, blue = _nearest_bin(60, 40), _nearest_bin(10, -60)
    logits = torch.full((1, len(CENTRES), 24, 24), -10.0)
    logits[0, red, :, :12] = 5.0
    logits[0, blue, :, 12:] = 5.0
    guide = torch.full((1, 1, 24, 24), 30.0)
    guide[..., 12:] = 80.0  # a strong edge between the two halves
    pooled = decode_ab(logits, CENTRES, 0.4, guide, radius=6, eps=10.0, mode=mode)
    assert pooled[0, 0, :, :10].mean() > 50  # the left stays red (a > 0)
    assert pooled[0, 1, :, 14:].mean() < -45  # the right stays blue (b < 0)


@pytest.mark.parametrize("mode", ["mixture", "consensus"])
def test_pooled_distributions_sum_to_one_and_are_positive(mode: str) -> None:
    probs = torch.softmax(torch.randn(2, len(CENTRES), 10, 9), 1)
    guide = torch.rand(2, 1, 10, 9) * 100
    pooled = region_pool(probs, guide, 3, 25.0, mode)
    assert pooled.shape == probs.shape
    assert (pooled > 0).all()
    assert torch.allclose(pooled.sum(1), torch.ones(2, 10, 9), atol=1e-5)


@pytest.mark.parametrize("radius", [0, 1, 50])
def test_any_radius_works_on_a_tiny_map(radius: int) -> None:
    logits = torch.randn(1, len(CENTRES), 3, 4)
    out = decode_ab(logits, CENTRES, 0.4, torch.full((1, 1, 3, 4), 40.0), radius=radius)
    assert out.shape == (1, 2, 3, 4) and torch.isfinite(out).all()


def test_flip_averaging_of_a_mirror_symmetric_prediction_changes_nothing() -> None:
    logits = torch.randn(1, len(CENTRES), 6, 7)
    assert torch.allclose(decode_ab(logits, CENTRES, 0.5, mirrored_logits=logits.flip(-1)), decode_ab(logits, CENTRES, 0.5), atol=1e-4)


def test_flip_averaging_mixes_the_two_looks_half_and_half() -> None:
    red, green = _nearest_bin(60, 40), _nearest_bin(-50, 40)
    sure_red = torch.full((1, len(CENTRES), 4, 5), -30.0)
    sure_red[0, red] = 10.0
    sure_green = torch.full_like(sure_red, -30.0)
    sure_green[0, green] = 10.0
    # At T = 1 the annealed mean is the plain mean: halfway between the two bin centres.
    out = decode_ab(sure_red, CENTRES, 1.0, mirrored_logits=sure_green)
    expected = (CENTRES[red] + CENTRES[green]) / 2
    assert torch.allclose(out[0].permute(1, 2, 0), expected.expand(4, 5, 2), atol=1e-3)
    # The mirrored look is mirrored back before averaging: column 0 is paired with the mirrored map's column 4.
    half = sure_red.clone()
    half[0, :, :, 3:] = sure_green[0, :, :, 3:]  # red in columns 0-2, green in 3-4
    out = decode_ab(half, CENTRES, 1.0, mirrored_logits=half)
    assert torch.allclose(out[0, :, :, 0].T, expected.expand(4, 2), atol=1e-3)  # red + green
    assert torch.allclose(out[0, :, :, 2].T, CENTRES[red].expand(4, 2), atol=1e-3)  # red + red (the middle)


def test_a_coarser_look_that_agrees_changes_nothing() -> None:
    """Context averaging: a coarser look with the same (flat) distributions leaves the colour as it was."""
    logits = torch.randn(1, len(CENTRES), 1, 1).expand(1, len(CENTRES), 6, 8).contiguous()
    coarse = logits[..., :3, :4].contiguous()
    assert torch.allclose(decode_ab(logits, CENTRES, 0.5, context=(coarse, None)), decode_ab(logits, CENTRES, 0.5), atol=1e-4)


def _sure_red_and_coarse_green() -> tuple[int, int, torch.Tensor, torch.Tensor]:
    """Bins red and green; logits sure of red on an 8x10 map, and of green on a coarser 4x5 look."""
    red, green = _nearest_bin(60, 40), _nearest_bin(-50, 40)
    sure_red = torch.full((1, len(CENTRES), 8, 10), -30.0)
    sure_red[0, red] = 10.0
    coarse_green = torch.full((1, len(CENTRES), 4, 5), -30.0)
    coarse_green[0, green] = 10.0
    return red, green, sure_red, coarse_green


def test_a_coarser_look_is_resized_and_mixed_in_half_and_half() -> None:
    red, green, sure_red, coarse_green = _sure_red_and_coarse_green()
    # At T = 1 the annealed mean is the plain mean: halfway between red and green, at the fine map's size.
    out = decode_ab(sure_red, CENTRES, 1.0, context=(coarse_green, None))
    assert out.shape == (1, 2, 8, 10)
    expected = (CENTRES[red] + CENTRES[green]) / 2
    assert torch.allclose(out[0].permute(1, 2, 0), expected.expand(8, 10, 2), atol=1e-3)
    # The coarse look's own mirror is mirrored back before it is mixed in: green left, red right in both.
    half = coarse_green.clone()
    half[0, :, :, 3:] = sure_red[0, :, :4, 3:5]
    mirrored = half.flip(-1)
    out = decode_ab(sure_red, CENTRES, 1.0, context=(half, mirrored))
    assert torch.allclose(out[0, :, :, 0].T, expected.expand(8, 2), atol=1e-3)  # red + green (coarse column 0)
    assert torch.allclose(out[0, :, :, -1].T, CENTRES[red].expand(8, 2), atol=1e-3)  # red + red (coarse column 4)


def test_the_coarser_looks_share_picks_either_look_alone_or_a_mix() -> None:
    red, green, sure_red, coarse_green = _sure_red_and_coarse_green()
    context = (coarse_green, None)
    # 0: the close look alone, exactly as without a coarser look; 1: the coarser look alone, at the fine map's size
    assert torch.equal(decode_ab(sure_red, CENTRES, 1.0, context=context, context_share=0.0),
                       annealed_mean(torch.softmax(sure_red, 1), CENTRES, 1.0))
    coarse_only = decode_ab(sure_red, CENTRES, 1.0, context=context, context_share=1.0)
    assert torch.allclose(coarse_only[0].permute(1, 2, 0), CENTRES[green].expand(8, 10, 2), atol=1e-3)
    # a quarter of the way from red to green at T = 1 (the plain mean)
    quarter = decode_ab(sure_red, CENTRES, 1.0, context=context, context_share=0.25)
    assert torch.allclose(quarter[0].permute(1, 2, 0), (0.75 * CENTRES[red] + 0.25 * CENTRES[green]).expand(8, 10, 2),
                          atol=1e-3)
    # the default is the half-and-half mix, bit for bit
    assert torch.equal(decode_ab(sure_red, CENTRES, 1.0, context=context),
                       decode_ab(sure_red, CENTRES, 1.0, context=context, context_share=0.5))
    for share in (-0.1, 1.5):
        with pytest.raises(ValueError, match="context_share must be from 0 to 1"):
            decode_ab(sure_red, CENTRES, 1.0, context=context, context_share=share)


def _gray_or_beige_and_sure_red() -> tuple[torch.Tensor, int, int, int]:
    """Column 0: half gray, half beige (the "white wall or sand?" doubt); column 1: a sure red."""
    gray, beige, red = _nearest_bin(0, 0), _nearest_bin(10, 20), _nearest_bin(60, 40)
    logits = torch.full((1, len(CENTRES), 3, 2), -30.0)
    logits[0, gray, :, 0] = logits[0, beige, :, 0] = 5.0
    logits[0, red, :, 1] = 5.0
    return logits, gray, beige, red


def test_neutral_share_counts_gray_and_the_four_bins_next_to_it_only() -> None:
    probs = torch.zeros(1, len(CENTRES), 1, 4)
    for column, (a, b) in enumerate(((0, 0), (0, 10), (-10, 0), (10, 10))):  # chroma 0, 10, 10 and 14
        probs[0, _nearest_bin(a, b), 0, column] = 1.0
    assert neutral_share(probs, CENTRES).flatten().tolist() == [1.0, 1.0, 1.0, 0.0]
    assert int((CENTRES.norm(dim=1) <= NEUTRAL_CHROMA).sum()) == 5


def test_the_fade_takes_the_tint_off_a_possibly_gray_pixel_and_keeps_a_sure_colour() -> None:
    logits, gray, beige, red = _gray_or_beige_and_sure_red()
    plain = decode_ab(logits, CENTRES, 1.0)
    # T = 1: the plain mean, a beige tint halfway between gray and beige; the red pixel red
    assert torch.allclose(plain[0, :, 0, 0], (CENTRES[gray] + CENTRES[beige]) / 2, atol=1e-3)
    assert torch.allclose(plain[0, :, 0, 1], CENTRES[red], atol=1e-3)
    for fade, kept in ((1.0, 0.5), (2.0, 0.25), (0.5, 0.5 ** 0.5)):
        faded = decode_ab(logits, CENTRES, 1.0, neutral_fade=fade)
        assert torch.allclose(faded[..., 0], plain[..., 0] * kept, atol=1e-3)  # half likely gray: (1 - 1/2) ** fade
        assert torch.allclose(faded[..., 1], plain[..., 1], atol=1e-3)  # nothing of it near gray: untouched
    # The gain gives colour back to every pixel alike, after the fade or (fade 0) on its own.
    regained = decode_ab(logits, CENTRES, 1.0, neutral_fade=1.0, chroma_gain=1.08)
    assert torch.allclose(regained, decode_ab(logits, CENTRES, 1.0, neutral_fade=1.0) * 1.08, atol=1e-3)
    assert torch.allclose(decode_ab(logits, CENTRES, 1.0, chroma_gain=1.08), plain * 1.08, atol=1e-3)


def test_the_fade_works_on_what_the_looks_agree_on() -> None:
    """With a mirror and a coarser look the fade reads the averaged distribution, the one the colour comes from."""
    logits, gray, beige, red = _gray_or_beige_and_sure_red()
    sure_gray = torch.full_like(logits, -30.0)
    sure_gray[0, gray] = 5.0
    mixed = decode_ab(logits, CENTRES, 1.0, mirrored_logits=sure_gray.flip(-1), neutral_fade=1.0)
    # column 0: (gray + beige) / 2 mixed with gray -> 3/4 gray, mean beige / 4, faded by 1 - 3/4
    assert torch.allclose(mixed[0, :, 0, 0], CENTRES[beige] / 4 * 0.25, atol=1e-3)
    # column 1: red mixed half and half with gray -> mean red / 2, faded by 1 - 1/2
    assert torch.allclose(mixed[0, :, 0, 1], CENTRES[red] / 2 * 0.5, atol=1e-3)


def test_the_distributions_mixed_are_the_ones_the_colour_comes_from() -> None:
    logits, gray, beige, red = _gray_or_beige_and_sure_red()
    sure_gray = torch.full_like(logits, -30.0)
    sure_gray[0, gray] = 5.0
    probs = mix_distributions(logits, sure_gray, (sure_gray[..., :1, :1], None), 0.25)
    assert torch.allclose(probs.sum(1), torch.ones(1, 3, 2), atol=1e-5)
    # column 0: (1/2 gray + 1/2 beige) mixed half with the gray mirror -> 3/4 gray; then a quarter of the coarse gray
    assert torch.allclose(neutral_share(probs, CENTRES)[0, 0, :, 0], torch.full((3,), 0.75 * 0.75 + 0.25), atol=1e-4)
    decoded = decode_ab(logits, CENTRES, 1.0, mirrored_logits=sure_gray, context=(sure_gray[..., :1, :1], None),
                        context_share=0.25, neutral_fade=0.5, chroma_gain=1.08)
    assert torch.allclose(decoded, fade_neutral(annealed_mean(probs, CENTRES, 1.0), probs, CENTRES, 0.5, 1.08), atol=1e-5)

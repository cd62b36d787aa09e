"""Colour bins: gamut coverage, soft targets, rebalancing and decoding."""

from __future__ import annotations

import torch

from huerevive.ab_bins import decode_annealed_mean, gamut_bin_centres, rebalance_weights, soft_encode
from huerevive.color import lab_to_linear_rgb


def test_bins_cover_the_srgb_gamut_and_only_it() -> None:
    centres = gamut_bin_centres()
    assert 200 < len(centres) < 320
    assert [0.0, 0.0] in centres.tolist()
    # Pure sRGB primaries' ab must be within one cell of some bin.
    primaries = torch.tensor([[80.1, 67.2], [-86.2, 83.2], [79.2, -107.9], [-48.1, -14.1], [98.2, -60.8], [-21.6, 94.5]])
    assert torch.cdist(primaries, centres).min(1).values.max() < 10.0
    # A colour no display can show (a = -110, b = -110) has no bin.
    assert torch.cdist(torch.tensor([[-110.0, -110.0]]), centres).min() > 10
    # Every bin holds a displayable colour at some lightness, within a quarter cell of its centre.
    found = torch.zeros(len(centres), dtype=torch.bool)
    for light in torch.linspace(5, 95, 91):
        for da, db in ((0, 0), (-2.5, -2.5), (2.5, 2.5), (-2.5, 2.5), (2.5, -2.5)):
            lab = torch.stack((torch.full((len(centres),), float(light)), centres[:, 0] + da, centres[:, 1] + db))
            lin = lab_to_linear_rgb(lab.unsqueeze(-1)).squeeze(-1)
            found |= ((lin >= 0) & (lin <= 1)).all(0)
    assert found.all()


def test_soft_encode_is_a_distribution_peaked_at_the_nearest_bin() -> None:
    centres = gamut_bin_centres()
    ab = torch.tensor([[[[0.0, 31.0]], [[0.0, -42.0]]]])  # (1, 2, 1, 2)
    target = soft_encode(ab, centres)
    assert target.shape == (1, len(centres), 1, 2)
    assert torch.allclose(target.sum(1), torch.ones(1, 1, 2))
    assert (target > 0).sum(1).tolist() == [[[5, 5]]]
    top = centres[target[0, :, 0, 1].argmax()]
    assert top.tolist() == [30.0, -40.0]


def test_rebalancing_lifts_rare_colours_and_keeps_mean_weight_one() -> None:
    centres = gamut_bin_centres()
    probs = torch.exp(-centres.norm(dim=1) / 10)  # gray-heavy, like real photos
    probs /= probs.sum()
    w = rebalance_weights(probs, centres, mix=0.5)
    gray = centres.norm(dim=1).argmin()
    vivid = centres.norm(dim=1).argmax()
    assert w[vivid] > 5 * w[gray]
    smooth_expectation = (w * probs).sum()
    assert 0.5 < smooth_expectation < 1.5
    flat = rebalance_weights(probs, centres, mix=1.0)
    assert torch.allclose(flat, flat[0].expand_as(flat))


def test_annealed_mean_moves_from_mean_towards_mode() -> None:
    centres = torch.tensor([[0.0, 0.0], [40.0, 0.0]])
    logits = torch.log(torch.tensor([0.6, 0.4])).view(1, 2, 1, 1)
    mean = decode_annealed_mean(logits, centres, temperature=1.0).flatten()
    annealed = decode_annealed_mean(logits, centres, temperature=0.38).flatten()
    assert mean.tolist() == [16.0, 0.0] or abs(mean[0] - 16.0) < 1e-4
    assert annealed[0] < mean[0]  # pulled towards the more likely bin (0, 0)

"""Spreading hints over look-alike pixels (huerevive.hint_spreading): known values on made-up features."""

from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F

from huerevive.hint_spreading import look_alike_features, spread_hints
from huerevive.hints import Hint, hint_maps, hint_points

H, W = 16, 24


def _halves() -> torch.Tensor:
    """Unit features: the left half looks like one thing, the right half like another (orthogonal)."""
    looks = torch.zeros(1, 2, H, W)
    looks[0, 0, :, : W // 2] = 1.0
    looks[0, 1, :, W // 2 :] = 1.0
    return looks


def _ab(value: tuple[float, float] = (5.0, -3.0)) -> torch.Tensor:
    return torch.tensor(value).view(1, 2, 1, 1).expand(1, 2, H, W).clone()


def test_no_hints_or_no_spreading_leaves_the_colours() -> None:
    ab = torch.randn(1, 2, H, W) * 20
    assert torch.equal(spread_hints(ab, _halves(), [], torch.zeros(0, 2), 0.5, 0.2, 4.0), ab)
    assert torch.equal(spread_hints(ab, _halves(), [(3, 3)], torch.tensor([[60.0, 40.0]]), 0.0, 0.2, 4.0), ab)


def test_a_hint_takes_its_object_and_leaves_the_other() -> None:
    out = spread_hints(_ab(), _halves(), [(8, 2)], torch.tensor([[60.0, 40.0]]), 0.05, 0.0, 4.0)
    left, right = out[0, :, :, : W // 2], out[0, :, :, W // 2 :]
    assert torch.allclose(left, torch.tensor([60.0, 40.0]).view(2, 1, 1).expand_as(left))
    # orthogonal features: weight exp(-1 / 0.05) ~ 2e-9, i.e. nothing
    assert torch.allclose(right, _ab()[0, :, :, W // 2 :], atol=1e-6)


def test_the_hinted_spot_gets_exactly_the_hint() -> None:
    looks = F.normalize(torch.randn(1, 8, H, W), dim=1)
    out = spread_hints(torch.randn(1, 2, H, W) * 30, looks, [(5, 7)], torch.tensor([[-20.0, 35.0]]), 0.3, 0.1, 4.0)
    assert out[0, :, 5, 7].tolist() == pytest.approx([-20.0, 35.0], abs=1e-4)


def test_the_pull_fades_with_distance_as_a_gaussian() -> None:
    looks = torch.ones(1, 1, H, W)  # everything looks alike: only distance matters
    sigma = 0.1
    out = spread_hints(_ab((0.0, 0.0)), looks, [(0, 0)], torch.tensor([[50.0, 0.0]]), 0.5, sigma, 4.0)
    reach = sigma * math.hypot(H, W)
    for row, col in [(0, 3), (4, 4), (10, 20)]:
        expected = 50.0 * math.exp(-(row * row + col * col) / (2 * reach * reach))
        assert float(out[0, 0, row, col]) == pytest.approx(expected, rel=1e-4, abs=1e-6)
    assert torch.isfinite(out).all() and float(out[0, 0, -1, -1]) < 1e-3


def test_each_half_takes_the_hint_it_looks_like() -> None:
    hints = torch.tensor([[60.0, 40.0], [-30.0, -30.0]])
    out = spread_hints(_ab(), _halves(), [(8, 2), (8, W - 3)], hints, 0.05, 0.0, 4.0)
    assert torch.allclose(out[0, :, :, : W // 2], hints[0].view(2, 1, 1).expand(2, H, W // 2), atol=1e-4)
    assert torch.allclose(out[0, :, :, W // 2 :], hints[1].view(2, 1, 1).expand(2, H, W // 2), atol=1e-4)


def test_many_alike_hints_do_not_add_up_past_the_hint_colour() -> None:
    looks = torch.ones(1, 1, H, W)
    points = [(r, c) for r in range(0, H, 4) for c in range(0, W, 4)]
    out = spread_hints(_ab(), looks, points, torch.tensor([[40.0, 10.0]]).expand(len(points), 2), 0.5, 0.2, 4.0)
    # every pixel ends between its own colour and the (shared) hint colour: a blend, never beyond
    assert (out[0, 0] >= 5.0 - 1e-4).all() and (out[0, 0] <= 40.0 + 1e-4).all()
    assert (out[0, 1] >= -3.0 - 1e-4).all() and (out[0, 1] <= 10.0 + 1e-4).all()


def test_look_alike_features_are_unit_vectors_at_stride_4() -> None:
    feats = [torch.randn(1, c, 64 // s, 96 // s) for c, s in [(16, 2), (24, 4), (40, 8), (112, 16), (320, 32)]]
    looks = look_alike_features(feats)
    assert looks.shape == (1, 24 + 40 + 112, 16, 24)
    assert torch.allclose(looks.norm(dim=1), torch.ones(1, 16, 24), atol=1e-5)


def test_hint_points_are_the_centres_of_the_marks() -> None:
    hints = [Hint(10, 90, (200, 0, 0)), Hint(199, 0, (0, 0, 200))]
    points = hint_points(hints, (100, 200), (32, 64))
    assert points == [(28, 3), (0, 63)]
    _, mask = hint_maps(hints, (100, 200), (32, 64))
    assert all(mask[0, 0, r, c] == 1 for r, c in points)

"""The photo-level vividness term, on real photos: the colourfulness gap between the decoded colour and the truth."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from huerevive.ab_bins import decode_annealed_mean, gamut_bin_centres
from huerevive.color import lab_batch_to_rgb
from huerevive.metrics import colourfulness
from photo_crops import lab_crops
from training.vividness import SCALE, vividness_loss


def _decoded(logits: torch.Tensor, centres: torch.Tensor, temperature: float) -> torch.Tensor:
    """The colour the training loop hands the term: the annealed mean of ``logits``."""
    return decode_annealed_mean(logits, centres, temperature)


def _peaked_logits(ab: torch.Tensor, centres: torch.Tensor, sharpness: float = 20.0) -> torch.Tensor:
    """Logits (N, Q, h, w) peaked on the bins nearest each ab (N, 2, h, w)."""
    return -((ab[:, None] - centres[None, :, :, None, None]) ** 2).sum(2) / sharpness


@pytest.fixture(scope="module")
def small(photos_dir: Path) -> tuple[torch.Tensor, torch.Tensor]:
    """Lightness and colour of 4 real crops at the network's output size (16 x 16)."""
    lab = F.avg_pool2d(lab_crops(photos_dir, count=4), 4)
    return lab[:, :1], lab[:, 1:]


def test_gray_scores_the_truths_own_colourfulness(small: tuple[torch.Tensor, torch.Tensor]) -> None:
    l_small, true_ab = small
    centres = gamut_bin_centres()
    neutral = centres.norm(dim=1).argmin()
    gray_logits = torch.zeros(4, len(centres), 16, 16)
    gray_logits[:, neutral] = 30.0
    got = vividness_loss(_decoded(gray_logits, centres, 1.0), l_small, true_ab).item()
    # The neutral bin decodes to gray, whose colourfulness is ~0: the term is the truth's colourfulness.
    as_uint8 = (lab_batch_to_rgb(torch.cat((l_small, true_ab), 1)) * 255).round().byte().permute(0, 2, 3, 1).numpy()
    expected = np.mean([colourfulness(im) for im in as_uint8]) / SCALE
    assert got == pytest.approx(expected, abs=0.01)
    assert expected > 0.1  # the photos are colourful, so a gray guess must cost something


def test_it_pulls_towards_the_truths_colour_from_both_sides(small: tuple[torch.Tensor, torch.Tensor]) -> None:
    """Too little colour and too much both cost more than the truth's own amount, photo by photo."""
    l_small, true_ab = small
    centres = gamut_bin_centres()
    for i in range(4):
        scores = {
            s: vividness_loss(_decoded(_peaked_logits(true_ab[i : i + 1] * s, centres), centres, 0.8), l_small[i : i + 1], true_ab[i : i + 1]).item()
            for s in (0.5, 1.0, 1.6)
        }
        assert scores[1.0] < scores[0.5] and scores[1.0] < scores[1.6], (i, scores)


def test_gradients_reach_the_logits(small: tuple[torch.Tensor, torch.Tensor]) -> None:
    l_small, true_ab = small
    centres = gamut_bin_centres()
    logits = _peaked_logits(true_ab * 0.5, centres).requires_grad_(True)
    vividness_loss(_decoded(logits, centres, 0.8), l_small, true_ab).backward()
    assert torch.isfinite(logits.grad).all() and logits.grad.abs().sum() > 0


def test_centred_ignores_what_every_crop_shares(small: tuple[torch.Tensor, torch.Tensor]) -> None:
    """Centred, a batch all short of colour by the same amount costs nothing; only telling photos apart counts."""
    l_small, true_ab = small
    centres = gamut_bin_centres()
    copies = lambda t: t[:1].expand(4, -1, -1, -1)  # one real crop, four times: every gap is the same
    dull = _peaked_logits(copies(true_ab) * 0.5, centres)
    assert vividness_loss(_decoded(dull, centres, 0.8), copies(l_small), copies(true_ab)).item() > 0.05
    assert vividness_loss(_decoded(dull, centres, 0.8), copies(l_small), copies(true_ab), centred=True).item() < 1e-6
    # Four different photos all made dull: their colourfulness no longer differs as the truth's does.
    dull_each = _peaked_logits(true_ab * 0.5, centres)
    assert vividness_loss(_decoded(dull_each, centres, 0.8), l_small, true_ab, centred=True).item() > 0.01

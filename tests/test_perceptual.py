"""The LPIPS term of a perceptual fine-tune, on real photos: it is the evaluation's LPIPS of the decoded colour."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from huerevive.ab_bins import decode_annealed_mean, gamut_bin_centres
from huerevive.color import lab_batch_to_rgb, lab_to_rgb
from huerevive.metrics import lpips_distance, lpips_network
from photo_crops import gray_logits, lab_crops, peaked_logits
from training.perceptual import PerceptualLoss


def test_batch_conversion_is_the_per_image_one() -> None:
    lab = torch.stack((torch.linspace(5, 95, 24).view(2, 3, 4), torch.linspace(-60, 70, 24).view(2, 3, 4),
                       torch.linspace(80, -90, 24).view(2, 3, 4)), 1)  # (2, 3, 3, 4), some out of gamut
    rgb = lab_batch_to_rgb(lab)
    assert rgb.shape == lab.shape
    for i in range(2):
        assert torch.allclose(rgb[i], lab_to_rgb(lab[i]), atol=1e-6)


def test_loss_is_the_evaluations_lpips_of_the_decoded_photo(photos_dir: Path) -> None:
    lab = lab_crops(photos_dir, count=3)
    centres = gamut_bin_centres()
    loss = PerceptualLoss()
    got = loss(decode_annealed_mean(gray_logits(3, centres, 16), centres, 1.0), lab).item()
    # The same photos made gray and scored the way training/evaluate.py scores them (uint8, full size).
    neutral = centres[((centres**2).sum(1)).argmin()]
    gray = torch.cat((lab[:, :1], neutral.view(1, 2, 1, 1).expand(3, 2, 64, 64)), 1)
    as_uint8 = lambda t: (lab_batch_to_rgb(t) * 255).round().byte().permute(0, 2, 3, 1).numpy()
    expected = np.mean([lpips_distance(p, t) for p, t in zip(as_uint8(gray), as_uint8(lab))])
    assert got == pytest.approx(expected, abs=0.01)
    assert got > 0.05  # colour photos made gray are far from their truth


def test_true_colour_scores_better_than_gray_and_gradients_reach_the_logits(photos_dir: Path) -> None:
    lab = lab_crops(photos_dir, count=3)
    centres = gamut_bin_centres()
    true_ab = torch.nn.functional.avg_pool2d(lab[:, 1:], 4)
    loss = PerceptualLoss()
    true_logits = peaked_logits(true_ab, centres).requires_grad_(True)
    near_truth = loss(decode_annealed_mean(true_logits, centres, 0.38), lab)
    assert near_truth.item() < 0.5 * loss(decode_annealed_mean(gray_logits(3, centres, 16), centres, 0.38), lab).item()
    near_truth.backward()
    assert true_logits.grad is not None and true_logits.grad.abs().sum() > 0


def test_the_metrics_network_is_left_as_evaluation_uses_it() -> None:
    shared = lpips_network()
    before = {k: v.clone() for k, v in shared.state_dict().items()}
    loss = PerceptualLoss()
    assert loss.net is not shared
    assert not any(p.requires_grad for p in loss.parameters())  # the colorizer trains, not LPIPS
    assert not any(p.requires_grad for p in shared.parameters()) and not shared.training
    assert all(torch.equal(before[k], v) for k, v in shared.state_dict().items())

"""The semantic term of a fine-tune, on real photos: an ImageNet classifier's opinion of the colour against the truth's."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from huerevive.ab_bins import decode_annealed_mean, gamut_bin_centres
from photo_crops import gray_logits, lab_crops, peaked_logits
from training.semantic import CLASSIFIER_SIZE, SemanticLoss, classifier_input


@pytest.fixture(scope="module")
def semantic() -> SemanticLoss:
    return SemanticLoss()


def test_classifier_input_resizes_large_crops_and_uses_the_lite_preprocessing() -> None:
    rgb = torch.stack((torch.zeros(3, 288, 320), torch.ones(3, 288, 320)))
    got = classifier_input(rgb)
    assert got.shape == (2, 3, CLASSIFIER_SIZE, 249)  # short side to 224, aspect kept
    assert got[0].max().item() == pytest.approx(-127 / 128) and got[1].min().item() == pytest.approx(1.0)
    small = torch.rand(1, 3, 64, 80)
    assert torch.equal(classifier_input(small), (small * 255 - 127) / 128)  # small crops are not blown up


def test_true_colour_is_near_zero_gray_is_far_and_gradients_reach_the_logits(photos_dir: Path, semantic: SemanticLoss) -> None:
    lab = lab_crops(photos_dir, count=4, size=128)
    centres = gamut_bin_centres()
    true_logits = peaked_logits(torch.nn.functional.avg_pool2d(lab[:, 1:], 4), centres).requires_grad_(True)
    near_truth = semantic(decode_annealed_mean(true_logits, centres, 0.38), lab)
    gray = semantic(decode_annealed_mean(gray_logits(4, centres, 32), centres, 1.0), lab).item()
    # Measured on these four photos: gray 0.79 (ImageNet classes lean on colour); the truth quantised to bins and
    # upsampled from a quarter size 0.24.
    assert gray > 0.1 and near_truth.item() < 0.5 * gray
    near_truth.backward()
    assert true_logits.grad is not None and true_logits.grad.abs().sum() > 0


def test_the_classifier_is_fixed_and_stays_in_evaluation_mode(semantic: SemanticLoss) -> None:
    assert not any(p.requires_grad for p in semantic.parameters())  # the colorizer trains, not the classifier
    torch.nn.Sequential(semantic).train()  # as a training loop's .train() on a parent would
    assert not semantic.training and not semantic.net.training
    probs = torch.softmax(semantic.net(torch.zeros(1, 3, 64, 64)), 1)
    assert probs.shape == (1, 1000)  # the whole classifier, ImageNet's 1000 classes

"""Quantised ab colour space: bins, soft targets, class rebalancing and decoding.

Colour prediction is treated as classification over ``Q`` ab bins (Zhang et
al., "Colorful Image Colorization", 2016): regression to the mean of plausible
colours gives brown, washed-out photos; a distribution over bins, rebalanced
towards rare saturated colours and decoded with an annealed mean, does not.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from huerevive.color import lab_to_linear_rgb

GRID_STEP = 10.0
AB_RANGE = 110.0


def gamut_bin_centres(step: float = GRID_STEP, ab_range: float = AB_RANGE) -> torch.Tensor:
    """Centres (Q, 2) of the ab grid cells that hold a displayable sRGB colour at some L."""
    axis = torch.arange(-ab_range, ab_range + 1e-6, step, dtype=torch.float64)
    a, b = torch.meshgrid(axis, axis, indexing="ij")
    lightness = torch.linspace(5.0, 95.0, 91, dtype=torch.float64)
    # Each cell is tested at its centre and nudged corners, so thin gamut slivers count.
    found = torch.zeros_like(a, dtype=torch.bool)
    for da, db in ((0, 0), (-step / 4, -step / 4), (step / 4, step / 4), (-step / 4, step / 4), (step / 4, -step / 4)):
        lab = torch.stack(
            (
                lightness.view(-1, 1, 1).expand(-1, *a.shape),
                (a + da).expand(len(lightness), -1, -1),
                (b + db).expand(len(lightness), -1, -1),
            )
        )
        lin = lab_to_linear_rgb(lab)
        found |= ((lin >= 0) & (lin <= 1)).all(0).any(0)
    return torch.stack((a[found], b[found]), 1).float()


def soft_encode(ab: torch.Tensor, centres: torch.Tensor, k: int = 5, sigma: float = 5.0) -> torch.Tensor:
    """ab (B, 2, H, W) -> target distribution (B, Q, H, W) over the k nearest bins.

    A Gaussian kernel over the nearest bins instead of a one-hot label tells the
    loss that neighbouring colours are nearly right.
    """
    batch, _, height, width = ab.shape
    flat = ab.permute(0, 2, 3, 1).reshape(-1, 2)
    dist = torch.cdist(flat, centres.to(flat))
    near_dist, near_idx = dist.topk(k, dim=1, largest=False)
    weights = torch.softmax(-(near_dist**2) / (2 * sigma**2), dim=1)
    target = torch.zeros_like(dist).scatter_(1, near_idx, weights)
    return target.view(batch, height, width, -1).permute(0, 3, 1, 2)


def rebalance_weights(bin_probs: torch.Tensor, centres: torch.Tensor, mix: float = 0.5, sigma: float = 5.0) -> torch.Tensor:
    """Per-bin loss weights (Q,) that lift rare, saturated colours.

    ``bin_probs`` is the empirical bin frequency over the training set. It is
    smoothed over ab, mixed with a uniform prior (``mix``), inverted and
    normalised so that the expected weight under the data is 1.
    """
    d2 = torch.cdist(centres, centres) ** 2
    kernel = torch.exp(-d2 / (2 * sigma**2))
    smooth = kernel @ bin_probs
    smooth = smooth / smooth.sum()
    weights = 1.0 / ((1 - mix) * smooth + mix / len(centres))
    return weights / (smooth * weights).sum()


def decode_annealed_mean(logits: torch.Tensor, centres: torch.Tensor, temperature: float = 0.38) -> torch.Tensor:
    """Logits (B, Q, H, W) -> ab (B, 2, H, W).

    ``temperature`` 1 is the plain mean (safe, dull); towards 0 it approaches
    the mode (vivid, patchy). 0.38 is Zhang et al.'s compromise.
    """
    probs = F.softmax(logits / temperature, dim=1)
    return torch.einsum("bqhw,qc->bchw", probs, centres.to(probs))

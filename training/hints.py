"""Simulated user hints from the true colours (Zhang et al. 2017, "Real-Time User-Guided
Image Colorization with Learned Deep Priors"): a hint is the mean ab of a small
patch of the truth, revealed at a random point.

Two uses: ``simulate_hint_maps`` makes hint maps for training batches (random
number of hints, often few, sometimes none); ``sample_eval_hints`` makes the
fixed, seeded evaluation protocol (n hints, each the mean ab of a 5x5 patch)
as ``(x, y, (r, g, b))`` hints in the photo's own pixels, the way a user gives them.
"""

from __future__ import annotations

import numpy as np
import torch

from huerevive.color import lab_to_rgb


def simulate_hint_maps(
    lab: torch.Tensor,
    gen: torch.Generator,
    p_none: float = 0.25,
    mean_hints: float = 8.0,
    max_hints: int = 60,
    max_patch: int = 9,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Lab batch (B, 3, H, W) -> (hint_ab (B, 2, H, W), hint_mask (B, 1, H, W)).

    Per photo: no hints with probability ``p_none``, else a geometric number of
    hints (mean ``mean_hints``, at most ``max_hints``), each a square patch of
    side 1..``max_patch`` filled with the truth's mean ab over that patch.
    """
    batch, _, height, width = lab.shape
    # Built on the CPU, where the generator draws, from one copy of the batch: on a GPU, hundreds of
    # small patch reads would each wait for the device.
    truth_ab = lab[:, 1:].detach().cpu()
    hint_ab = torch.zeros(batch, 2, height, width)
    mask = torch.zeros(batch, 1, height, width)
    for i in range(batch):
        if float(torch.rand(1, generator=gen)) < p_none:
            continue
        # Geometric count >= 1 with the given mean.
        u = float(torch.rand(1, generator=gen))
        extra = int(np.log(max(u, 1e-12)) / np.log(1 - 1 / mean_hints)) if mean_hints > 1 else 0
        count = min(max_hints, 1 + extra)
        for _ in range(count):
            side = int(torch.randint(1, max_patch + 1, (1,), generator=gen))
            top = int(torch.randint(0, height - side + 1, (1,), generator=gen))
            left = int(torch.randint(0, width - side + 1, (1,), generator=gen))
            patch = truth_ab[i, :, top : top + side, left : left + side]
            hint_ab[i, :, top : top + side, left : left + side] = patch.mean((1, 2), keepdim=True)
            mask[i, :, top : top + side, left : left + side] = 1.0
    return hint_ab.to(lab.device), mask.to(lab.device)


def sample_eval_hints(lab: torch.Tensor, count: int, seed: int, patch: int = 5) -> list[tuple[int, int, tuple[int, int, int]]]:
    """The evaluation protocol: ``count`` hints at random points of the photo (Lab (3, H, W)),
    each the truth's mean ab over a ``patch`` x ``patch`` square, given as an sRGB colour
    with that ab (at the patch's mean lightness) and the point in pixel coordinates.

    Same ``seed`` -> same points for every model; the first k hints of a longer
    list are the k-hint set, so the curve is nested.
    """
    _, height, width = lab.shape
    rng = np.random.default_rng(seed)
    half = patch // 2
    hints = []
    for _ in range(count):
        y = int(rng.integers(half, max(half + 1, height - half)))
        x = int(rng.integers(half, max(half + 1, width - half)))
        mean = lab[:, y - half : y + half + 1, x - half : x + half + 1].mean((1, 2))
        rgb = lab_to_rgb(mean.view(3, 1, 1))[:, 0, 0]
        hints.append((x, y, tuple(int(round(float(c) * 255)) for c in rgb.clamp(0, 1))))
    return hints

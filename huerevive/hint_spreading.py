"""Spread each colour hint over what looks like its spot, after the network has decoded the colours.

The hint branch carries a hint's colour only over the neighbourhood it sees;
a one-hint edit then colours a patch, not the dress. This step pulls every
pixel towards the colour of the hint whose spot it resembles most. How much a
pixel resembles a spot is measured on the encoder's own features (what the
network "sees" there: cosine similarity of stride-4, 8 and 16 features), and
damped with distance so that a hint never reaches across the whole photo:

    w_k(p) = exp((sim_k(p) - 1) / tau) * exp(-d_k(p)^2 / (2 (sigma * diagonal)^2))
    ab(p) = (1 - max_k w_k(p)) * ab(p) + max_k w_k(p) * sum_k softmax_k(gamma * log w_k(p)) * hint_k

``max`` (not the sum) keeps many hints from drowning the network's own
colours, and ``gamma`` lets the most similar hint decide among several. At a
hint's own spot w = 1: the hint's colour. Pure functions on tensors; the
settings ship with the weights (``NetConfig.spread_*``, chosen on
photos_more/val by ``training/tune_hint_spread.py``; docs/RESULTS.md).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

LOOK_SCALES = (1, 2, 3)  # encoder features at stride 4, 8 and 16 (indices into ColorNet.encode's list)


def look_alike_features(features: list[torch.Tensor]) -> torch.Tensor:
    """The encoder's features -> (B, C, h, w) unit-length descriptors at stride 4 (the ab map's size).

    Each scale is normalised on its own first, so the 112 stride-16 channels
    do not outweigh the 24 stride-4 ones.
    """
    size = features[LOOK_SCALES[0]].shape[-2:]
    parts = [
        F.normalize(F.interpolate(features[i], size=size, mode="bilinear", align_corners=False), dim=1)
        for i in LOOK_SCALES
    ]
    return F.normalize(torch.cat(parts, 1), dim=1)


def spread_hints(
    ab: torch.Tensor,
    looks: torch.Tensor,
    points: list[tuple[int, int]],
    hint_ab: torch.Tensor,
    tau: float,
    sigma: float,
    gamma: float,
) -> torch.Tensor:
    """Pull ab (1, 2, h, w) towards the hints' colours where the photo looks like the hinted spots.

    ``looks`` (1, C, h, w) from ``look_alike_features``; ``points`` the hints'
    (row, column) in the ab map; ``hint_ab`` (K, 2) their a and b; ``tau``
    how alike (cosine units) a pixel must look to be reached; ``sigma`` the
    reach as a share of the map's diagonal; ``gamma`` how sharply the most
    alike hint wins. ``tau`` <= 0 or no hints: ``ab`` unchanged.
    """
    if tau <= 0 or not points:
        return ab
    _, _, height, width = ab.shape
    rows = torch.tensor([p[0] for p in points], device=ab.device)
    cols = torch.tensor([p[1] for p in points], device=ab.device)
    at_spots = looks[0][:, rows, cols]  # (C, K)
    similarity = torch.einsum("ck,chw->khw", at_spots, looks[0])  # (K, h, w), 1 at each spot
    log_w = (similarity - 1.0) / tau
    if sigma > 0:
        yy = torch.arange(height, device=ab.device, dtype=ab.dtype).view(1, height, 1)
        xx = torch.arange(width, device=ab.device, dtype=ab.dtype).view(1, 1, width)
        dist2 = (yy - rows.view(-1, 1, 1).to(ab.dtype)) ** 2 + (xx - cols.view(-1, 1, 1).to(ab.dtype)) ** 2
        reach = sigma * (height * height + width * width) ** 0.5
        log_w = log_w - dist2 / (2.0 * reach * reach)
    pull = log_w.max(0).values.exp().clamp(max=1.0)  # (h, w)
    share = torch.softmax(gamma * log_w, dim=0)  # (K, h, w): log space, so no underflow to denormals
    target = torch.einsum("khw,kc->chw", share, hint_ab.to(ab.dtype))
    return ab * (1.0 - pull) + target[None] * pull

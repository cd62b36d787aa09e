"""A perceptual term for fine-tuning: LPIPS between the decoded colour photo and the truth.

Cross-entropy over ab bins scores each pixel's colour on its own; it does not
know that a wrong hue on a whole coat looks worse than a slightly dull one,
nor that gray on a green field looks unlike a photo. A feature loss on the
colour photo as it will be shown (DeOldify trains its generator on one)
scores what a viewer sees: the annealed mean of the predicted distribution,
upsampled to the crop, joined with the true lightness and turned into sRGB,
against the true crop, through the LPIPS AlexNet (the only pretrained
feature network the requirements ship for torch). Its weights stay fixed.

Because ``training/evaluate.py`` reports the same LPIPS, a model fine-tuned
with this term must also be judged on the measures it was not trained on
(FID, PSNR, AuC, colourfulness); ``docs/RESULTS.md`` says so next to its figures.
"""

from __future__ import annotations

import copy

import torch
import torch.nn.functional as F
from torch import nn

from huerevive.color import lab_batch_to_rgb
from huerevive.metrics import lpips_network


def shown_rgb(l_chan: torch.Tensor, ab: torch.Tensor) -> torch.Tensor:
    """True lightness (N, 1, H, W) and ab at the network's output size (N, 2, h, w) -> sRGB 0..1 at H x W.

    Bilinear, not the pipeline's L-guided upsampling: at crop size the two differ little, and this is cheaper.
    """
    ab = F.interpolate(ab, size=l_chan.shape[-2:], mode="bilinear", align_corners=False)
    return lab_batch_to_rgb(torch.cat((l_chan, ab), 1))


class PerceptualLoss(nn.Module):
    """LPIPS (AlexNet v0.1) of the decoded colour against the true crop, averaged over the batch."""

    def __init__(self) -> None:
        super().__init__()
        # A private copy: the metrics' cached network stays exactly as evaluation uses it.
        self.net = copy.deepcopy(lpips_network()).eval().requires_grad_(False)

    def forward(self, ab: torch.Tensor, lab: torch.Tensor) -> torch.Tensor:
        """``ab`` (N, 2, h, w) the decoded colour at the network's output size; ``lab`` (N, 3, H, W) the true crops."""
        pred = shown_rgb(lab[:, :1], ab)
        truth = lab_batch_to_rgb(lab)
        return self.net(pred * 2 - 1, truth * 2 - 1).mean()

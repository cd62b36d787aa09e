"""A small PatchGAN critic for a short adversarial fine-tune (issue 11's menu).

Cross-entropy over ab bins alone leaves the decoded colour duller than real
photos: the annealed mean of an uncertain distribution drifts to gray. A
critic that sees (lightness, colour) patches of real crops and of the
network's decoded colour pushes it towards colours that look like photos.
It judges at the network's output resolution (1/4 of the crop), each output
of the critic a ~22-pixel patch there, so it judges local colour, not
composition. Spectral normalisation and the hinge loss keep it stable enough
for a CPU fine-tune at a small weight next to the cross-entropy.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils.parametrizations import spectral_norm


AB_SCALE = 25.0  # typical photo chroma is 10-40: differences between real and decoded colour become order 1


def _as_input(l_chan: torch.Tensor, ab: torch.Tensor) -> torch.Tensor:
    """Lab (L 0..100, ab) -> three channels of order 1.

    Spectral normalisation bounds how fast the critic's score can change with
    its input; at the full ab range (/110) a few ab units of dullness moved it
    by a few hundredths and the critic could not tell ours from real (hinge
    loss stuck at 2 in a first run), so ab is scaled for the colours photos have.
    """
    return torch.cat((l_chan / 50.0 - 1.0, ab / AB_SCALE), 1)


class PatchCritic(nn.Module):
    """Scores each patch of an (L, ab) image: high for real photos, low for ours."""

    def __init__(self, width: int = 64) -> None:
        super().__init__()

        def conv(cin: int, cout: int, k: int, s: int) -> nn.Module:
            return spectral_norm(nn.Conv2d(cin, cout, k, s, padding=k // 2 if s == 1 else 1))

        self.body = nn.Sequential(
            conv(3, width, 4, 2),
            nn.LeakyReLU(0.2),
            conv(width, 2 * width, 4, 2),
            nn.LeakyReLU(0.2),
            conv(2 * width, 2 * width, 3, 1),
            nn.LeakyReLU(0.2),
            conv(2 * width, 1, 3, 1),
        )

    def forward(self, l_chan: torch.Tensor, ab: torch.Tensor) -> torch.Tensor:
        """(B, 1, h, w) lightness and (B, 2, h, w) ab -> (B, 1, h/4, w/4) scores."""
        return self.body(_as_input(l_chan, ab))


def critic_loss(critic: PatchCritic, l_chan: torch.Tensor, real_ab: torch.Tensor, fake_ab: torch.Tensor) -> torch.Tensor:
    """Hinge loss of the critic; ``fake_ab`` should be detached from the colorizer."""
    real = critic(l_chan, real_ab)
    fake = critic(l_chan, fake_ab)
    return F.relu(1.0 - real).mean() + F.relu(1.0 + fake).mean()


def colorizer_adv_loss(critic: PatchCritic, l_chan: torch.Tensor, fake_ab: torch.Tensor) -> torch.Tensor:
    """The colorizer's side of the hinge game: raise the critic's score of its colour.

    The critic's own weights get no gradient from this (they are switched
    off for the call), so the backward pass costs only the colorizer's part.
    """
    critic.requires_grad_(False)
    try:
        return -critic(l_chan, fake_ab).mean()
    finally:
        critic.requires_grad_(True)

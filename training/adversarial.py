"""A small PatchGAN critic for a short adversarial fine-tune (issue 11's menu).

Cross-entropy over ab bins alone leaves the decoded colour duller than real
photos: the annealed mean of an uncertain distribution drifts to gray. A
critic that sees (lightness, colour) patches of real crops and of the
network's decoded colour pushes it towards colours that look like photos.
It judges at the network's output resolution (1/4 of the crop), each output
of the critic a ~22-pixel patch there, so it judges local colour, not
composition. Spectral normalisation and the hinge loss keep it stable enough
for a CPU fine-tune at a small weight next to the cross-entropy.

That critic, trained from nothing, stayed too weak on a CPU budget to tell
ours from real (run 6). ``FeatureCritic`` is the other kind: small heads on
the frozen, ImageNet-trained AlexNet trunk that LPIPS already ships (a
"projected" discriminator, Sauer et al. 2021: pretrained features let a
critic separate real from generated images after few steps). It sees the
colour photo as shown, at crop size.
"""

from __future__ import annotations

import copy

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils.parametrizations import spectral_norm

from huerevive.metrics import lpips_network
from training.perceptual import shown_rgb


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

    def view(self, l_chan: torch.Tensor, ab: torch.Tensor) -> tuple[torch.Tensor, ...]:
        """What the critic looks at: (L, ab) scaled to order 1, at the network's output size."""
        return (_as_input(l_chan, ab),)

    def judge(self, view: tuple[torch.Tensor, ...]) -> torch.Tensor:
        """``view``'s scores, (B, 1, h/4, w/4)."""
        return self.body(view[0])

    def forward(self, l_chan: torch.Tensor, ab: torch.Tensor) -> torch.Tensor:
        """(B, 1, h, w) lightness and (B, 2, h, w) ab -> (B, 1, h/4, w/4) scores."""
        return self.judge(self.view(l_chan, ab))


FEATURE_LAYERS = ("relu1", "relu2", "relu5")  # AlexNet stages: local colour (1/4 size), textures (1/8), objects (1/16)
FEATURE_CHANNELS = {"relu1": 64, "relu2": 192, "relu5": 256}


class FeatureCritic(nn.Module):
    """Scores a colour photo through the frozen LPIPS AlexNet: one score map per trunk stage.

    Real and ours are given to it alike, the true lightness at crop size and
    ab at the network's output size (for real photos the target ab, pooled the
    same way), so that it judges colour, not the sharpness the 1/4-size
    colour lacks.
    """

    def __init__(self, width: int = 64) -> None:
        super().__init__()
        lpips_net = lpips_network()
        # Private copies: the metrics' cached network stays exactly as evaluation uses it.
        self.scale = copy.deepcopy(lpips_net.scaling_layer).requires_grad_(False)
        self.trunk = copy.deepcopy(lpips_net.net).eval().requires_grad_(False)

        def head(cin: int) -> nn.Module:
            return nn.Sequential(
                spectral_norm(nn.Conv2d(cin, width, 1)),
                nn.LeakyReLU(0.2),
                spectral_norm(nn.Conv2d(width, width, 3, padding=1)),
                nn.LeakyReLU(0.2),
                spectral_norm(nn.Conv2d(width, 1, 1)),
            )

        self.heads = nn.ModuleDict({name: head(FEATURE_CHANNELS[name]) for name in FEATURE_LAYERS})

    def train(self, mode: bool = True) -> "FeatureCritic":
        super().train(mode)
        self.trunk.eval()  # fixed features: never in training mode
        return self

    def view(self, l_chan: torch.Tensor, ab: torch.Tensor) -> tuple[torch.Tensor, ...]:
        """What the critic looks at: the trunk's features of the colour photo, one map per stage it judges."""
        feats = self.trunk(self.scale(shown_rgb(l_chan, ab) * 2 - 1))
        return tuple(getattr(feats, name) for name in FEATURE_LAYERS)

    def judge(self, view: tuple[torch.Tensor, ...]) -> list[torch.Tensor]:
        """``view``'s score maps, one (B, 1, h_i, w_i) per stage."""
        return [self.heads[name](feats) for name, feats in zip(FEATURE_LAYERS, view, strict=True)]

    def forward(self, l_chan: torch.Tensor, ab: torch.Tensor) -> list[torch.Tensor]:
        """(B, 1, H, W) lightness and (B, 2, h, w) ab -> a list of (B, 1, h_i, w_i) score maps, one per stage."""
        return self.judge(self.view(l_chan, ab))


def _per_map(scores: torch.Tensor | list[torch.Tensor], loss) -> torch.Tensor:
    """The mean of ``loss`` over each score map, averaged over the maps (each stage counts alike)."""
    maps = scores if isinstance(scores, list) else [scores]
    return torch.stack([loss(m).mean() for m in maps]).mean()


def _hinge(critic: nn.Module, real_view: tuple[torch.Tensor, ...], fake_view: tuple[torch.Tensor, ...]) -> torch.Tensor:
    real = _per_map(critic.judge(real_view), lambda m: F.relu(1.0 - m))
    fake = _per_map(critic.judge(fake_view), lambda m: F.relu(1.0 + m))
    return real + fake


def _colorizer_side(critic: nn.Module, fake_view: tuple[torch.Tensor, ...]) -> torch.Tensor:
    params = list(critic.parameters())
    trainable = [p.requires_grad for p in params]  # a FeatureCritic's trunk stays fixed afterwards too
    critic.requires_grad_(False)
    try:
        return _per_map(critic.judge(fake_view), torch.neg)
    finally:
        for p, flag in zip(params, trainable):
            p.requires_grad_(flag)


def critic_loss(critic: nn.Module, l_chan: torch.Tensor, real_ab: torch.Tensor, fake_ab: torch.Tensor) -> torch.Tensor:
    """Hinge loss of the critic; ``fake_ab`` should be detached from the colorizer."""
    return _hinge(critic, critic.view(l_chan, real_ab), critic.view(l_chan, fake_ab))


def colorizer_adv_loss(critic: nn.Module, l_chan: torch.Tensor, fake_ab: torch.Tensor) -> torch.Tensor:
    """The colorizer's side of the hinge game: raise the critic's score of its colour.

    The critic's own weights get no gradient from this (they are switched
    off for the call), so the backward pass costs only the colorizer's part.
    """
    return _colorizer_side(critic, critic.view(l_chan, fake_ab))


def adversarial_step(
    critic: nn.Module, critic_opt: torch.optim.Optimizer, l_chan: torch.Tensor, real_ab: torch.Tensor, fake_ab: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """One training step of the critic, then the colorizer's side of the game on the updated critic.

    Returns (the critic's hinge loss, detached; the colorizer's adversarial
    loss, with its graph to ``fake_ab``). The critic's view of the colorizer's
    colour is computed once for both (for a FeatureCritic, an AlexNet pass).
    """
    fake_view = critic.view(l_chan, fake_ab)
    with torch.no_grad():
        real_view = critic.view(l_chan, real_ab)
    d_loss = _hinge(critic, real_view, tuple(v.detach() for v in fake_view))
    critic_opt.zero_grad(set_to_none=True)
    d_loss.backward()
    critic_opt.step()
    return d_loss.detach(), _colorizer_side(critic, fake_view)

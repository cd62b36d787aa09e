"""The critics of the adversarial fine-tune, on real photos: they learn to tell colour from gray."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
import torch.nn.functional as F

from photo_crops import lab_crops
from huerevive.metrics import lpips_network
from training.adversarial import FeatureCritic, PatchCritic, adversarial_step, colorizer_adv_loss, critic_loss


def _train_critic(critic, l_chan: torch.Tensor, real_ab: torch.Tensor, fake_ab: torch.Tensor, steps: int) -> tuple[float, float]:
    """The critic's hinge loss before and after ``steps`` steps of telling ``real_ab`` from ``fake_ab``."""
    opt = torch.optim.Adam([p for p in critic.parameters() if p.requires_grad], lr=1e-3, betas=(0.5, 0.999))
    start = critic_loss(critic, l_chan, real_ab, fake_ab).item()
    for _ in range(steps):
        loss = critic_loss(critic, l_chan, real_ab, fake_ab)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return start, critic_loss(critic, l_chan, real_ab, fake_ab).item()


def test_critic_scores_one_value_per_patch() -> None:
    critic = PatchCritic(width=8)
    scores = critic(torch.full((2, 1, 56, 40), 50.0), torch.zeros(2, 2, 56, 40))
    assert scores.shape == (2, 1, 14, 10)


def test_critic_learns_to_tell_real_colour_from_gray(photos_dir: Path) -> None:
    torch.manual_seed(0)
    lab = lab_crops(photos_dir)
    l_chan, real_ab = lab[:, :1], lab[:, 1:]
    gray_ab = torch.zeros_like(real_ab)
    critic = PatchCritic(width=16)
    start, end = _train_critic(critic, l_chan, real_ab, gray_ab, steps=60)
    # Hinge loss 2 is a critic that cannot tell; it must have learnt most of the way.
    assert start > 1.8 and end < 1.0
    assert critic(l_chan, real_ab).mean() > critic(l_chan, gray_ab).mean()


def test_colorizer_side_moves_the_colour_not_the_critic(photos_dir: Path) -> None:
    lab = lab_crops(photos_dir, count=2, size=32)
    critic = PatchCritic(width=8)
    fake = torch.zeros_like(lab[:, 1:], requires_grad=True)
    colorizer_adv_loss(critic, lab[:, :1], fake).backward()
    assert fake.grad is not None and fake.grad.abs().sum() > 0
    assert all(p.grad is None for p in critic.parameters())
    assert all(p.requires_grad for p in critic.parameters())  # switched back on for the critic's own step


def test_feature_critic_scores_each_alexnet_stage() -> None:
    scores = FeatureCritic(width=8)(torch.full((2, 1, 96, 64), 50.0), torch.zeros(2, 2, 24, 16))
    # AlexNet's stages at 1/4, 1/8 and 1/16 of the crop (stride-4 stem, then two 3x3/2 max-pools).
    assert [s.shape for s in scores] == [(2, 1, 23, 15), (2, 1, 11, 7), (2, 1, 5, 3)]


def test_feature_critic_learns_to_tell_real_colour_from_gray_and_keeps_its_trunk(photos_dir: Path) -> None:
    torch.manual_seed(0)
    lab = lab_crops(photos_dir, size=96)
    l_chan = lab[:, :1]
    real_ab = F.avg_pool2d(lab[:, 1:], 4)  # the colour at the network's output size, as training gives it
    gray_ab = torch.zeros_like(real_ab)
    critic = FeatureCritic(width=16)
    trunk_before = {k: v.clone() for k, v in critic.trunk.state_dict().items()}
    start, end = _train_critic(critic, l_chan, real_ab, gray_ab, steps=15)
    # Pretrained features: far fewer steps than the patch critic needs to get most of the way.
    assert start > 1.8 and end < 1.0
    assert all(torch.equal(v, trunk_before[k]) for k, v in critic.trunk.state_dict().items())
    # The evaluation's own LPIPS network is not the critic's trunk: it is untouched as well.
    assert all(torch.equal(v, trunk_before[k]) for k, v in lpips_network().net.state_dict().items())


def test_colorizer_side_of_the_feature_critic_moves_the_colour_only(photos_dir: Path) -> None:
    lab = lab_crops(photos_dir, count=2, size=64)
    critic = FeatureCritic(width=8)
    fake = torch.zeros(2, 2, 16, 16, requires_grad=True)
    colorizer_adv_loss(critic, lab[:, :1], fake).backward()
    assert fake.grad is not None and fake.grad.abs().sum() > 0
    assert all(p.grad is None for p in critic.parameters())
    # Afterwards the heads train again and the trunk stays fixed.
    assert all(p.requires_grad for p in critic.heads.parameters())
    assert not any(p.requires_grad for p in critic.trunk.parameters())


@pytest.mark.parametrize("kind", ["patch", "features"])
def test_one_adversarial_step_trains_the_critic_then_scores_the_colour_for_the_colorizer(photos_dir: Path, kind: str) -> None:
    torch.manual_seed(0)
    lab = lab_crops(photos_dir, count=4, size=64)
    real_ab = F.avg_pool2d(lab[:, 1:], 4)
    l_chan = lab[:, :1] if kind == "features" else F.avg_pool2d(lab[:, :1], 4)
    critic = FeatureCritic(width=8) if kind == "features" else PatchCritic(width=8)
    opt = torch.optim.Adam([p for p in critic.parameters() if p.requires_grad], lr=1e-3, betas=(0.5, 0.999))
    fake = (real_ab * 0.5).requires_grad_(True)  # a duller guess, still attached to the "colorizer"
    before = {k: v.clone() for k, v in critic.state_dict().items()}
    wanted_d = critic_loss(critic, l_chan, real_ab, fake.detach())
    d_loss, g_loss = adversarial_step(critic, opt, l_chan, real_ab, fake)
    # The critic's loss is the one before its update; the colorizer's is on the updated critic (to the
    # tolerance of spectral normalisation, whose power iteration refines itself on every pass in training).
    torch.testing.assert_close(d_loss, wanted_d, rtol=1e-3, atol=0)
    assert not d_loss.requires_grad
    torch.testing.assert_close(g_loss, colorizer_adv_loss(critic, l_chan, fake), rtol=1e-3, atol=1e-5)
    moved = [k for k, v in critic.state_dict().items() if v.is_floating_point() and not torch.equal(v, before[k])]
    assert moved and not any(k.startswith("trunk.") for k in moved)
    g_loss.backward()
    assert fake.grad is not None and fake.grad.abs().sum() > 0

"""The PatchGAN critic of the adversarial fine-tune, on real photos: it learns to tell colour from gray."""

from __future__ import annotations

from pathlib import Path

import torch

from photo_crops import lab_crops
from training.adversarial import PatchCritic, colorizer_adv_loss, critic_loss


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
    opt = torch.optim.Adam(critic.parameters(), lr=1e-3, betas=(0.5, 0.999))
    start = critic_loss(critic, l_chan, real_ab, gray_ab).item()
    for _ in range(60):
        loss = critic_loss(critic, l_chan, real_ab, gray_ab)
        opt.zero_grad()
        loss.backward()
        opt.step()
    end = critic_loss(critic, l_chan, real_ab, gray_ab).item()
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

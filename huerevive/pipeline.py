"""Photo in, colour photo out: the Lab pipeline every front end shares.

Input: a path, bytes, file object, PIL image or uint8 array (see
``huerevive.image_input``). The lightness L of the ORIGINAL full-resolution
photo is kept; the network predicts ab at a working resolution of about
``NetConfig.working_size`` pixels on the long side, the ab planes are brought
back to full size guided by L (so colour edges follow the photo's edges) and
joined with the original L. Output: same size as the input, alpha preserved.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

from huerevive.color import lab_to_rgb_u8, rgb_u8_to_l
from huerevive.image_input import DEFAULT_MAX_PIXELS, ImageSource, LoadedImage, load_image
from huerevive.model_loading import load_model
from huerevive.network import ColorNet

MAX_SATURATION = 2.0
GUIDE_RADIUS = 2  # in ab-map pixels (4 working-resolution pixels each)
GUIDE_EPS = 4.0  # in L units squared: below this local contrast, colour is just smoothed


@dataclass
class ColorizeResult:
    """Everything the explainer shows about one colorization.

    ``l``: (H, W) float32 lightness 0..100 of the input; ``ab``: (2, H, W)
    float32 predicted a and b at full resolution (after saturation);
    ``ab_small``: (2, h, w) the network's own ab map; ``rgb``: (H, W, 3) uint8
    output; ``alpha``: (H, W) uint8 or None; ``seconds``: time taken.
    """

    l: np.ndarray
    ab: np.ndarray
    ab_small: np.ndarray
    rgb: np.ndarray
    alpha: np.ndarray | None
    seconds: float

    @property
    def image(self) -> Image.Image:
        """The colorized photo as a PIL image (RGBA when the input had alpha)."""
        if self.alpha is None:
            return Image.fromarray(self.rgb, "RGB")
        return Image.fromarray(np.dstack((self.rgb, self.alpha)), "RGBA")


def _check_saturation(saturation: float) -> float:
    value = float(saturation)
    if not 0.0 <= value <= MAX_SATURATION:
        raise ValueError(f"saturation must be between 0 and {MAX_SATURATION}, got {saturation!r}")
    return value


def working_shape(height: int, width: int, long_side: int) -> tuple[int, int]:
    """Network input size: aspect kept, long side ``long_side``, both multiples of 32 (min 32)."""
    scale = long_side / max(height, width)
    return (max(32, int(round(height * scale / 32)) * 32), max(32, int(round(width * scale / 32)) * 32))


def _box(x: torch.Tensor, r: int) -> torch.Tensor:
    return F.avg_pool2d(x, 2 * r + 1, stride=1, padding=r, count_include_pad=False)


def guided_upsample(ab_small: torch.Tensor, l_small: torch.Tensor, l_full: torch.Tensor) -> torch.Tensor:
    """Fast guided filter (He & Sun 2015): upsample ab (1, 2, h, w) to L's full size.

    Fits ab ~ A * L + B in small windows at low resolution, then applies the
    upsampled A and B to the full-resolution L, so colour boundaries snap to
    the photo's own edges instead of bleeding across them.
    """
    mean_l = _box(l_small, GUIDE_RADIUS)
    mean_ab = _box(ab_small, GUIDE_RADIUS)
    cov = _box(l_small * ab_small, GUIDE_RADIUS) - mean_l * mean_ab
    var = _box(l_small * l_small, GUIDE_RADIUS) - mean_l * mean_l
    coef_a = cov / (var + GUIDE_EPS)
    coef_b = mean_ab - coef_a * mean_l
    size = l_full.shape[-2:]
    coef_a = F.interpolate(_box(coef_a, GUIDE_RADIUS), size=size, mode="bilinear", align_corners=False)
    coef_b = F.interpolate(_box(coef_b, GUIDE_RADIUS), size=size, mode="bilinear", align_corners=False)
    return coef_a * l_full + coef_b


class Colorizer:
    """One pipeline object for every front end (CLI, site, evaluation).

    Thread-safe: the network is read-only and each call uses its own tensors.
    """

    def __init__(self, model: ColorNet | None = None, max_pixels: int = DEFAULT_MAX_PIXELS) -> None:
        self.model = model if model is not None else load_model()
        self.max_pixels = max_pixels

    @property
    def device(self) -> torch.device:
        return self.model.bin_centres.device

    @torch.inference_mode()
    def predict_ab_small(self, l_full: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """L (1, 1, H, W) -> (ab (1, 2, h, w), L resized to (1, 1, h, w)) at the ab map's resolution."""
        height, width = l_full.shape[-2:]
        work_h, work_w = working_shape(height, width, self.model.config.working_size)
        factor = max(1, min(height // work_h, width // work_w) // 2)
        l_pooled = F.avg_pool2d(l_full, factor) if factor > 1 else l_full  # cheap first step for big photos
        l_work = F.interpolate(l_pooled, size=(work_h, work_w), mode="bilinear", antialias=True, align_corners=False)
        ab_small = self.model.predict_ab(l_work)
        l_small = F.interpolate(l_work, size=ab_small.shape[-2:], mode="area")
        return ab_small, l_small

    @torch.inference_mode()
    def colorize_loaded(self, loaded: LoadedImage, saturation: float = 1.0) -> ColorizeResult:
        """Colorize an already-decoded photo (see ``load_image``)."""
        start = time.perf_counter()
        sat = _check_saturation(saturation)
        l_full = rgb_u8_to_l(loaded.rgb).to(self.device)[None, None]  # (1, 1, H, W)
        ab_small, l_small = self.predict_ab_small(l_full)
        ab_full = guided_upsample(ab_small, l_small, l_full).mul_(sat)
        rgb = lab_to_rgb_u8(l_full[0, 0], ab_full[0])
        return ColorizeResult(
            l=l_full[0, 0].cpu().numpy(),
            ab=ab_full[0].cpu().numpy(),
            ab_small=(ab_small[0] * sat).cpu().numpy(),
            rgb=rgb,
            alpha=loaded.alpha,
            seconds=time.perf_counter() - start,
        )

    def colorize_detailed(self, image: ImageSource, saturation: float = 1.0) -> ColorizeResult:
        """Colorize ``image`` and return L, ab and the RGB output (for the explainer)."""
        return self.colorize_loaded(load_image(image, max_pixels=self.max_pixels), saturation)

    def colorize(self, image: ImageSource, saturation: float = 1.0) -> Image.Image:
        """Colorize ``image``; same size as the input, RGBA if it had alpha."""
        return self.colorize_detailed(image, saturation).image


def colorize(image: ImageSource, saturation: float = 1.0) -> Image.Image:
    """Colorize a photo with the shipped model.

    ``image``: a path, bytes, file object, PIL image or uint8 array.
    ``saturation``: 0 gives grayscale, 1 the model's colours, up to 2 doubles
    chroma (out-of-gamut colours are pulled in without changing lightness).
    Raises ``huerevive.errors.ImageLoadError`` (naming the file) on bad input.
    """
    return Colorizer().colorize(image, saturation)


def colorize_detailed(image: ImageSource, saturation: float = 1.0) -> ColorizeResult:
    """Like ``colorize`` but returns a ``ColorizeResult`` with L, ab and RGB."""
    return Colorizer().colorize_detailed(image, saturation)

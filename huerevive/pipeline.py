"""Photo in, colour photo out: the Lab pipeline every front end shares.

Input: a path, bytes, file object, PIL image or uint8 array (see
``huerevive.image_input``). The lightness L of the ORIGINAL full-resolution
photo is kept; the network predicts ab at a working resolution of about
``NetConfig.working_size`` pixels on the long side, the ab planes are brought
back to full size guided by L (so colour edges follow the photo's edges) and
joined with the original L. Output: same size as the input, alpha preserved.

Optional colour ``hints`` (see ``huerevive.hints``) steer the colours. For
interactive use (a visitor adding hints one by one) ``prepare`` runs the
part that hints do not change once, and ``colorize_prepared`` the rest,
optionally at a smaller display size.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

from huerevive.color import lab_to_rgb_u8, rgb_u8_to_l
from huerevive.decoding import decode_ab, decode_distributions, mix_distributions, neutral_share
from huerevive.hint_spreading import look_alike_features, spread_hints
from huerevive.hints import Hint, HintLike, check_hints, hint_maps, hint_points
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
    return coef_a.mul_(l_full).add_(coef_b)  # in place: two fewer full-size buffers, the same sums


# The network's logits for every look the weights ship (``Colorizer.look_logits``): the working size, its
# mirror or None, and (the coarser look, its mirror or None) or None.
Looks = tuple[torch.Tensor, torch.Tensor | None, tuple[torch.Tensor, torch.Tensor | None] | None]


@dataclass
class EncodedView:
    """One look of the network at the photo: its input L and the encoder's features.

    With flip averaging the photo and its mirror are one batch of two (one
    pass is faster on a CPU than two of one) and stay one batch for the
    decoder, so every decode, once per hint change, reuses them as they are.
    """

    l_work: torch.Tensor  # (1, 1, h, w), the network's input
    batch: list[torch.Tensor]  # ColorNet.encode's features of l_work (and of its mirror, second in the batch)

    @property
    def mirrored(self) -> bool:
        """Whether the mirror was encoded too (flip averaging)."""
        return self.batch[0].shape[0] == 2

    @property
    def features(self) -> list[torch.Tensor]:
        """The photo's own features (batch of one)."""
        return [f[:1] for f in self.batch]


@dataclass
class PreparedPhoto:
    """A decoded photo with the hint-independent work done: L at full and working size, encoder features."""

    loaded: LoadedImage
    l_full: torch.Tensor  # (1, 1, H, W)
    l_small: torch.Tensor  # (1, 1, h/4, w/4), the ab map's size
    view: EncodedView  # the look at the working size, the one the ab map is decoded at
    context: EncodedView | None = None  # the coarser look (NetConfig.context_size), when the weights ship one

    @property
    def l_work(self) -> torch.Tensor:
        """(1, 1, h, w): the network's input at the working size."""
        return self.view.l_work

    @functools.cached_property
    def looks(self) -> torch.Tensor:
        """What each ab-map pixel looks like to the encoder (for spreading hints); computed on the first hint only."""
        return look_alike_features(self.view.features)


def _display_l(l_full: torch.Tensor, max_side: int | None) -> torch.Tensor:
    """L at most ``max_side`` pixels on the long side (area-averaged), or unchanged."""
    height, width = l_full.shape[-2:]
    if not max_side or max(height, width) <= max_side:
        return l_full
    scale = max_side / max(height, width)
    size = (max(1, round(height * scale)), max(1, round(width * scale)))
    return F.interpolate(l_full, size=size, mode="area")


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

    def load(self, image: ImageSource) -> LoadedImage:
        """``image`` decoded as this pipeline reads it; above ``max_pixels`` refused (see ``load_image``)."""
        return load_image(image, max_pixels=self.max_pixels)

    @torch.inference_mode()
    def prepare(self, loaded: LoadedImage) -> PreparedPhoto:
        """Everything that does not depend on hints or saturation: L and the encoder's features."""
        l_full = rgb_u8_to_l(loaded.rgb).to(self.device)[None, None]  # (1, 1, H, W)
        height, width = l_full.shape[-2:]
        work_h, work_w = working_shape(height, width, self.model.config.working_size)
        factor = max(1, min(height // work_h, width // work_w) // 2)
        l_pooled = F.avg_pool2d(l_full, factor) if factor > 1 else l_full  # cheap first step for big photos
        l_work = F.interpolate(l_pooled, size=(work_h, work_w), mode="bilinear", antialias=True, align_corners=False)
        l_small = F.interpolate(l_work, size=(work_h // 4, work_w // 4), mode="area")
        cfg = self.model.config
        view = self.encode_view(l_work, cfg.flip_average)
        context = None
        if cfg.context_size:
            context_shape = working_shape(height, width, cfg.context_size)
            l_context = F.interpolate(l_pooled, size=context_shape, mode="bilinear", antialias=True, align_corners=False)
            context = self.encode_view(l_context, cfg.flip_average)
        return PreparedPhoto(loaded, l_full, l_small, view, context)

    @torch.inference_mode()
    def encode_view(self, l_work: torch.Tensor, mirror: bool) -> EncodedView:
        """The encoder's look at ``l_work`` (1, 1, h, w), and at its mirror in the same batch when ``mirror``."""
        return EncodedView(l_work, self.model.encode(torch.cat((l_work, l_work.flip(-1))) if mirror else l_work))

    def _decode(
        self, view: EncodedView, hints: list[Hint] | None, photo_size: tuple[int, int]
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        """Logits of one look, and of its mirror (with flip averaging); hints enter both, mirrored for the mirror."""
        model = self.model
        hint_ab, hint_mask = hint_maps(hints, photo_size, view.l_work.shape[-2:], self.device) if hints else (None, None)
        if not view.mirrored:
            return model.decode(view.batch, hint_ab, hint_mask), None
        if hints:
            hint_ab, hint_mask = torch.cat((hint_ab, hint_ab.flip(-1))), torch.cat((hint_mask, hint_mask.flip(-1)))
        logits = model.decode(view.batch, hint_ab, hint_mask)
        return logits[:1], logits[1:]

    @torch.inference_mode()
    def look_logits(
        self, prepared: PreparedPhoto, hints: list[Hint] | None = None
    ) -> Looks:
        """The network's logits for every look the weights ship, as ``decode_ab`` takes them.

        (working size, its mirror or None, (coarser look, its mirror or None) or None).
        """
        photo_size = prepared.l_full.shape[-2:]
        logits, mirrored = self._decode(prepared.view, hints, photo_size)
        context = self._decode(prepared.context, hints, photo_size) if prepared.context is not None else None
        return logits, mirrored, context

    @torch.inference_mode()
    def predict_ab_prepared(
        self, prepared: PreparedPhoto, hints: list[Hint] | None = None, context_share: float | None = None
    ) -> torch.Tensor:
        """ab (1, 2, h/4, w/4) at the ab map's resolution, region-consistently decoded.

        Hints enter the network (mirrored, its mirrored pass too, when the
        weights ship flip averaging; the coarser look too, when they ship
        one), then spread over the pixels that look like their spots
        (``huerevive.hint_spreading``). ``context_share``: the coarser look's
        share of the colour (``decode_ab``; None: the weights' own
        ``NetConfig.context_share``; 0 or 1 show either look alone).
        """
        cfg = self.model.config
        ab = self.mix_looks(prepared, self.look_logits(prepared, hints), context_share)
        if not hints:
            return ab
        points = hint_points(hints, prepared.l_full.shape[-2:], ab.shape[-2:])
        colours = torch.tensor([hint.ab for hint in hints], device=ab.device)
        return spread_hints(ab, prepared.looks, points, colours, cfg.spread_tau, cfg.spread_sigma, cfg.spread_gamma)

    def mix_looks(
        self,
        prepared: PreparedPhoto,
        looks: Looks,
        context_share: float | None = None,
    ) -> torch.Tensor:
        """``look_logits``' output decoded to ab (1, 2, h/4, w/4), the coarser look at ``context_share`` (None: the weights')."""
        model = self.model
        cfg = model.config
        logits, mirrored, context = looks
        return decode_ab(
            logits, model.bin_centres, cfg.temperature, prepared.l_small, cfg.region_radius, cfg.region_eps,
            mirrored, cfg.region_mode, context, cfg.context_share if context_share is None else context_share,
            cfg.neutral_fade, cfg.chroma_gain,
        )

    def _distributions(self, prepared: PreparedPhoto, looks: Looks) -> torch.Tensor:
        """The distributions the colour is decoded from (``mix_distributions``, the weights' settings)."""
        cfg = self.model.config
        logits, mirrored, context = looks
        return mix_distributions(logits, mirrored, context, cfg.context_share, prepared.l_small, cfg.region_radius,
                                 cfg.region_eps, cfg.region_mode)

    @torch.inference_mode()
    def gray_share(self, prepared: PreparedPhoto, looks: Looks | None = None) -> torch.Tensor:
        """(1, 1, h/4, w/4): how likely each pixel is gray, by the distributions the colour is decoded from.

        What the neutral fade reads (``huerevive.decoding.fade_neutral``); 0 to 1. ``looks``:
        ``look_logits``' output for this photo without hints (None: the network runs for it).
        """
        probs = self._distributions(prepared, self.look_logits(prepared) if looks is None else looks)
        return neutral_share(probs, self.model.bin_centres)

    @torch.inference_mode()
    def mix_looks_and_gray(self, prepared: PreparedPhoto, looks: Looks) -> tuple[torch.Tensor, torch.Tensor | None]:
        """``mix_looks``' colour and, for weights with the neutral fade, ``gray_share``'s map, the looks mixed once for both.

        Weights without the fade fade nothing: their map is None and the colour is ``mix_looks``' own.
        """
        cfg = self.model.config
        if not cfg.neutral_fade:
            return self.mix_looks(prepared, looks), None
        probs = self._distributions(prepared, looks)
        centres = self.model.bin_centres
        return (decode_distributions(probs, centres, cfg.temperature, cfg.neutral_fade, cfg.chroma_gain),
                neutral_share(probs, centres))

    @torch.inference_mode()
    def colorize_prepared(
        self,
        prepared: PreparedPhoto,
        saturation: float = 1.0,
        hints: Sequence[HintLike] | None = None,
        max_side: int | None = None,
    ) -> ColorizeResult:
        """Finish a prepared photo: decode (with ``hints``), upsample guided by L, join with L.

        ``max_side`` gives a smaller preview (long side at most that many
        pixels, alpha dropped); None gives the full-resolution result.
        """
        start = time.perf_counter()
        sat = _check_saturation(saturation)
        height, width = prepared.l_full.shape[-2:]
        checked = check_hints(hints, width, height)
        return self.finish(prepared, self.predict_ab_prepared(prepared, checked), sat, max_side, start)

    @torch.inference_mode()
    def colorize_shares(
        self,
        prepared: PreparedPhoto,
        context_shares: Sequence[float],
        max_side: int | None = None,
        looks: Looks | None = None,
    ) -> list[ColorizeResult]:
        """The photo (no hints) coloured once per coarser-look share (0: the close look alone, 1: the far look alone).

        The decoder runs once for all of them (not at all when ``looks``,
        ``look_logits``' output for this photo without hints, is given); only
        the mixing and what follows it is repeated. ``max_side`` as in
        ``colorize_prepared``. Each result's ``seconds`` is the decoder's time
        and its own mixing and finishing, as if it had been coloured alone.
        """
        start = time.perf_counter()
        looks = self.look_logits(prepared) if looks is None else looks
        decode_seconds = time.perf_counter() - start
        results = []
        for share in context_shares:
            own_start = time.perf_counter() - decode_seconds
            results.append(self.finish(prepared, self.mix_looks(prepared, looks, share), 1.0, max_side, own_start))
        return results

    @torch.inference_mode()
    def finish(
        self,
        prepared: PreparedPhoto,
        ab_small: torch.Tensor,
        saturation: float = 1.0,
        max_side: int | None = None,
        start: float | None = None,
    ) -> ColorizeResult:
        """An ab map (1, 2, h/4, w/4) -> upsampled guided by L (at ``max_side`` if given), scaled by
        ``saturation``, joined with L: the last step of every colouring (``start``: when it began, for
        ``seconds``)."""
        start = time.perf_counter() if start is None else start
        sat = _check_saturation(saturation)
        l_out = _display_l(prepared.l_full, max_side)
        ab_out = guided_upsample(ab_small, prepared.l_small, l_out)
        if sat != 1.0:  # a full-size pass the usual case does not need
            ab_out.mul_(sat)
        rgb = lab_to_rgb_u8(l_out[0, 0], ab_out[0])
        full = l_out is prepared.l_full
        return ColorizeResult(
            l=l_out[0, 0].cpu().numpy(),
            ab=ab_out[0].cpu().numpy(),
            ab_small=(ab_small[0] * sat).cpu().numpy(),
            rgb=rgb,
            alpha=prepared.loaded.alpha if full else None,
            seconds=time.perf_counter() - start,
        )

    def colorize_loaded(
        self, loaded: LoadedImage, saturation: float = 1.0, hints: Sequence[HintLike] | None = None
    ) -> ColorizeResult:
        """Colorize an already-decoded photo (see ``load_image``)."""
        start = time.perf_counter()
        _check_saturation(saturation)
        check_hints(hints, loaded.rgb.shape[1], loaded.rgb.shape[0])  # fail before any work
        result = self.colorize_prepared(self.prepare(loaded), saturation, hints)
        result.seconds = time.perf_counter() - start
        return result

    def colorize_detailed(
        self, image: ImageSource, saturation: float = 1.0, hints: Sequence[HintLike] | None = None
    ) -> ColorizeResult:
        """Colorize ``image`` and return L, ab and the RGB output (for the explainer)."""
        return self.colorize_loaded(self.load(image), saturation, hints)

    def colorize(self, image: ImageSource, saturation: float = 1.0, hints: Sequence[HintLike] | None = None) -> Image.Image:
        """Colorize ``image``; same size as the input, RGBA if it had alpha."""
        return self.colorize_detailed(image, saturation, hints).image


def colorize(image: ImageSource, saturation: float = 1.0, hints: Sequence[HintLike] | None = None) -> Image.Image:
    """Colorize a photo with the shipped model.

    ``image``: a path, bytes, file object, PIL image or uint8 array.
    ``saturation``: 0 gives grayscale, 1 the model's colours, up to 2 doubles
    chroma (out-of-gamut colours are pulled in without changing lightness).
    ``hints``: optional colour hints ``[(x, y, "#c0392b"), ...]``, x and y in
    the photo's own pixels, colour as ``#rrggbb`` or an (r, g, b) tuple; the
    network spreads each hint's colour over the object around it.
    Raises ``huerevive.errors.ImageLoadError`` (naming the file) on bad input
    and ``huerevive.errors.HintError`` on a bad hint.
    """
    return Colorizer().colorize(image, saturation, hints)


def colorize_detailed(
    image: ImageSource, saturation: float = 1.0, hints: Sequence[HintLike] | None = None
) -> ColorizeResult:
    """Like ``colorize`` but returns a ``ColorizeResult`` with L, ab and RGB."""
    return Colorizer().colorize_detailed(image, saturation, hints)

"""From the network's per-pixel colour distributions to one ab colour per pixel.

Decoding each pixel on its own turns a two-way doubt ("red or green
pepper?") into a patchwork: neighbouring pixels of one object fall on
different sides of the doubt. ``region_pool`` first averages the
distributions over the region each pixel belongs to (an edge-aware guided
filter, He & Sun 2013, with the lightness as guide), so a region agrees on
one mixture, and only then takes the annealed mean (Zhang et al. 2016).
A mixture of a red and a green doubt is still a doubt, and its mean is
duller than either; ``region_pool(..., mode="consensus")`` pools the
log-probabilities instead (a normalised geometric mean, a product of the
region's opinions): a colour any pixel of the region rules out is ruled out
for all of it, so the region settles on the colour its pixels share
instead of averaging their doubts.
With test-time flip averaging the network also sees the mirrored photo and
the two distributions (one mirrored back) are averaged first: two looks at
each object, so a doubt that one look resolves the other way cancels.
A coarser look (``context``: the network run again on the photo at a smaller
working size) sees each object whole, with more of its surroundings, in the
same receptive field; its distributions, upsampled, are averaged in too.
Last, ``fade_neutral``: where the network is unsure whether a pixel is gray
at all (a white wall, sand, an overcast sky), the annealed mean of "gray or
beige" is a tint; the pixel's colour fades by how much of its distribution
lies at or next to gray, and a gain gives the whole photo back the colour
the fade took, so it goes to the pixels the network is sure are coloured.
Pure functions on tensors; the pooling strength, the flip, the coarser look
and the fade ship with the weights (``NetConfig.region_radius`` /
``region_eps`` / ``region_mode`` / ``flip_average`` / ``context_size`` /
``neutral_fade`` / ``chroma_gain``, chosen on validation photos).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from huerevive.ab_bins import decode_annealed_mean

PROB_FLOOR = 1e-8  # the guided filter can undershoot 0 slightly near edges
CONTEXT_SHARE = 0.5  # the coarser look's share of the averaged distributions (half and half)
NEUTRAL_CHROMA = 10.5  # Lab chroma of "at or next to gray": the gray bin and the four bins one grid step from it


def _box(x: torch.Tensor, radius: int) -> torch.Tensor:
    return F.avg_pool2d(x, 2 * radius + 1, stride=1, padding=radius, count_include_pad=False)


POOL_MODES = ("mixture", "consensus")


def guided_filter(x: torch.Tensor, guide: torch.Tensor, radius: int, eps: float) -> torch.Tensor:
    """He & Sun's guided filter of every channel of ``x`` (B, C, h, w) by ``guide`` (B, 1, h, w).

    Locally ``x`` is fitted as a linear function of the guide: where the
    guide varies much less than ``eps`` the result is a box average, across
    strong edges of the guide the two sides are kept apart.
    """
    mean_g = _box(guide, radius)
    var_g = _box(guide * guide, radius) - mean_g * mean_g
    mean_x = _box(x, radius)
    cov = _box(guide * x, radius) - mean_g * mean_x
    coef_a = cov / (var_g + eps)
    coef_b = mean_x - coef_a * mean_g
    return _box(coef_a, radius) * guide + _box(coef_b, radius)


def region_pool(probs: torch.Tensor, guide: torch.Tensor, radius: int, eps: float, mode: str = "mixture") -> torch.Tensor:
    """Edge-aware pooling of colour distributions over each pixel's region.

    ``probs`` (B, Q, h, w) per-pixel distributions (sum 1 over Q); ``guide``
    (B, 1, h, w) lightness 0..100 at the same size; ``radius`` in pixels of
    that map; ``eps`` in L units squared: where the local lightness varies
    much less than this the distributions are simply pooled, across strong
    edges they are kept apart. ``mode`` "mixture" averages the
    probabilities, "consensus" their logarithms. Returns distributions
    (B, Q, h, w) that sum to 1.
    """
    if mode not in POOL_MODES:
        raise ValueError(f"region pooling mode must be one of {', '.join(POOL_MODES)}, got {mode!r}")
    if radius <= 0:
        return probs
    radius = min(radius, max(1, (min(probs.shape[-2:]) - 1) // 2))
    if mode == "consensus":
        return torch.softmax(guided_filter(probs.clamp_min(PROB_FLOOR).log(), guide, radius, eps), dim=1)
    pooled = guided_filter(probs, guide, radius, eps).clamp_min_(PROB_FLOOR)
    return pooled / pooled.sum(1, keepdim=True)


def annealed_mean(probs: torch.Tensor, centres: torch.Tensor, temperature: float) -> torch.Tensor:
    """Distributions (B, Q, h, w) -> ab (B, 2, h, w): the mean of p**(1/T), renormalised.

    T = 1 is the plain mean (safe, dull); towards 0 it approaches the mode.
    """
    logp = probs.clamp_min(PROB_FLOOR).log() / temperature
    weights = torch.softmax(logp, dim=1)
    return torch.einsum("bqhw,qc->bchw", weights, centres.to(weights))


def neutral_share(probs: torch.Tensor, centres: torch.Tensor) -> torch.Tensor:
    """Distributions (B, Q, h, w) -> (B, 1, h, w): each pixel's probability of a colour at or next to gray."""
    near_gray = (centres.norm(dim=1) <= NEUTRAL_CHROMA).to(probs)
    return torch.einsum("bqhw,q->bhw", probs, near_gray).unsqueeze(1)


def fade_neutral(ab: torch.Tensor, probs: torch.Tensor, centres: torch.Tensor, fade: float, gain: float = 1.0) -> torch.Tensor:
    """ab (B, 2, h, w) decoded from ``probs`` -> ab * gain * (1 - neutral share) ** fade.

    ``fade`` 0 leaves every colour as it is; the larger, the more a pixel
    that is possibly gray loses its tint. A pixel the network is sure is
    coloured keeps its colour, times ``gain``.
    """
    if fade == 0.0:
        return ab * gain if gain != 1.0 else ab
    return ab * ((1.0 - neutral_share(probs, centres)).clamp_min(0.0) ** fade * gain)


def view_probs(logits: torch.Tensor, mirrored_logits: torch.Tensor | None = None) -> torch.Tensor:
    """One look's distributions (B, Q, h, w): softmax, averaged with its mirror's (mirrored back) if given."""
    probs = torch.softmax(logits, dim=1)
    if mirrored_logits is not None:
        probs = 0.5 * (probs + torch.softmax(mirrored_logits, dim=1).flip(-1))
    return probs


def _check_context_share(share: float) -> None:
    if not 0.0 <= share <= 1.0:
        raise ValueError(f"context_share must be from 0 to 1, got {share!r}")


def mix_distributions(
    logits: torch.Tensor,
    mirrored_logits: torch.Tensor | None = None,
    context: tuple[torch.Tensor, torch.Tensor | None] | None = None,
    context_share: float = CONTEXT_SHARE,
    guide: torch.Tensor | None = None,
    radius: int = 0,
    eps: float = 50.0,
    mode: str = "mixture",
) -> torch.Tensor:
    """The distributions (B, Q, h, w) the colour is decoded from: every look averaged, then region-pooled.

    The arguments are ``decode_ab``'s; this is its first half.
    """
    _check_context_share(context_share)
    probs = view_probs(logits, mirrored_logits)
    if context is not None:
        # Bilinear weights are non-negative and sum to one, so the resized distributions still sum to one.
        coarse = F.interpolate(view_probs(*context), size=probs.shape[-2:], mode="bilinear", align_corners=False)
        probs = (1.0 - context_share) * probs + context_share * coarse  # at 0.5 exactly the half-and-half mean
    if guide is not None and radius > 0:
        probs = region_pool(probs, guide, radius, eps, mode)
    return probs


def decode_ab(
    logits: torch.Tensor,
    centres: torch.Tensor,
    temperature: float,
    guide: torch.Tensor | None = None,
    radius: int = 0,
    eps: float = 50.0,
    mirrored_logits: torch.Tensor | None = None,
    mode: str = "mixture",
    context: tuple[torch.Tensor, torch.Tensor | None] | None = None,
    context_share: float = CONTEXT_SHARE,
    neutral_fade: float = 0.0,
    chroma_gain: float = 1.0,
) -> torch.Tensor:
    """Logits (B, Q, h, w) -> ab (B, 2, h, w) in Lab units.

    ``mirrored_logits``: the network's logits for the left-right mirrored
    input; its distributions are mirrored back and averaged with these.
    ``context``: the logits of a coarser look (B, Q, h', w') and of its
    mirror (or None); its distributions are resized to (h, w) and averaged
    with these, ``context_share`` of them (0 to 1; half and half by default,
    0 ignores the coarser look, 1 keeps only it: what the explainer shows).
    With a ``guide`` (B, 1, h, w) and ``radius`` > 0 the distributions are
    region-pooled next (``mode``: see ``region_pool``). Last the colour of
    possibly gray pixels fades (``neutral_fade``, ``chroma_gain``: see
    ``fade_neutral``). With none of these this equals the per-pixel annealed
    mean.
    """
    pooling = guide is not None and radius > 0
    if mirrored_logits is None and context is None and not pooling and neutral_fade == 0.0:
        _check_context_share(context_share)
        ab = decode_annealed_mean(logits, centres, temperature)
        return ab if chroma_gain == 1.0 else ab * chroma_gain
    probs = mix_distributions(logits, mirrored_logits, context, context_share, guide, radius, eps, mode)
    return decode_distributions(probs, centres, temperature, neutral_fade, chroma_gain)


def decode_distributions(
    probs: torch.Tensor, centres: torch.Tensor, temperature: float, neutral_fade: float = 0.0, chroma_gain: float = 1.0
) -> torch.Tensor:
    """``mix_distributions``' output -> ab (B, 2, h, w): the annealed mean, then the neutral fade; ``decode_ab``'s second half."""
    return fade_neutral(annealed_mean(probs, centres, temperature), probs, centres, neutral_fade, chroma_gain)

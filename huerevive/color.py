"""CIE Lab (D65) colour maths in float32 torch: fast enough for 12-megapixel photos.

Pure functions, in the style of ``skimage.color``: ``rgb_to_lab`` and
``lab_to_rgb`` compose from ``srgb_to_linear``/``linear_to_srgb`` and the XYZ
steps. Tensors are channel-first: RGB ``(3, H, W)`` in 0..1, Lab ``(3, H, W)``
with L in 0..100 and a, b roughly in -128..127. The constants are
scikit-image's, and the tests check agreement with it to within one 8-bit level.
"""

from __future__ import annotations

import torch

# sRGB primaries to XYZ (D65), as in skimage.color.colorconv.
_XYZ_FROM_RGB = torch.tensor(
    [
        [0.412453, 0.357580, 0.180423],
        [0.212671, 0.715160, 0.072169],
        [0.019334, 0.119193, 0.950227],
    ],
    dtype=torch.float64,
)
_RGB_FROM_XYZ = torch.linalg.inv(_XYZ_FROM_RGB)
_WHITE_D65 = torch.tensor([0.95047, 1.0, 1.08883], dtype=torch.float64)
_EPS = 0.008856  # (6/29)**3, the linear/cube-root switch of CIE Lab
_KAPPA = 7.787  # slope of the linear segment


def srgb_to_linear(rgb: torch.Tensor) -> torch.Tensor:
    """Undo the sRGB transfer curve. ``rgb`` in 0..1, any shape."""
    return torch.where(rgb > 0.04045, ((rgb + 0.055) / 1.055) ** 2.4, rgb / 12.92)


def linear_to_srgb(lin: torch.Tensor) -> torch.Tensor:
    """Apply the sRGB transfer curve. ``lin`` in 0..1 (clamped first), any shape."""
    lin = lin.clamp(0.0, 1.0)
    return torch.where(lin > 0.0031308, 1.055 * lin.clamp_min(1e-12) ** (1 / 2.4) - 0.055, lin * 12.92)


def _matmul3(matrix: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """Multiply a 3x3 matrix into the channel axis of ``x`` (3, H, W)."""
    m = matrix.to(dtype=x.dtype, device=x.device)
    return torch.einsum("ij,j...->i...", m, x)


def _f(t: torch.Tensor) -> torch.Tensor:
    return torch.where(t > _EPS, t.clamp_min(1e-12).pow(1 / 3), _KAPPA * t + 16.0 / 116.0)


def _f_inv(t: torch.Tensor) -> torch.Tensor:
    return torch.where(t > 0.2068966, t**3, (t - 16.0 / 116.0) / _KAPPA)


def rgb_to_lab(rgb: torch.Tensor) -> torch.Tensor:
    """sRGB (3, H, W) in 0..1 -> Lab (3, H, W): L 0..100, a/b about -128..127."""
    xyz = _matmul3(_XYZ_FROM_RGB, srgb_to_linear(rgb))
    white = _WHITE_D65.to(dtype=rgb.dtype, device=rgb.device).view(3, *([1] * (rgb.dim() - 1)))
    fx, fy, fz = _f(xyz / white).unbind(0)
    return torch.stack((116.0 * fy - 16.0, 500.0 * (fx - fy), 200.0 * (fy - fz)))


def rgb_to_l(rgb: torch.Tensor) -> torch.Tensor:
    """sRGB (3, H, W) in 0..1 -> lightness L (H, W) in 0..100, skipping a and b."""
    lin = srgb_to_linear(rgb)
    y = lin[0] * 0.212671 + lin[1] * 0.715160 + lin[2] * 0.072169
    return 116.0 * _f(y) - 16.0


def gray_to_l(gray: torch.Tensor) -> torch.Tensor:
    """Gray levels in 0..1 (R = G = B) -> L in 0..100."""
    return 116.0 * _f(srgb_to_linear(gray)) - 16.0


def lab_to_linear_rgb(lab: torch.Tensor) -> torch.Tensor:
    """Lab (3, H, W) -> linear RGB (3, H, W), not clipped (may leave 0..1)."""
    L, a, b = lab.unbind(0)
    fy = (L + 16.0) / 116.0
    f = torch.stack((fy + a / 500.0, fy, fy - b / 200.0))
    white = _WHITE_D65.to(dtype=lab.dtype, device=lab.device).view(3, *([1] * (lab.dim() - 1)))
    return _matmul3(_RGB_FROM_XYZ, _f_inv(f) * white)


def _fit_chroma_to_gamut(lab: torch.Tensor, lin: torch.Tensor, steps: int = 10) -> torch.Tensor:
    """Shrink a and b of out-of-gamut pixels (keeping L) until their RGB fits 0..1.

    Clipping R, G, B one by one would change lightness; scaling chroma towards
    the gray axis keeps L, and the gray of any L in 0..100 is inside the gamut.
    Bisection runs only on the offending pixels, usually a small fraction.
    """
    tol = 1e-4
    flat_lab = lab.reshape(3, -1)
    flat_lin = lin.reshape(3, -1)
    bad = ((flat_lin < -tol) | (flat_lin > 1 + tol)).any(0).nonzero().squeeze(1)
    if bad.numel() == 0:
        return lin
    sub = flat_lab[:, bad]
    lo = torch.zeros(bad.numel(), dtype=lab.dtype, device=lab.device)
    hi = torch.ones_like(lo)
    for _ in range(steps):
        mid = (lo + hi) / 2
        trial = torch.stack((sub[0], sub[1] * mid, sub[2] * mid))
        rgb = lab_to_linear_rgb(trial.unsqueeze(-1)).squeeze(-1)
        ok = ((rgb >= -tol) & (rgb <= 1 + tol)).all(0)
        lo = torch.where(ok, mid, lo)
        hi = torch.where(ok, hi, mid)
    fitted = torch.stack((sub[0], sub[1] * lo, sub[2] * lo))
    out = flat_lin.clone()
    out[:, bad] = lab_to_linear_rgb(fitted.unsqueeze(-1)).squeeze(-1)
    return out.reshape(lin.shape)


def lab_to_rgb(lab: torch.Tensor, keep_lightness: bool = True) -> torch.Tensor:
    """Lab (3, H, W) -> sRGB (3, H, W) in 0..1.

    With ``keep_lightness`` (the default) out-of-gamut colours lose chroma, not
    lightness; otherwise each channel is simply clipped (scikit-image's way).
    """
    lin = lab_to_linear_rgb(lab)
    if keep_lightness:
        lab = lab.clone()
        lab[0].clamp_(0.0, 100.0)
        lin = _fit_chroma_to_gamut(lab, lab_to_linear_rgb(lab))
    return linear_to_srgb(lin)

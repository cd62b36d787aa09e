"""CIE Lab (D65) colour maths in float32 torch: fast enough for 12-megapixel photos.

Pure functions, in the style of ``skimage.color``: ``rgb_to_lab`` and
``lab_to_rgb`` compose from ``srgb_to_linear``/``linear_to_srgb`` and the XYZ
steps. Tensors are channel-first: RGB ``(3, H, W)`` in 0..1, Lab ``(3, H, W)``
with L in 0..100 and a, b roughly in -128..127. The constants are
scikit-image's, and the tests check agreement with it to within one 8-bit level.
"""

from __future__ import annotations

import functools

import numpy as np
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
    # t * t * t, not t ** 3: a generic power is several times slower per sample. In place where a
    # temporary is ours: a fresh buffer costs a 12-megapixel photo more than the arithmetic.
    cube = (t * t).mul_(t)
    return torch.where(t > 0.2068966, cube, torch.sub(t, 16.0 / 116.0).mul_(1.0 / _KAPPA))


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


def _luminance_from_l(l_chan: torch.Tensor) -> torch.Tensor:
    """Relative luminance Y (0..1) of lightness L (0..100)."""
    return _f_inv((l_chan + 16.0) / 116.0)


def desaturate_into_gamut(lin: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Pull linear RGB (3, ...) towards the gray of the same luminance ``y`` until it fits 0..1.

    Clipping R, G and B one by one changes luminance, so brightness shifts.
    Mixing with gray of equal Y keeps Y (it is linear in RGB), hence L, exactly;
    the largest mixing factor that fits has a closed form per channel.
    """
    y = y.clamp(0.0, 1.0)
    top = torch.maximum(torch.maximum(lin[0], lin[1]), lin[2])
    bottom = torch.minimum(torch.minimum(lin[0], lin[1]), lin[2])
    over = torch.where(top > 1.0, (1.0 - y) / (top - y).clamp_min(1e-6), 1.0)
    under = torch.where(bottom < 0.0, y / (y - bottom).clamp_min(1e-6), 1.0)
    scale = torch.minimum(over, under).clamp_(0.0, 1.0)
    return (y + scale * (lin - y)).clamp_(0.0, 1.0)


def lab_to_rgb(lab: torch.Tensor, keep_lightness: bool = True) -> torch.Tensor:
    """Lab (3, H, W) -> sRGB (3, H, W) in 0..1.

    With ``keep_lightness`` (the default) out-of-gamut colours lose chroma, not
    lightness (see ``desaturate_into_gamut``); otherwise each channel is simply
    clipped, as scikit-image does.
    """
    lin = lab_to_linear_rgb(lab)
    if keep_lightness:
        lin = desaturate_into_gamut(lin, _luminance_from_l(lab[0].clamp(0.0, 100.0)))
    return linear_to_srgb(lin)


def lab_batch_to_rgb(lab: torch.Tensor, keep_lightness: bool = True) -> torch.Tensor:
    """Lab (N, 3, H, W) -> sRGB (N, 3, H, W) in 0..1, as ``lab_to_rgb`` does each image (differentiable)."""
    return lab_to_rgb(lab.transpose(0, 1), keep_lightness).transpose(0, 1)


# --- Fast 8-bit paths for full-resolution photos -------------------------------------
# A 12-megapixel photo has 36 million samples; a dozen unfused float operations
# on each cost seconds on two cores. Tables computed once per process replace
# the per-pixel powers and cube roots; the tests check them against the exact
# float path and scikit-image.

_Y_LEVELS = 65536  # luminance steps of the Y -> L table: < 0.015 L apart


@functools.lru_cache(maxsize=1)
def _decode_tables() -> tuple[np.ndarray, np.ndarray]:
    """(sRGB level -> luminance contribution per channel (3, 256), Y -> L (65536,))."""
    levels = srgb_to_linear(torch.arange(256, dtype=torch.float64) / 255.0)
    contrib = (_XYZ_FROM_RGB[1].view(3, 1) * levels.view(1, 256)).numpy().astype(np.float32)
    y = torch.arange(_Y_LEVELS, dtype=torch.float64) / (_Y_LEVELS - 1)
    return contrib, (116.0 * _f(y) - 16.0).numpy().astype(np.float32)


@functools.lru_cache(maxsize=1)
def _encode_table() -> np.ndarray:
    """Linear light in 65536 steps -> sRGB uint8 (steps < 0.06 of an 8-bit level apart)."""
    lin = torch.arange(_Y_LEVELS, dtype=torch.float64) / (_Y_LEVELS - 1)
    return (linear_to_srgb(lin) * 255.0).round().numpy().astype(np.uint8)


def rgb_u8_to_l(rgb: np.ndarray) -> torch.Tensor:
    """uint8 RGB (H, W, 3) -> L (H, W) float32, by table lookups (exact to < 0.02 L)."""
    contrib, y_to_l = _decode_tables()
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    if np.array_equal(r, g) and np.array_equal(g, b):
        gray_l = y_to_l[np.round(contrib.sum(0) * (_Y_LEVELS - 1)).astype(np.int64)]
        return torch.from_numpy(gray_l[r])
    y = contrib[0][r]
    y += contrib[1][g]
    y += contrib[2][b]
    idx = (torch.from_numpy(y).mul_(_Y_LEVELS - 1).add_(0.5)).to(torch.int32).clamp_(0, _Y_LEVELS - 1)
    return torch.from_numpy(y_to_l[idx.numpy()])


def lab_to_rgb_u8(l_chan: torch.Tensor, ab: torch.Tensor, rows: int = 256) -> np.ndarray:
    """L (H, W) and ab (2, H, W) -> uint8 RGB (H, W, 3), lightness kept, exact to one 8-bit level.

    The same maths as ``lab_to_rgb`` arranged for speed: row bands keep the
    temporaries in cache, luminance comes straight from L, only out-of-gamut
    pixels are desaturated, and the transfer curve is a table lookup.
    """
    height, width = l_chan.shape
    out = np.empty((height, width, 3), dtype=np.uint8)
    encode = _encode_table()
    white_x, _, white_z = _WHITE_D65.tolist()
    matrix = _RGB_FROM_XYZ.float()
    for top in range(0, height, rows):
        band_l = l_chan[top : top + rows].float().clamp(0.0, 100.0)
        fy = band_l.add(16.0).div_(116.0)
        y = _f_inv(fy)
        x = _f_inv(torch.add(fy, ab[0, top : top + rows], alpha=1 / 500.0)).mul_(white_x)
        z = _f_inv(torch.sub(fy, ab[1, top : top + rows], alpha=1 / 200.0)).mul_(white_z)
        lin = torch.einsum("ij,jhw->ihw", matrix, torch.stack((x, y, z)))
        flat = lin.view(3, -1)
        top_c = torch.maximum(torch.maximum(flat[0], flat[1]), flat[2])
        bottom_c = torch.minimum(torch.minimum(flat[0], flat[1]), flat[2])
        bad = ((top_c > 1.0) | (bottom_c < 0.0)).nonzero().squeeze(1)
        if bad.numel():
            flat[:, bad] = desaturate_into_gamut(flat[:, bad], y.view(-1)[bad])
        idx = flat.clamp_(0.0, 1.0).mul_(_Y_LEVELS - 1).add_(0.5).to(torch.int32).numpy()
        band = out[top : top + rows]
        for channel in range(3):
            # Straight into the interleaved output, no (3, N) -> (N, 3) copy; "clip" skips the bounds
            # check (the indices are in range by construction) and lets numpy write unbuffered.
            np.take(encode, idx[channel].reshape(band.shape[:2]), out=band[..., channel], mode="clip")
    return out

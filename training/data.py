"""Training photos: find, decode once into memory, cut random Lab crops."""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from huerevive.color import rgb_to_lab
from huerevive.errors import ImageLoadError
from huerevive.image_input import load_image

PHOTO_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".tif", ".tiff"}
CACHE_LONG_SIDE = 512  # photos are kept in RAM at this size; crops are cut from it
GRAY_CHROMA = 1.0  # mean |ab| below this: a black-and-white photo, no colour to learn
HOLDOUT_FILE = Path(__file__).with_name("holdout.txt")  # photos never trained on (the gallery shows their originals)


def find_photos(root: str | Path) -> list[Path]:
    """All photo files under ``root`` (recursive), sorted for reproducibility."""
    root = Path(root)
    return sorted(p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in PHOTO_SUFFIXES)


def read_holdout(path: str | Path | None) -> list[str]:
    """File-name stems (prefixes) that must never be trained on."""
    if path is None or not Path(path).is_file():
        return []
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return [ln.strip() for ln in lines if ln.strip() and not ln.startswith("#")]


@dataclass
class PhotoSet:
    """Decoded photos as uint8 RGB tensors (3, h, w), long side at most ``CACHE_LONG_SIDE``."""

    images: list[torch.Tensor]
    names: list[str]
    skipped: dict[str, int] = field(default_factory=dict)
    groups: list[str] = field(default_factory=list)  # source folder of each photo, for balanced sampling

    def to(self, device: torch.device | str) -> PhotoSet:
        """The same photos on ``device``: crops are then cut and converted there (on a GPU, not one CPU core)."""
        return replace(self, images=[img.to(device) for img in self.images])


def _downscale(rgb: np.ndarray) -> torch.Tensor:
    t = torch.from_numpy(np.ascontiguousarray(rgb)).permute(2, 0, 1).float()
    h, w = t.shape[1:]
    scale = CACHE_LONG_SIDE / max(h, w)
    if scale < 1:
        size = (max(1, round(h * scale)), max(1, round(w * scale)))
        t = F.interpolate(t[None], size=size, mode="bilinear", antialias=True, align_corners=False)[0]
    return t.round().clamp(0, 255).to(torch.uint8)


def _decode_photo(path: Path, min_side: int, min_chroma: float) -> torch.Tensor | str:
    """One photo at cache size, or why it is skipped ("unreadable", "too small", "grayscale")."""
    try:
        loaded = load_image(path)
    except ImageLoadError:
        return "unreadable"
    small = _downscale(loaded.rgb)
    if min(small.shape[1:]) < min_side:
        return "too small"
    ab = rgb_to_lab(small.float() / 255.0)[1:]
    if ab.norm(dim=0).mean() < min_chroma:
        return "grayscale"
    return small


def load_photo_set(
    roots: str | Path | Sequence[str | Path],
    holdout: Sequence[str] = (),
    min_side: int = 64,
    min_chroma: float = GRAY_CHROMA,
    workers: int = 0,
) -> PhotoSet:
    """Decode every usable colour photo under ``roots``; count what is skipped and why.

    Photos whose mean chroma |ab| is below ``min_chroma`` are skipped: near-gray
    photos (fog, sepia, black-and-white) teach the network that gray is safe.
    Each photo's group is its first folder below its root (``faces``,
    ``landscapes``...) or the root's own name. ``workers`` threads decode
    (0: one per core, at most 16); the order, and so the set, is the same for any number.
    """
    if isinstance(roots, (str, Path)):
        roots = [roots]
    skipped = {"unreadable": 0, "grayscale": 0, "too small": 0, "held out": 0}
    wanted: list[tuple[Path, str]] = []
    for root in map(Path, roots):
        for path in find_photos(root):
            if any(path.stem.startswith(h) for h in holdout):
                skipped["held out"] += 1
                continue
            rel = path.relative_to(root).parts
            wanted.append((path, rel[0] if len(rel) > 1 else root.name))
    workers = workers or min(16, os.cpu_count() or 1)
    # Threads, not processes: decoding and resizing release the GIL, and the tensors need no pickling back.
    with ThreadPoolExecutor(max_workers=workers) as pool:
        decoded = list(pool.map(lambda item: _decode_photo(item[0], min_side, min_chroma), wanted))
    images, names, groups = [], [], []
    for (path, group), result in zip(wanted, decoded):
        if isinstance(result, str):
            skipped[result] += 1
            continue
        images.append(result)
        names.append(path.name)
        groups.append(group)
    return PhotoSet(images, names, skipped, groups)


def sampling_weights(photos: PhotoSet, shares: dict[str, float]) -> torch.Tensor:
    """Per-photo sampling probabilities: each group in ``shares`` gets exactly that share of draws.

    Without shares every photo is equally likely. A named group is scaled to its
    share, down (1,833 face close-ups at 12 %) or up (the 383 photos of the
    domain the site mostly shows); the other groups split the rest in
    proportion to their sizes. Within a group every photo is equally likely.
    """
    n = len(photos.images)
    groups = photos.groups or [""] * n
    named = {g: s for g, s in shares.items() if g in groups}
    if any(s < 0 for s in named.values()) or sum(named.values()) > 1.0 + 1e-9:
        raise ValueError(f"group shares must be >= 0 and sum to at most 1, got {named}")
    probs = torch.zeros(n, dtype=torch.float64)
    rest = torch.tensor([g not in named for g in groups])
    for group, share in named.items():
        mask = torch.tensor([g == group for g in groups])
        probs[mask] = share / int(mask.sum())
    if rest.any():
        probs[rest] = (1.0 - sum(named.values())) / int(rest.sum())
    return (probs / probs.sum()).float()


def random_crop_batch(
    photos: PhotoSet,
    batch_size: int,
    crop: int,
    gen: torch.Generator,
    weights: torch.Tensor | None = None,
    min_frac: float = 0.35,
) -> torch.Tensor:
    """A batch of Lab crops (B, 3, crop, crop): random photo, scale, position and flip.

    ``weights`` are per-photo sampling probabilities (uniform when None);
    crops span ``min_frac`` to 100% of the photo's short side.
    """
    if weights is None:
        picks = torch.randint(len(photos.images), (batch_size,), generator=gen)
    else:
        picks = torch.multinomial(weights, batch_size, replacement=True, generator=gen)
    out = []
    for pick in picks.tolist():
        img = photos.images[pick]
        h, w = img.shape[1:]
        frac = min_frac + (1 - min_frac) * float(torch.rand(1, generator=gen))
        side = max(16, int(min(h, w) * frac))
        aspect = math.exp((float(torch.rand(1, generator=gen)) - 0.5) * 0.5)
        ch = min(h, max(16, int(side * aspect)))
        cw = min(w, max(16, int(side / aspect)))
        top = int(torch.randint(h - ch + 1, (1,), generator=gen))
        left = int(torch.randint(w - cw + 1, (1,), generator=gen))
        patch = img[:, top : top + ch, left : left + cw].float()[None]
        patch = F.interpolate(patch, size=(crop, crop), mode="bilinear", antialias=True, align_corners=False)[0]
        if float(torch.rand(1, generator=gen)) < 0.5:
            patch = patch.flip(-1)
        out.append(patch)
    rgb = (torch.stack(out) / 255.0).clamp(0, 1)
    return rgb_to_lab(rgb.transpose(0, 1)).transpose(0, 1)  # one conversion for the batch (channels first)


def jitter_lightness(l_chan: torch.Tensor, gen: torch.Generator, strength: float = 0.15) -> torch.Tensor:
    """Random gamma and contrast on L (input only): old prints are faded, dark or harsh."""
    b = l_chan.shape[0]
    # Drawn on the generator's device (the CPU), then moved: the same draws wherever the crops are.
    gamma = torch.exp((torch.rand(b, 1, 1, 1, generator=gen) - 0.5) * 2 * strength).to(l_chan.device)
    contrast = (1 + (torch.rand(b, 1, 1, 1, generator=gen) - 0.5) * 2 * strength).to(l_chan.device)
    x = (l_chan / 100.0).clamp(0, 1) ** gamma
    x = (x - 0.5) * contrast + 0.5
    return (x.clamp(0, 1) * 100.0).to(l_chan.dtype)

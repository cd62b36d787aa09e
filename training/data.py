"""Training photos: find, decode once into memory, cut random Lab crops."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
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


def _downscale(rgb: np.ndarray) -> torch.Tensor:
    t = torch.from_numpy(np.ascontiguousarray(rgb)).permute(2, 0, 1).float()
    h, w = t.shape[1:]
    scale = CACHE_LONG_SIDE / max(h, w)
    if scale < 1:
        size = (max(1, round(h * scale)), max(1, round(w * scale)))
        t = F.interpolate(t[None], size=size, mode="bilinear", antialias=True, align_corners=False)[0]
    return t.round().clamp(0, 255).to(torch.uint8)


def load_photo_set(root: str | Path, holdout: list[str] = (), min_side: int = 64) -> PhotoSet:
    """Decode every usable colour photo under ``root``; count what is skipped and why."""
    images, names = [], []
    skipped = {"unreadable": 0, "grayscale": 0, "too small": 0, "held out": 0}
    for path in find_photos(root):
        if any(path.stem.startswith(h) for h in holdout):
            skipped["held out"] += 1
            continue
        try:
            loaded = load_image(path)
        except ImageLoadError:
            skipped["unreadable"] += 1
            continue
        small = _downscale(loaded.rgb)
        if min(small.shape[1:]) < min_side:
            skipped["too small"] += 1
            continue
        ab = rgb_to_lab(small.float() / 255.0)[1:]
        if ab.abs().mean() < GRAY_CHROMA:
            skipped["grayscale"] += 1
            continue
        images.append(small)
        names.append(path.name)
    return PhotoSet(images, names, skipped)


def random_crop_batch(photos: PhotoSet, batch_size: int, crop: int, gen: torch.Generator) -> torch.Tensor:
    """A batch of Lab crops (B, 3, crop, crop): random photo, scale, position and flip."""
    out = []
    for _ in range(batch_size):
        img = photos.images[int(torch.randint(len(photos.images), (1,), generator=gen))]
        h, w = img.shape[1:]
        # Crops from 35% to 100% of the short side: whole scenes and close detail.
        frac = 0.35 + 0.65 * float(torch.rand(1, generator=gen))
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
        out.append(rgb_to_lab((patch / 255.0).clamp(0, 1)))
    return torch.stack(out)


def jitter_lightness(l_chan: torch.Tensor, gen: torch.Generator, strength: float = 0.15) -> torch.Tensor:
    """Random gamma and contrast on L (input only): old prints are faded, dark or harsh."""
    b = l_chan.shape[0]
    gamma = torch.exp((torch.rand(b, 1, 1, 1, generator=gen) - 0.5) * 2 * strength)
    contrast = 1 + (torch.rand(b, 1, 1, 1, generator=gen) - 0.5) * 2 * strength
    x = (l_chan / 100.0).clamp(0, 1) ** gamma
    x = (x - 0.5) * contrast + 0.5
    return (x.clamp(0, 1) * 100.0).to(l_chan.dtype)

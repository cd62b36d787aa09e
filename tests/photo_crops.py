"""Small Lab crops of real validation photos, and logits of a sure or a gray network, for tests of training losses."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from huerevive.color import rgb_to_lab


def lab_crops(photos_dir: Path, count: int = 8, size: int = 64) -> torch.Tensor:
    """(count, 3, size, size) Lab of the first ``count`` validation photos (centre crops, resized)."""
    return lab_crops_of(sorted((photos_dir / "val").glob("*.jpg"))[:count], size)


def lab_crops_of(paths: Sequence[Path], size: int = 64) -> torch.Tensor:
    """(len(paths), 3, size, size) Lab of these photos: each one's centre square, resized."""
    out = []
    for path in paths:
        image = Image.open(path).convert("RGB")
        side = min(image.size)
        left, top = (image.width - side) // 2, (image.height - side) // 2
        image = image.crop((left, top, left + side, top + side)).resize((size, size), Image.BICUBIC)
        out.append(rgb_to_lab(torch.from_numpy(np.asarray(image).copy()).permute(2, 0, 1).float() / 255))
    return torch.stack(out)


def peaked_logits(ab: torch.Tensor, centres: torch.Tensor, sharpness: float = 50.0) -> torch.Tensor:
    """Logits (N, Q, h, w) peaked on the bin nearest each ab (N, 2, h, w): a network sure of the truth."""
    d2 = ((ab[:, None] - centres[None, :, :, None, None]) ** 2).sum(2)
    return -d2 / sharpness


def gray_logits(count: int, centres: torch.Tensor, size: int) -> torch.Tensor:
    """Logits (count, Q, size, size) with all mass on the neutral bin: a network that leaves the photo gray."""
    logits = torch.zeros(count, len(centres), size, size)
    logits[:, ((centres**2).sum(1)).argmin()] = 30.0
    return logits

"""Small Lab crops of real validation photos, for tests of training losses."""

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

"""training/compare_decoding_extras.py on known values and the real model."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from PIL import Image

from huerevive.ab_bins import gamut_bin_centres
from huerevive.color import rgb_to_lab
from huerevive.image_input import LoadedImage
from training.compare_decoding_extras import L_LEVELS, decode, lightness_bin_shares


def test_shares_count_one_colour_at_its_lightness(tmp_path: Path) -> None:
    Image.new("RGB", (40, 30), (200, 40, 40)).save(tmp_path / "red.png")
    centres = gamut_bin_centres()
    shares = lightness_bin_shares([tmp_path / "red.png"], centres)
    lab = rgb_to_lab(torch.tensor([200, 40, 40]).float().view(3, 1, 1) / 255)[:, 0, 0]
    level = int(round(float(lab[0]) / 10))
    nearest = int(torch.cdist(lab[1:][None], centres).argmin())
    assert shares.shape == (L_LEVELS, centres.shape[0])
    assert shares[level, nearest] == 1.0 and shares.sum() == 1.0


def test_plain_decoding_is_the_pipelines(colorizer) -> None:
    rng = np.random.default_rng(0)
    gray = np.repeat(rng.integers(0, 256, (64, 96, 1), dtype=np.uint8), 3, 2)
    prepared = colorizer.prepare(LoadedImage(gray, None, "noise"))
    with torch.inference_mode():
        ours = decode(colorizer, prepared, flip=False, allowed=None)
        shipped = colorizer.predict_ab_prepared(prepared)
        everything = decode(colorizer, prepared, flip=False, allowed=torch.ones(L_LEVELS, colorizer.model.bin_centres.shape[0]))
        flipped = decode(colorizer, prepared, flip=True, allowed=None)
    assert torch.allclose(ours, shipped, atol=1e-4)
    assert torch.allclose(everything, shipped, atol=1e-3)
    assert not torch.allclose(flipped, shipped, atol=1e-3)

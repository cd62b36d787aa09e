"""training/compare_decoding_extras.py on known values and the real model."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from huerevive.ab_bins import gamut_bin_centres
from huerevive.color import rgb_to_lab
from huerevive.image_input import LoadedImage
from huerevive.pipeline import Colorizer
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


def test_plain_and_flip_decoding_are_the_pipelines(colorizer) -> None:
    rng = np.random.default_rng(0)
    gray = np.repeat(rng.integers(0, 256, (64, 96, 1), dtype=np.uint8), 3, 2)
    pipelines = {}
    for on in (False, True):
        model = copy.deepcopy(colorizer.model)
        model.config.flip_average = on
        model.config.context_size = 0  # the script compares the extras on one look (as its main() sets)
        pipelines[on] = Colorizer(model)
    plain = pipelines[False]
    prepared = plain.prepare(LoadedImage(gray, None, "noise"))
    with torch.inference_mode():
        ours = decode(plain, prepared, flip=False, allowed=None)
        without_flip = plain.predict_ab_prepared(prepared)
        everything = decode(plain, prepared, flip=False, allowed=torch.ones(L_LEVELS, model.bin_centres.shape[0]))
        flipped = decode(plain, prepared, flip=True, allowed=None)
        with_flip = pipelines[True].predict_ab_prepared(pipelines[True].prepare(LoadedImage(gray, None, "noise")))
    assert torch.allclose(ours, without_flip, atol=1e-4)
    assert torch.allclose(everything, without_flip, atol=1e-3)
    assert torch.allclose(flipped, with_flip, atol=1e-4)  # the script's flip is the one the pipeline ships
    assert not torch.allclose(flipped, without_flip, atol=1e-3)

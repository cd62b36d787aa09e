"""Two decoding candidates of issue 11, measured against the shipped decoding (automatic colour).

    python -m training.compare_decoding_extras --train-data ../shared/photos/train ../shared/photos_more/train \
        --data ../shared/photos/val:0 --data ../shared/photos_more/val:40

- flip: the network also runs on the mirrored L; the two colour distributions
  (one mirrored back) are averaged before the annealed mean (as the pipeline
  does for weights exported with ``--flip-average on``);
- mask: bins seen less than ``--mask-share`` of the time at a pixel's
  lightness (L in steps of 10, over the training photos at 96 px) get zero
  probability.
Each ``--data FOLDER:N`` scores N photos spread evenly through FOLDER (0: all):
PSNR, LPIPS, colourfulness and FID (x gray), as ``training/evaluate.py``.
``--model`` scores other weights than the shipped ones; "plain" is always
their decoding without the flip, on one look (a shipped coarser look is
switched off). The mask is not part of the pipeline.
"""

from __future__ import annotations

import argparse
import copy
import dataclasses
import sys
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from huerevive import metrics
from huerevive.color import rgb_to_lab
from huerevive.decoding import annealed_mean, fade_neutral
from huerevive.image_input import LoadedImage, load_image
from huerevive.model_loading import load_model
from huerevive.pipeline import Colorizer, PreparedPhoto
from training.evaluate import find_photos, grayscale_of
from training.tune_decoding import spread

L_LEVELS = 11  # lightness 0, 10, ..., 100


def lightness_bin_shares(photos: list[Path], centres: torch.Tensor, thumb: int = 96) -> torch.Tensor:
    """(L_LEVELS, Q): how often each ab bin occurs at each lightness level in ``photos`` (rows sum to 1)."""
    hist = torch.zeros(L_LEVELS, centres.shape[0], dtype=torch.float64)
    for path in photos:
        image = Image.open(path).convert("RGB")
        image.thumbnail((thumb, thumb))
        lab = rgb_to_lab(torch.from_numpy(np.asarray(image).copy()).permute(2, 0, 1).float() / 255).reshape(3, -1)
        level = (lab[0] / 10).round().clamp(0, L_LEVELS - 1).long()
        nearest = torch.cdist(lab[1:].T, centres).argmin(1)
        hist.index_put_((level, nearest), torch.ones_like(level, dtype=torch.float64), accumulate=True)
    return (hist / hist.sum(1, keepdim=True).clamp_min(1)).float()


def decode(colorizer: Colorizer, prepared: PreparedPhoto, flip: bool, allowed: torch.Tensor | None) -> torch.Tensor:
    """ab (1, 2, h, w) from the colorizer's network with the chosen extras (the mask without the flip)."""
    model = colorizer.model
    if allowed is None:  # the pipeline's own decoding; it averages in the mirrored pass when the photo has one
        view = colorizer.encode_view(prepared.l_work, flip)
        return colorizer.predict_ab_prepared(dataclasses.replace(prepared, view=view))
    logits = model.decode(prepared.view.features)
    level = (prepared.l_small / 10).round().clamp(0, L_LEVELS - 1).long()[0, 0]
    probs = torch.softmax(logits, 1) * allowed[level].permute(2, 0, 1)[None] + 1e-12
    probs = probs / probs.sum(1, keepdim=True)
    cfg = model.config  # the shipped neutral fade too, so that only the mask differs from "plain"
    return fade_neutral(annealed_mean(probs, model.bin_centres, cfg.temperature), probs, model.bin_centres,
                        cfg.neutral_fade, cfg.chroma_gain)


@torch.inference_mode()
def compare(colorizer: Colorizer, photos: list[Path], allowed: torch.Tensor) -> dict[str, dict[str, float]]:
    """Mean PSNR/LPIPS/colourfulness and FID per setting (and gray) over ``photos``."""
    settings = {"plain": (False, None), "flip": (True, None), "mask": (False, allowed)}
    rows: dict[str, list[tuple[float, float, float]]] = {n: [] for n in settings}
    feats: dict[str, list[np.ndarray]] = {n: [] for n in [*settings, "gray", "truth"]}
    for path in photos:
        original = load_image(path).rgb
        gray = grayscale_of(original)
        prepared = colorizer.prepare(LoadedImage(gray, None, path.name))
        outs = []
        for name, (flip, mask) in settings.items():
            rgb = colorizer.finish(prepared, decode(colorizer, prepared, flip, mask)).rgb  # the pipeline's last step
            outs.append(rgb)
            rows[name].append((metrics.psnr(rgb, original), metrics.lpips_distance(rgb, original), metrics.colourfulness(rgb)))
        for name, feat in zip(feats, metrics.inception_features([*outs, gray, original])):
            feats[name].append(feat)
    truth = np.stack(feats["truth"])
    gray_fid = metrics.frechet_distance(np.stack(feats["gray"]), truth)
    out = {}
    for name, values in rows.items():
        a = np.array(values)
        fid = metrics.frechet_distance(np.stack(feats[name]), truth)
        out[name] = {"psnr": a[:, 0].mean(), "lpips": a[:, 1].mean(), "colourfulness": a[:, 2].mean(), "fid": fid, "fid_x_gray": fid / gray_fid}
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--train-data", nargs="+", required=True, help="photos the lightness/bin table is counted on")
    p.add_argument("--data", action="append", required=True, help="FOLDER:N validation photos (N 0: all)")
    p.add_argument("--mask-share", type=float, default=1e-4)
    p.add_argument("--model", default=None, help="weights file (default: the shipped weights)")
    args = p.parse_args(argv)
    model = copy.deepcopy(load_model(args.model) if args.model else load_model())  # the loader's copy stays as shipped
    model.config.flip_average = False  # "plain" is without the flip; prepare() then skips the mirrored pass
    model.config.context_size = 0  # the extras are compared on one look, the working size's
    colorizer = Colorizer(model)
    train = [photo for folder in args.train_data for photo in find_photos(Path(folder))]
    allowed = (lightness_bin_shares(train, colorizer.model.bin_centres) > args.mask_share).float()
    for item in args.data:
        folder, _, count = item.rpartition(":")
        photos = spread(find_photos(Path(folder)), int(count))
        print(f"\n{folder} ({len(photos)} photos)")
        for name, s in compare(colorizer, photos, allowed).items():
            print(f"{name:6s} PSNR {s['psnr']:.2f} LPIPS {s['lpips']:.4f} colourfulness {s['colourfulness']:.1f} "
                  f"FID {s['fid']:.1f} ({s['fid_x_gray']:.3f} x gray)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

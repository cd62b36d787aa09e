"""Choose how far hints spread (``NetConfig.spread_*``, huerevive.hint_spreading) on held-out photos.

    python -m training.tune_hint_spread --data ../shared/photos_more/val --max-images 78 \
        --taus 0,0.3,0.5,0.7 --sigmas 0.15,0.2,0.25 --gammas 4 --out eval-out/tune_spread

Two things per setting, through the real pipeline:
- the hint curve: PSNR with 0, 1, 2, 5, 10, 20, 50 simulated hints (the
  protocol of ``training/evaluate.py``: same photos, same seeds);
- how much one red hint on the photo's plainest spot changes the colours far
  from it (more than 0.35 of the diagonal away; the issue asks that those
  "barely change"): mean |delta ab| per photo, averaged and the worst.
Tune on photos_more/val, report on photos/val, so the reported curve is not
fitted to its own photos. Writes OUT/tune_spread.json and OUT/tune_spread.md.
"""

from __future__ import annotations

import argparse
import copy
import itertools
import math
import shlex
import sys
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from huerevive import metrics
from huerevive.color import rgb_to_lab
from huerevive.image_input import LoadedImage, load_image
from huerevive.pipeline import Colorizer
from huerevive.progress import ProgressBar
from training.evaluate import PSNR_CAP, find_photos, grayscale_of
from training.hints import sample_eval_hints
from training.tune_decoding import parse_floats, setup_colorizer, spread, write_report

RED = "#c0392b"
FAR_SHARE = 0.35  # "far": further from the hint than this share of the photo's diagonal


def flattest_point(l_chan: np.ndarray) -> tuple[int, int]:
    """(x, y) at the centre of the most uniform 33x33 patch away from the borders: a plain surface to re-colour."""
    t = torch.from_numpy(np.ascontiguousarray(l_chan))[None, None].float()
    mean = F.avg_pool2d(t, 33, stride=8)
    var = F.avg_pool2d(t * t, 33, stride=8) - mean**2
    h, w = var.shape[-2:]
    inner = var[0, 0, h // 5 : h - h // 5, w // 5 : w - w // 5]
    iy, ix = divmod(int(inner.argmin()), inner.shape[1])
    return (ix + w // 5) * 8 + 16, (iy + h // 5) * 8 + 16


def far_change(auto_ab: np.ndarray, hinted_ab: np.ndarray, point: tuple[int, int]) -> float:
    """Mean |delta ab| (Lab units) between two (2, H, W) colourings, over pixels far from ``point`` (x, y)."""
    h, w = auto_ab.shape[-2:]
    yy, xx = np.mgrid[0:h, 0:w]
    far = np.hypot(yy - point[1], xx - point[0]) > FAR_SHARE * math.hypot(h, w)
    return float(np.abs(hinted_ab[:, far] - auto_ab[:, far]).mean()) if far.any() else 0.0


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", default=None, help="weights file with a hint branch (default: the package's)")
    p.add_argument("--data", required=True, help="folder of colour photos (not the one the curve is reported on)")
    p.add_argument("--max-images", type=int, default=78, help="N photos evenly spaced through the set (0: all)")
    p.add_argument("--counts", default="0,1,2,5,10,20,50")
    p.add_argument("--taus", default="0,0.3,0.5,0.7", help="similarity widths (0: no spreading)")
    p.add_argument("--sigmas", default="0.2", help="reach as a share of the diagonal")
    p.add_argument("--gammas", default="4")
    p.add_argument("--out", default="eval-out/tune_spread")
    p.add_argument("--threads", type=int, default=0)
    return p.parse_args(argv)


@torch.inference_mode()
def score_settings(
    colorizer: Colorizer, photos: list[Path], counts: list[int], settings: list[tuple[float, float, float]]
) -> dict[str, dict]:
    """Per setting: mean PSNR per hint count and the far-region change of one red hint (mean and worst).

    The settings are tried on a copy of the network: the caller's (often the
    process-wide cached one) keeps its own.
    """
    colorizer = Colorizer(copy.deepcopy(colorizer.model))
    config = colorizer.model.config
    psnr: dict[str, dict[int, list[float]]] = {}
    far: dict[str, list[float]] = {}
    bar = ProgressBar(len(photos), sys.stderr)
    for seed, path in enumerate(photos):
        original = load_image(path).rgb
        prepared = colorizer.prepare(LoadedImage(grayscale_of(original), None, path.name))
        lab = rgb_to_lab(torch.from_numpy(original).permute(2, 0, 1).float().div_(255.0))
        hints = sample_eval_hints(lab, max(counts), seed)
        auto = colorizer.colorize_prepared(prepared)
        point = flattest_point(auto.l)
        for tau, sigma, gamma in settings:
            config.spread_tau, config.spread_sigma, config.spread_gamma = tau, sigma, gamma
            name = f"tau={tau:g} sigma={sigma:g} gamma={gamma:g}"
            for count in counts:
                rgb = colorizer.colorize_prepared(prepared, 1.0, hints[:count]).rgb
                psnr.setdefault(name, {}).setdefault(count, []).append(min(metrics.psnr(rgb, original), PSNR_CAP))
            red = colorizer.colorize_prepared(prepared, 1.0, [(point[0], point[1], RED)])
            far.setdefault(name, []).append(far_change(auto.ab, red.ab, point))
        bar.update(1, path.name)
    return {
        name: {
            "psnr": {str(c): float(np.mean(v)) for c, v in per_count.items()},
            "far_mean": float(np.mean(far[name])),
            "far_worst": float(np.max(far[name])),
        }
        for name, per_count in psnr.items()
    }


def main(argv: list[str] | None = None) -> int:
    raw = list(sys.argv[1:] if argv is None else argv)
    args = parse_args(raw)
    colorizer = setup_colorizer(args)
    if colorizer.model.hints is None:
        print("error: these weights have no hint branch (train with --hints)", file=sys.stderr)
        return 2
    counts = sorted({int(c) for c in parse_floats(args.counts)} | {0})
    settings = list(itertools.product(parse_floats(args.taus), parse_floats(args.sigmas), parse_floats(args.gammas)))
    # sigma and gamma do not matter without spreading: one tau=0 setting
    settings = [s for i, s in enumerate(settings) if s[0] > 0 or all(t[0] > 0 for t in settings[:i])]
    photos = spread(find_photos(Path(args.data)), args.max_images)
    summary = score_settings(colorizer, photos, counts, settings)
    command = shlex.join(["python", "-m", "training.tune_hint_spread", *raw])
    lines = [
        "# How far hints spread, on held-out photos",
        "",
        "```",
        command,
        "```",
        "",
        f"{args.data}, {len(photos)} photos. PSNR gain in dB over 0 hints; far: mean |delta ab| more than "
        f"{FAR_SHARE} of the diagonal from one red hint (mean over photos / worst photo).",
        "",
        "| setting | 0 hints (dB) | " + " | ".join(f"+{c}" for c in counts if c) + " | far mean | far worst |",
        "|---" * (len(counts) + 3) + "|",
    ]
    for name, s in summary.items():
        base = s["psnr"]["0"]
        gains = " | ".join(f"{s['psnr'][str(c)] - base:+.2f}" for c in counts if c)
        lines.append(f"| {name} | {base:.2f} | {gains} | {s['far_mean']:.2f} | {s['far_worst']:.2f} |")
    report = {"command": command, "data": args.data, "images": len(photos), "summary": summary}
    write_report(Path(args.out), "tune_spread", report, lines)
    return 0


if __name__ == "__main__":
    sys.exit(main())

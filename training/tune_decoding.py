"""Choose the decoding settings to ship (temperature, region-consistent pooling, neutral fade) on held-out photos.

    python -m training.tune_decoding --model runs/x/auto.pt --data ../shared/photos_more/val --max-images 100 \
        --temperatures 0.5,0.7 --radii 0,4,8 --modes mixture,consensus --saturations 0.85,1,1.15 --out eval-out/tune

The network runs once per photo; every setting decodes the same logits, so
the comparison costs little more than one evaluation. Scores per setting:
PSNR, LPIPS, AuC, colourfulness, FID against the truth set, with the
grayscale baseline beside them. ``--saturations`` also scores the pipeline's
own saturation control (chroma scaled after decoding, as the site's slider):
is the colour the decoding gives too much, or too little, for these scores?
``--neutral-fades`` and ``--chroma-gains`` (``huerevive.decoding.fade_neutral``;
by default the weights' own) score fading the colour of possibly gray pixels.
``--truth-powers`` scores what no pipeline can do, as a bound: each photo's
saturation set from its truth's colourfulness (``truth_saturation``), the most
a judge of how vivid each photo was could give the decoded colour.
Writes OUT/tune.json and OUT/tune.md.
Weights that ship flip averaging or a coarser second look are decoded with them, as the pipeline does.
"""

from __future__ import annotations

import argparse
import itertools
import json
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch


from huerevive import metrics
from huerevive.decoding import POOL_MODES, decode_ab
from huerevive.image_input import LoadedImage, load_image
from huerevive.model_loading import load_model
from huerevive.network import chroma_gain_problem, neutral_fade_problem
from huerevive.pipeline import MAX_SATURATION, Colorizer
from huerevive.progress import ProgressBar
from training.evaluate import PSNR_CAP, find_photos, grayscale_of


def parse_floats(text: str) -> list[float]:
    """``"0.5,0.7"`` -> [0.5, 0.7]."""
    return [float(t) for t in text.split(",") if t.strip()]


def setup_colorizer(args: argparse.Namespace) -> Colorizer:
    """The pipeline with ``args.model``'s weights (the package's if None), on ``args.threads`` threads if set."""
    if args.threads:
        torch.set_num_threads(args.threads)
    return Colorizer(load_model(args.model))


def write_report(out: Path, stem: str, report: dict, lines: list[str]) -> None:
    """OUT/STEM.json (the figures) and OUT/STEM.md (the table), and the table on stdout."""
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{stem}.json").write_text(json.dumps(report, indent=1), encoding="utf-8")
    (out / f"{stem}.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", default=None, help="weights file (default: the package's)")
    p.add_argument("--data", required=True, action="append", help="folder of colour photos; repeat for several sets")
    p.add_argument("--max-images", type=int, default=100, help="first N photos of each set, evenly spaced (0: all)")
    p.add_argument("--temperatures", default="0.5,0.7")
    p.add_argument("--radii", default="0,4,8", help="region pooling radii in ab-map pixels (0: per pixel)")
    p.add_argument("--eps", default="50", help="region pooling edge thresholds (L units squared)")
    p.add_argument("--modes", default="mixture", help=f"region pooling modes, from {','.join(POOL_MODES)}")
    p.add_argument("--saturations", default="1", help="chroma scales applied after decoding (the pipeline's saturation)")
    p.add_argument("--neutral-fades", default=None,
                   help="how much possibly gray pixels' colour fades, e.g. 0,0.5 (default: the weights' own)")
    p.add_argument("--chroma-gains", default=None,
                   help="the colour given back after the fade, e.g. 1,1.07 (default: the weights' own)")
    p.add_argument("--truth-powers", default="",
                   help="also score each saturation-1 setting with every photo's saturation set from its truth's "
                        "colourfulness, to these powers (1: the truth's colourfulness; 0.5: halfway); a bound, not a setting")
    p.add_argument("--out", default="eval-out/tune")
    p.add_argument("--threads", type=int, default=0)
    return p.parse_args(argv)


def spread(photos: list[Path], count: int) -> list[Path]:
    """``count`` photos evenly spaced through the sorted list (every subject, not just the first folder)."""
    if not count or count >= len(photos):
        return photos
    return [photos[i] for i in np.linspace(0, len(photos) - 1, count).round().astype(int)]


def truth_saturation(ours: float, truth: float, power: float) -> float:
    """The saturation that brings a photo's colourfulness ``ours`` to ``truth`` (power 1; 0.5: halfway on a log
    scale), within the pipeline's range; colourfulness scales about linearly with the chroma."""
    if ours <= 0.0:
        return 1.0  # a gray decoding: no scale gives it colour
    return float(np.clip((truth / ours) ** power, 0.0, MAX_SATURATION))


def truth_name(setting: str, power: float) -> str:
    """The row label of ``setting`` with each photo's saturation from its truth's colourfulness to ``power``."""
    return f"{setting} truth-sat^{power:g}"


def setting_name(temperature: float, radius: int, eps: float, mode: str, saturation: float = 1.0, fade: float = 0.0,
                 gain: float = 1.0) -> str:
    """A setting's row label, e.g. ``T=0.8 r=4 eps=50 consensus fade=0.5 gain=1.07 sat=1.2`` (pooling's mode only
    when it pools, the fade, gain and saturation only when they change the colour)."""
    return (f"T={temperature:g} r={radius} eps={eps:g}" + (f" {mode}" if radius > 0 and mode != "mixture" else "")
            + (f" fade={fade:g}" if fade != 0.0 else "") + (f" gain={gain:g}" if gain != 1.0 else "")
            + (f" sat={saturation:g}" if saturation != 1.0 else ""))


@torch.inference_mode()
def score_settings(colorizer: Colorizer, photos: list[Path],
                   settings: list[tuple[float, int, float, str, float, float, float]],
                   truth_powers: Sequence[float] = ()) -> dict:
    """Mean PSNR/LPIPS/AuC/colourfulness and FID per setting (and for gray) over ``photos``; each setting at
    saturation 1 also with the per-photo saturation ``truth_saturation`` for each of ``truth_powers``. A setting is
    (temperature, radius, eps, mode, neutral fade, chroma gain, saturation)."""
    rows: dict[str, list[dict]] = {}
    feats: dict[str, list[np.ndarray]] = {}
    model = colorizer.model
    bar = ProgressBar(len(photos), sys.stderr)
    for path in photos:
        original = load_image(path).rgb
        gray = grayscale_of(original)
        prepared = colorizer.prepare(LoadedImage(gray, None, path.name))
        logits, mirrored, context = colorizer.look_logits(prepared)  # every look the weights ship, as the pipeline
        outputs = {"grayscale": gray}
        truth_colour = metrics.colourfulness(original)
        decoded: dict[tuple, torch.Tensor] = {}  # settings that differ only in saturation
        for *decoding, saturation in settings:
            key = tuple(decoding)
            temperature, radius, eps, mode, fade, gain = key
            if key not in decoded:
                decoded[key] = decode_ab(logits, model.bin_centres, temperature, prepared.l_small, radius, eps, mirrored,
                                         mode, context, model.config.context_share, fade, gain)
            ab = decoded[key]
            # The pipeline's own last step: upsampled guided by L, the saturation control, joined with L.
            name = setting_name(temperature, radius, eps, mode, saturation, fade, gain)
            outputs[name] = colorizer.finish(prepared, ab, saturation).rgb
            if saturation == 1.0 and truth_powers:
                ours_colour = metrics.colourfulness(outputs[name])
                for power in truth_powers:
                    outputs[truth_name(name, power)] = colorizer.finish(
                        prepared, ab, truth_saturation(ours_colour, truth_colour, power)).rgb
        names = list(outputs)
        inception = metrics.inception_features([outputs[n] for n in names] + [original])
        feats.setdefault("truth", []).append(inception[-1])
        for name, feat in zip(names, inception):
            rgb = outputs[name]
            rows.setdefault(name, []).append(
                {
                    "psnr": min(metrics.psnr(rgb, original), PSNR_CAP),
                    "lpips": metrics.lpips_distance(rgb, original),
                    "auc": metrics.ab_error_auc(rgb, original),
                    "colourfulness": metrics.colourfulness(rgb),
                }
            )
            feats.setdefault(name, []).append(feat)
        rows.setdefault("truth", []).append({"colourfulness": truth_colour})
        bar.update(1, path.name)
    summary = {}
    for name, items in rows.items():
        summary[name] = {k: float(np.mean([r[k] for r in items])) for k in items[0]}
        if name != "truth":
            summary[name]["fid"] = metrics.frechet_distance(np.stack(feats[name]), np.stack(feats["truth"]))
    return summary


def main(argv: list[str] | None = None) -> int:
    raw = list(sys.argv[1:] if argv is None else argv)
    args = parse_args(raw)
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    if not modes or set(modes) - set(POOL_MODES):  # before the model loads: a typo costs nothing
        print(f"error: --modes must be from {','.join(POOL_MODES)}, got {args.modes!r}", file=sys.stderr)
        return 2
    saturations = parse_floats(args.saturations)
    if not saturations or any(not 0.0 <= v <= MAX_SATURATION for v in saturations):
        print(f"error: --saturations must be from 0 to {MAX_SATURATION:g} (the pipeline's range), got {args.saturations!r}",
              file=sys.stderr)
        return 2
    truth_powers = parse_floats(args.truth_powers)
    if any(not 0.0 < v <= 1.0 for v in truth_powers):
        print(f"error: --truth-powers must be above 0 and at most 1, got {args.truth_powers!r}", file=sys.stderr)
        return 2
    fades = None if args.neutral_fades is None else parse_floats(args.neutral_fades)
    gains = None if args.chroma_gains is None else parse_floats(args.chroma_gains)
    for option, values, problem in (("--neutral-fades", fades, neutral_fade_problem),
                                    ("--chroma-gains", gains, chroma_gain_problem)):
        if values is None:
            continue
        if message := "no values" if not values else next(filter(None, map(problem, values)), None):
            print(f"error: {option}: {message}", file=sys.stderr)
            return 2
    colorizer = setup_colorizer(args)
    config = colorizer.model.config
    radii = [int(r) for r in parse_floats(args.radii)]
    settings = list(itertools.product(parse_floats(args.temperatures), radii, parse_floats(args.eps), modes,
                                      fades or [config.neutral_fade], gains or [config.chroma_gain], saturations))
    # eps and mode only matter with pooling: keep one per-pixel setting per temperature, fade, gain and saturation
    settings = [s for i, s in enumerate(settings)
                if s[1] > 0 or all((t[0], t[1], *t[4:]) != (s[0], s[1], *s[4:]) for t in settings[:i])]
    report = {"command": shlex.join(["python", "-m", "training.tune_decoding", *raw]), "sets": {}}
    lines = ["# Decoding settings on held-out photos", "", "```", report["command"], "```"]
    for data in map(Path, args.data):
        photos = spread(find_photos(data), args.max_images)
        summary = score_settings(colorizer, photos, settings, truth_powers)
        report["sets"][str(data)] = {"images": len(photos), "summary": summary}
        gray = summary["grayscale"]
        lines += ["", f"## {data} ({len(photos)} photos)", "", "| setting | PSNR | LPIPS | AuC | FID (x gray) | colourfulness |", "|---|---|---|---|---|---|"]
        for name, s in summary.items():
            if name == "truth":
                continue
            lines.append(
                f"| {name} | {s['psnr']:.2f} | {s['lpips']:.4f} | {s['auc']:.4f} | {s['fid']:.1f} ({s['fid'] / gray['fid']:.2f}) | {s['colourfulness']:.1f} |"
            )
        lines.append(f"| truth | | | | | {summary['truth']['colourfulness']:.1f} |")
    write_report(Path(args.out), "tune", report, lines)
    return 0


if __name__ == "__main__":
    sys.exit(main())

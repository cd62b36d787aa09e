"""Score the colorizer on colour photos: each is made gray, colorized at full
resolution by the real pipeline and compared with the original.

    python -m training.evaluate --data ../shared/photos/val --out eval-out/val
    python -m training.evaluate --data ../shared/photos/val --working-size 448 --temperature 0.3
    python -m training.evaluate --data ../shared/historical --no-truth --out eval-out/historical
    python -m training.evaluate --data ../shared/photos/val --publish   # ships the report with the weights

Input = the photo's Lab lightness L only (a = b = 0); the grayscale baseline is
that same gray image. Per image and per set: PSNR, SSIM, LPIPS, AuC, the tint
on gray (``metrics.gray_tint``: colour put where the truth has none),
colourfulness; FID per set. When DIR or its parent holds a MANIFEST.tsv with a ``subject``
column, the ``people`` subset is reported too. Writes OUT/report.json,
OUT/report.md and OUT/grid.jpg (gray | ours | truth).

report.json: {"command", "data", "model_version", "settings", "images",
"summary": {"model": {psnr, ssim, lpips, auc, gray_tint, fid, colourfulness}, "grayscale": {...},
"truth": {colourfulness, gray_tint}}, "subsets": {"people": {"images", "model", "grayscale",
"truth"}}, "per_image": [{"file", "model", "grayscale", "truth"}], "skipped": [...]}.
Set-level PSNR, SSIM, LPIPS, AuC, tint on gray and colourfulness are means
over images (an infinite PSNR counts as 100 dB; the tint over the photos that
have gray pixels); numbers that cannot be computed (FID of fewer
than 2 photos) are null. With --no-truth, "model" holds colourfulness only and
"subsets" is empty.
"""

from __future__ import annotations

import argparse
import copy
import csv
import dataclasses
import json
import math
import shlex
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
from PIL import Image, ImageDraw, ImageFont

from huerevive import metrics
from huerevive.color import lab_to_rgb, rgb_to_l, rgb_to_lab
from huerevive.decoding import POOL_MODES
from huerevive.errors import HueReviveError, ImageLoadError
from huerevive.evaluation_report import REPORT_PATH
from huerevive.image_input import LoadedImage, load_image
from huerevive.model_loading import load_model, model_version
from huerevive.network import ColorNet, decoding_settings
from huerevive.pipeline import Colorizer, PreparedPhoto
from huerevive.progress import ProgressBar
from training.decoding_options import (
    chroma_gain_option,
    context_share_option,
    context_size_option,
    neutral_fade_option,
)
from training.hints import sample_eval_hints

PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".tif", ".tiff")
MANIFEST = "MANIFEST.tsv"
PEOPLE = "people"
PSNR_CAP = 100.0  # dB; identical images (PSNR = inf) count as this in set means
GRID_HEIGHT = 256
PAIR_METRICS = ("psnr", "ssim", "lpips", "auc", "gray_tint")
# Finer landscape subjects (photos_more) also report together as "landscape".
LANDSCAPE_SUBJECTS = frozenset({"landscape", "field", "forest", "lake", "mountain", "ocean", "road"})


def subject_groups(subject_of: list[str | None]) -> dict[str, set[str]]:
    """Each subject present, plus "landscape" for all landscape-like subjects together."""
    present = {s for s in subject_of if s}
    groups = {s: {s} for s in sorted(present)}
    if present & LANDSCAPE_SUBJECTS and present & LANDSCAPE_SUBJECTS != {"landscape"}:
        groups["landscape"] = present & LANDSCAPE_SUBJECTS
    return groups


# --- inputs ------------------------------------------------------------------


def find_photos(data: Path) -> list[Path]:
    """Every JPEG/PNG/WebP/TIFF file under ``data``, recursively, in sorted order."""
    return sorted(p for p in data.rglob("*") if p.is_file() and p.suffix.lower() in PHOTO_SUFFIXES)


def read_subjects(data: Path) -> dict[Path, str] | None:
    """Resolved photo path -> subject, from MANIFEST.tsv in ``data`` or its parent.

    The manifest's ``file`` column is relative to the manifest's own folder
    (e.g. ``val/name.jpg``). None when there is no manifest with a subject column.
    """
    for folder in (data, data.parent):
        manifest = folder / MANIFEST
        if manifest.is_file():
            with manifest.open(newline="", encoding="utf-8") as handle:
                reader = csv.DictReader(handle, delimiter="\t")
                if not reader.fieldnames or not {"file", "subject"} <= set(reader.fieldnames):
                    return None
                return {(folder / row["file"]).resolve(): row["subject"] for row in reader}
    return None


def grayscale_of(rgb: np.ndarray) -> np.ndarray:
    """(H, W, 3) uint8 colour photo -> its lightness only: Lab (L, 0, 0) as uint8 RGB."""
    chw = torch.from_numpy(rgb.astype(np.float32)).permute(2, 0, 1).div_(255.0)
    lightness = rgb_to_l(chw)
    lab = torch.stack((lightness, torch.zeros_like(lightness), torch.zeros_like(lightness)))
    gray = lab_to_rgb(lab).mul_(255.0).round_().clamp_(0, 255).to(torch.uint8)
    return np.ascontiguousarray(gray.permute(1, 2, 0).numpy())


def configured_model(
    model: ColorNet,
    working_size: int | None,
    temperature: float | None,
    region_radius: int | None = None,
    region_eps: float | None = None,
    region_mode: str | None = None,
    context_size: int | None = None,
    context_share: float | None = None,
    neutral_fade: float | None = None,
    chroma_gain: float | None = None,
) -> ColorNet:
    """``model`` with its inference settings overridden (a copy: the cached model stays as it is)."""
    overrides: dict[str, float | int | str] = {}
    for key, value in (
        ("working_size", working_size),
        ("temperature", temperature),
        ("region_radius", region_radius),
        ("region_eps", region_eps),
        ("region_mode", region_mode),
        ("context_size", context_size),
        ("context_share", context_share),
        ("neutral_fade", neutral_fade),
        ("chroma_gain", chroma_gain),
    ):
        if value is not None:
            overrides[key] = value
    if not overrides:
        return model
    tuned = copy.deepcopy(model)
    tuned.config = dataclasses.replace(model.config, **overrides)
    return tuned


# --- scoring -----------------------------------------------------------------


def score_pair(pred: np.ndarray, truth: np.ndarray) -> dict[str, float | None]:
    """PSNR, SSIM, LPIPS, AuC and the tint on gray against ``truth``, and the colourfulness of ``pred``."""
    return {
        "psnr": metrics.psnr(pred, truth),
        "ssim": metrics.ssim(pred, truth),
        "lpips": metrics.lpips_distance(pred, truth),
        "auc": metrics.ab_error_auc(pred, truth),
        "gray_tint": metrics.gray_tint(pred, truth),
        "colourfulness": metrics.colourfulness(pred),
    }


@dataclass
class _Scores:
    """Per-image rows and Inception features of the images scored so far."""

    rows: list[dict] = field(default_factory=list)
    features: dict[str, list[np.ndarray]] = field(default_factory=dict)

    def add(self, row: dict, feats: dict[str, np.ndarray]) -> None:
        self.rows.append(row)
        for key, value in feats.items():
            self.features.setdefault(key, []).append(value)

    def subset(self, keep: list[bool]) -> "_Scores":
        return _Scores(
            [r for r, k in zip(self.rows, keep) if k],
            {key: [f for f, k in zip(fs, keep) if k] for key, fs in self.features.items()},
        )


def _mean(values: list[float | None]) -> float | None:
    """The mean of the values there are (the tint on gray is None for a photo without gray pixels)."""
    present = [v for v in values if v is not None]
    return float(np.mean(present)) if present else None


def _fid(feats_a: list[np.ndarray], feats_b: list[np.ndarray]) -> float | None:
    if len(feats_a) < 2 or len(feats_b) < 2:
        return None  # a covariance needs two images
    return metrics.frechet_distance(np.stack(feats_a), np.stack(feats_b))


def summarise(scores: _Scores, truth: bool) -> dict:
    """Set-level numbers: means of the per-image metrics, FID against the truth set."""
    rows = scores.rows
    summary: dict[str, dict] = {}
    names = (*PAIR_METRICS, "colourfulness") if truth else ("colourfulness",)
    for key in ("model", "grayscale") if truth else ("model",):
        part = {name: _mean([r[key][name] for r in rows]) for name in names}
        if truth:
            part["psnr"] = _mean([min(r[key]["psnr"], PSNR_CAP) for r in rows])
            part["fid"] = _fid(scores.features.get(key, []), scores.features.get("truth", []))
        summary[key] = part
    if truth:
        summary["truth"] = {name: _mean([r["truth"].get(name) for r in rows]) for name in ("colourfulness", "gray_tint")}
    return summary


COLOUR_QUARTERS = 4


def colourfulness_by_quarter(rows: list[dict]) -> list[dict]:
    """The photos split into quarters by their truth's colourfulness (dullest first), ours against the truth's in each.

    A set mean hides where colour goes missing: a model that cannot tell from
    the gray how vivid a photo was gives every photo about the same amount of
    colour, too much for the dull ones and too little for the vivid ones.
    Each quarter: photos, the truth's range, the mean of ours and of the truth's.
    """
    order = np.argsort([r["truth"]["colourfulness"] for r in rows], kind="stable")
    quarters = []
    for part in np.array_split(order, COLOUR_QUARTERS):
        if not len(part):
            continue
        truth = [rows[i]["truth"]["colourfulness"] for i in part]
        quarters.append({
            "images": len(part),
            "truth_range": [float(min(truth)), float(max(truth))],
            "model": _mean([rows[i]["model"]["colourfulness"] for i in part]),
            "truth": _mean(truth),
        })
    return quarters


# --- outputs -----------------------------------------------------------------


def _thumbnail(rgb: np.ndarray, height: int = GRID_HEIGHT) -> Image.Image:
    img = Image.fromarray(rgb)
    width = max(1, round(img.width * height / img.height))
    return img.resize((width, height), Image.Resampling.LANCZOS)


def make_grid(rows: list[list[Image.Image]], labels: list[str], gap: int = 6) -> Image.Image:
    """Rows of equal-height thumbnails under a label header, each cell as wide as the widest."""
    font = ImageFont.load_default()
    cell_w = max(img.width for row in rows for img in row)
    cell_h = max(img.height for row in rows for img in row)
    header = 24
    cols = len(labels)
    canvas = Image.new("RGB", (cols * cell_w + (cols + 1) * gap, header + len(rows) * (cell_h + gap) + gap), (32, 32, 32))
    draw = ImageDraw.Draw(canvas)
    for c, label in enumerate(labels):
        draw.text((gap + c * (cell_w + gap) + 4, 6), label, fill=(235, 235, 235), font=font)
    for r, row in enumerate(rows):
        for c, img in enumerate(row):
            x = gap + c * (cell_w + gap) + (cell_w - img.width) // 2
            canvas.paste(img, (x, header + gap + r * (cell_h + gap)))
    return canvas


def _fmt(value: float | None, digits: int) -> str:
    if value is None:
        return "–"
    if math.isinf(value):
        return "∞"
    return f"{value:.{digits}f}"


def _table(part: dict, truth: bool) -> list[str]:
    if not truth:
        return ["| | Colourfulness |", "|---|---|", f"| HueRevive | {_fmt(part['model'].get('colourfulness'), 1)} |"]
    lines = [
        "| | PSNR (dB) ↑ | SSIM ↑ | LPIPS ↓ | FID ↓ | AuC ↑ | Tint on gray | Colourfulness |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for key, label in (("model", "HueRevive"), ("grayscale", "Grayscale baseline (a = b = 0)")):
        m = part[key]
        lines.append(
            f"| {label} | {_fmt(m.get('psnr'), 2)} | {_fmt(m.get('ssim'), 3)} | {_fmt(m.get('lpips'), 3)} "
            f"| {_fmt(m.get('fid'), 1)} | {_fmt(m.get('auc'), 3)} | {_fmt(m.get('gray_tint'), 1)} "
            f"| {_fmt(m.get('colourfulness'), 1)} |"
        )
    t = part["truth"]
    lines.append(f"| Truth (colour originals) | | | | | | {_fmt(t.get('gray_tint'), 1)} | {_fmt(t.get('colourfulness'), 1)} |")
    return lines


def render_markdown(report: dict) -> str:
    """report.md: the summary table(s) and the command that produced them."""
    settings = report["settings"]
    truth = settings["truth"]
    lines = [
        "# HueRevive evaluation",
        "",
        f"Model `{report['model_version']}` on `{report['data']}`: {report['images']} photos, "
        f"working size {settings['working_size']}, temperature {settings['temperature']}, "
        + ("input = each photo's lightness L (a = b = 0), output at full resolution." if truth else "no colour truth."),
        "",
        *_table(report["summary"], truth),
    ]
    people = report.get("subsets", {}).get(PEOPLE)
    if people is not None:
        lines += ["", f"## People ({people['images']} photos with subject `people`)", ""]
        lines += _table(people, truth) if people["images"] else ["No photos of people in this set."]
    others = {k: v for k, v in report.get("subsets", {}).items() if k != PEOPLE and v["images"]}
    if others:
        lines += ["", "## By subject", "", "| subject | photos | PSNR ours / gray | LPIPS ours / gray | AuC ours / gray | FID ours / gray |", "|---|---|---|---|---|---|"]
        for name, part in others.items():
            m, g = part["model"], part["grayscale"]
            lines.append(
                f"| {name} | {part['images']} | {_fmt(m['psnr'], 2)} / {_fmt(g['psnr'], 2)} | {_fmt(m['lpips'], 3)} / {_fmt(g['lpips'], 3)} "
                f"| {_fmt(m.get('auc'), 3)} / {_fmt(g.get('auc'), 3)} | {_fmt(m['fid'], 1)} / {_fmt(g['fid'], 1)} |"
            )
    if report.get("colourfulness_by_quarter"):
        lines += ["", "## Colourfulness, by how colourful the truth is (quarters of the set, dullest first)", "",
                  "| truth's colourfulness | photos | ours | truth | ours / truth |", "|---|---|---|---|---|"]
        for q in report["colourfulness_by_quarter"]:
            ratio = q["model"] / q["truth"] if q["truth"] else None
            lines.append(f"| {_fmt(q['truth_range'][0], 1)}–{_fmt(q['truth_range'][1], 1)} | {q['images']} "
                         f"| {_fmt(q['model'], 1)} | {_fmt(q['truth'], 1)} | {_fmt(ratio, 2)} |")
    if report.get("hints"):
        lines += ["", "## With simulated colour hints (5x5-patch mean colour at random points, fixed seeds)", ""]
        lines += ["| hints | PSNR (dB) | AuC |", "|---|---|---|"]
        lines += [f"| {c} | {_fmt(v['psnr'], 2)} | {_fmt(v['auc'], 3)} |" for c, v in report["hints"].items()]
    if report.get("skipped"):
        count = len(report["skipped"])
        lines += ["", f"## Skipped ({count} unreadable file{'s' if count != 1 else ''})", ""]
        lines += [f"- `{s['file']}`: {s['reason']}" for s in report["skipped"]]
    lines += ["", "Produced by:", "", "```", report["command"], "```", ""]
    return "\n".join(lines)


def _json_safe(value):
    """JSON has no infinity: an infinite PSNR (identical images) is written as null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_safe(v) for v in value]
    return value


# --- the run -----------------------------------------------------------------


def hint_scores(
    colorizer: Colorizer, prepared: PreparedPhoto, original: np.ndarray, counts: list[int], seed: int
) -> dict:
    """PSNR with 0, 1, 2... simulated hints (Zhang et al. 2017's protocol).

    Each hint is the truth's mean colour over a 5x5 patch at a random point;
    the points depend only on ``seed`` (the same for every model), and the
    k-hint set is the first k of the longest list.
    """
    lab = rgb_to_lab(torch.from_numpy(original).permute(2, 0, 1).float().div_(255.0))
    hints = sample_eval_hints(lab, max(counts), seed)
    out = {}
    for count in counts:
        rgb = colorizer.colorize_prepared(prepared, 1.0, hints[:count]).rgb
        out[str(count)] = {"psnr": min(metrics.psnr(rgb, original), PSNR_CAP), "auc": metrics.ab_error_auc(rgb, original)}
    return out


def evaluate(
    photos: list[Path],
    colorizer: Colorizer,
    data: Path,
    truth: bool = True,
    grid_rows: int = 8,
    stream=None,
    hint_counts: list[int] | None = None,
    before: Colorizer | None = None,
) -> tuple[dict, Image.Image | None]:
    """Score ``photos``; returns the report (without command/settings) and the grid image.

    With ``hint_counts`` each photo is also scored with that many simulated
    hints (``report["hints"]``: count -> mean PSNR and AuC). With ``before``
    (an older model) the grid gets a "before" column: gray | before | ours.
    """
    stream = stream if stream is not None else sys.stderr
    subjects = read_subjects(data) if truth else None
    scores = _Scores()
    subject_of: list[str | None] = []
    skipped: list[dict] = []
    grid: list[list[Image.Image]] = []
    bar = ProgressBar(len(photos), stream)
    for path in photos:
        name = path.relative_to(data).as_posix()
        try:
            original = load_image(path).rgb
        except ImageLoadError as exc:
            stream.write(f"\nskipped {exc}\n")
            skipped.append({"file": name, "reason": exc.reason})
            bar.update(1, f"skipped {name}")
            continue
        gray = grayscale_of(original)
        prepared = colorizer.prepare(LoadedImage(gray, None, name))  # the encoder runs once per photo
        ours = colorizer.colorize_prepared(prepared).rgb
        if truth:
            row = {
                "file": name,
                "model": score_pair(ours, original),
                "grayscale": score_pair(gray, original),
                "truth": {"colourfulness": metrics.colourfulness(original),
                          "gray_tint": metrics.gray_tint(original, original)},
            }
            feats = dict(zip(("model", "grayscale", "truth"), metrics.inception_features([ours, gray, original])))
            if hint_counts:
                row["hints"] = hint_scores(colorizer, prepared, original, hint_counts, seed=len(scores.rows))
        else:
            row = {"file": name, "model": {"colourfulness": metrics.colourfulness(ours)}}
            feats = {}
        scores.add(row, feats)
        subject_of.append(subjects.get(path.resolve()) if subjects is not None else None)
        if len(grid) < grid_rows:
            earlier = [_thumbnail(before.colorize_loaded(LoadedImage(gray, None, name)).rgb)] if before else []
            grid.append([_thumbnail(gray), *earlier, _thumbnail(ours)] + ([_thumbnail(original)] if truth else []))
        bar.update(1, name)

    report: dict = {"images": len(scores.rows), "summary": summarise(scores, truth), "subsets": {}}
    if subjects is not None:
        people = scores.subset([s == PEOPLE for s in subject_of])
        report["subsets"][PEOPLE] = {"images": len(people.rows), **summarise(people, truth)}
        for name, members in subject_groups(subject_of).items():
            if name != PEOPLE:
                part = scores.subset([s in members for s in subject_of])
                report["subsets"][name] = {"images": len(part.rows), **summarise(part, truth)}
    if hint_counts and truth:
        report["hints"] = {
            str(c): {m: _mean([r["hints"][str(c)][m] for r in scores.rows]) for m in ("psnr", "auc")} for c in hint_counts
        }
    if truth and scores.rows:
        report["colourfulness_by_quarter"] = colourfulness_by_quarter(scores.rows)
    report["per_image"] = scores.rows
    report["skipped"] = skipped
    labels = ["gray input", *(["before"] if before else []), "HueRevive"] + (["truth"] if truth else [])
    return report, (make_grid(grid, labels) if grid else None)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", required=True, help="folder of photos (searched recursively)")
    p.add_argument("--model", default=None, help="weights file (default: the package's colornet.pt)")
    p.add_argument("--out", default=None, help="output folder (default: eval-out/<name of DATA>)")
    p.add_argument("--max-images", type=int, default=0, help="only the first N photos in sorted order (0: all)")
    p.add_argument("--working-size", type=int, default=None, help="override the model's working long side (px)")
    p.add_argument("--temperature", type=float, default=None, help="override the annealed-mean temperature")
    p.add_argument("--grid", type=int, default=8, help="photos in OUT/grid.jpg (0: no grid)")
    p.add_argument("--no-truth", action="store_true", help="DATA has no colour truth: grid and colourfulness only")
    p.add_argument("--publish", action="store_true", help=f"also write report.json to {REPORT_PATH}")
    p.add_argument("--before", default=None, help="an older weights file: adds its result to the grid (gray | before | ours)")
    p.add_argument("--hint-counts", default="", help="also score with this many simulated hints, e.g. 0,1,2,5,10,20,50")
    p.add_argument("--region-radius", type=int, default=None, help="override region-consistent decoding's radius (0: off)")
    p.add_argument("--region-eps", type=float, default=None, help="override region-consistent decoding's edge threshold")
    p.add_argument("--region-mode", choices=POOL_MODES, default=None,
                   help="override region-consistent decoding's pooling: probabilities (mixture) or log-probabilities (consensus)")
    p.add_argument("--context-size", type=context_size_option, default=None,
                   help="override the coarser look's long side (px) whose colour is averaged in (0: off)")
    p.add_argument("--context-share", type=context_share_option, default=None,
                   help="override the coarser look's share of the colour (0 to 1)")
    p.add_argument("--neutral-fade", type=neutral_fade_option, default=None,
                   help="override how much the colour of possibly gray pixels fades (0: off)")
    p.add_argument("--chroma-gain", type=chroma_gain_option, default=None,
                   help="override the colour given back after the fade (1: none)")
    p.add_argument("--threads", type=int, default=0, help="CPU threads for torch (0: torch's default)")
    args = p.parse_args(argv)
    if args.max_images < 0:
        p.error(f"--max-images must be 0 or more, got {args.max_images}")
    if args.grid < 0:
        p.error(f"--grid must be 0 or more, got {args.grid}")
    if args.working_size is not None and args.working_size < 32:
        p.error(f"--working-size must be at least 32 pixels, got {args.working_size}")
    if args.temperature is not None and not args.temperature > 0:
        p.error(f"--temperature must be above 0, got {args.temperature}")
    try:
        args.hint_counts = sorted({int(c) for c in args.hint_counts.split(",") if c.strip()})
    except ValueError:
        p.error(f"--hint-counts must be whole numbers separated by commas, got {args.hint_counts!r}")
    if any(c < 0 for c in args.hint_counts):
        p.error("--hint-counts must be 0 or more")
    if args.hint_counts and args.no_truth:
        p.error("--hint-counts needs colour truth to simulate hints from (drop --no-truth)")
    if args.publish and args.no_truth:
        p.error("--publish needs colour truth: it publishes the validation scores (drop --no-truth)")
    return args


def main(argv: list[str] | None = None) -> int:
    raw = list(sys.argv[1:] if argv is None else argv)
    args = parse_args(raw)
    data = Path(args.data)
    if not data.is_dir():
        print(f"error: --data {data} is not a folder", file=sys.stderr)
        return 2
    photos = find_photos(data)
    if args.max_images:
        photos = photos[: args.max_images]
    if not photos:
        print(f"error: no JPEG/PNG/WebP/TIFF photos under {data}", file=sys.stderr)
        return 2
    if args.threads:
        torch.set_num_threads(args.threads)
    try:
        model = configured_model(
            load_model(args.model), args.working_size, args.temperature, args.region_radius, args.region_eps,
            args.region_mode, args.context_size, args.context_share, args.neutral_fade, args.chroma_gain,
        )
    except HueReviveError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.hint_counts and model.hints is None:
        print("error: --hint-counts needs weights with a hint branch (train with --hints)", file=sys.stderr)
        return 2
    out = Path(args.out) if args.out else Path("eval-out") / data.resolve().name
    out.mkdir(parents=True, exist_ok=True)

    body, grid = evaluate(
        photos,
        Colorizer(model),
        data,
        truth=not args.no_truth,
        grid_rows=args.grid,
        hint_counts=args.hint_counts,
        before=Colorizer(load_model(args.before)) if args.before else None,
    )
    report = {
        "command": shlex.join(["python", "-m", "training.evaluate", *raw]),
        "data": str(data),
        "model_version": model_version(model),
        "settings": {
            **decoding_settings(model.config),
            "max_images": args.max_images,
            "truth": not args.no_truth,
            "weights": str(args.model) if args.model else "package default",
        },
        **body,
    }
    text = json.dumps(_json_safe(report), indent=2, ensure_ascii=False) + "\n"
    (out / "report.json").write_text(text, encoding="utf-8")
    (out / "report.md").write_text(render_markdown(report), encoding="utf-8")
    if grid is not None:
        grid.save(out / "grid.jpg", quality=90)
    if args.publish:
        REPORT_PATH.write_text(text, encoding="utf-8")
    print(render_markdown(report))
    print(f"wrote {out / 'report.json'}, {out / 'report.md'}" + (f", {out / 'grid.jpg'}" if grid else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())

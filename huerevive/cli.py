"""Command line: ``huerevive colorize INPUT... -o OUTDIR`` (also ``python -m huerevive``).

Batch-safe by design: a bad file is reported and skipped, existing outputs are
never overwritten unless asked (so re-running an interrupted batch finishes
it), and each output is written to a temporary name and renamed into place,
so no half-written photo ever carries a final name.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
from collections import defaultdict
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence, TextIO

from PIL import Image

from huerevive.errors import HintError, HueReviveError
from huerevive.hints import Hint, load_hints_file, parse_hint_arg
from huerevive.image_input import DEFAULT_MAX_PIXELS, is_supported_path, load_image
from huerevive.pipeline import MAX_SATURATION, Colorizer
from huerevive.progress import ProgressBar

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
OUTPUT_FORMATS = {"png": ("PNG", ".png"), "jpg": ("JPEG", ".jpg")}
JPEG_QUALITY = 95
TEMP_SUFFIX = ".huerevive-partial"


@dataclass(frozen=True)
class Job:
    """One photo to colorize: where it comes from and where its colour version goes."""

    source: Path
    target: Path


@dataclass
class Tally:
    done: int = 0
    skipped: int = 0
    failed: int = 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for the docs and the tests)."""
    parser = argparse.ArgumentParser(prog="huerevive", description="Bring black-and-white photos back to colour.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    col = commands.add_parser(
        "colorize",
        help="colorize photos and folders of photos",
        description="Colorize photos. Folders are searched recursively for JPEG, PNG, WebP, TIFF, BMP and GIF "
        "files; their sub-folders are kept under OUTDIR. Existing outputs are skipped, so re-running "
        "an interrupted batch finishes it. Exit status: 0 all done, 1 some failed, 2 usage error, 130 interrupted.",
    )
    col.add_argument("inputs", nargs="+", metavar="INPUT", type=Path, help="photo files or folders")
    col.add_argument("-o", "--output", required=True, type=Path, metavar="OUTDIR", help="folder for the results")
    _add_output_options(col)
    col.add_argument("--overwrite", action="store_true", help="replace outputs that already exist")
    col.add_argument(
        "--hint",
        action="append",
        default=[],
        metavar="X,Y,#RRGGBB",
        help="a colour hint for a single photo: this pixel (x from the left, y from the top) has this colour; repeatable",
    )
    col.add_argument(
        "--hints", type=Path, metavar="FILE.json", help='colour hints for a single photo: a JSON list of {"x":..., "y":..., "color": "#rrggbb"}'
    )
    _add_archive_parser(commands)
    return parser


def _add_archive_parser(commands: argparse._SubParsersAction) -> None:
    """``huerevive archive``: see ``huerevive.archive`` (Ray is imported only when it runs)."""
    arc = commands.add_parser(
        "archive",
        help="colorize a whole archive on a Ray cluster: resumable, with a manifest",
        description="Colorize every photo of INPUT with Ray Data: on a local Ray on this machine, or on a cluster "
        "(--address). Outputs keep their path relative to INPUT under OUTDIR; OUTDIR/manifest.jsonl gets one line "
        "per photo; re-running the same command skips what is done. Needs the optional extra: "
        "pip install 'huerevive[archive]'. Exit status: 0 all done, 1 some failed, 2 usage error, 130 interrupted.",
    )
    arc.add_argument(
        "input",
        type=Path,
        metavar="INPUT",
        help="a folder (searched recursively) or a text file with one photo path per line "
        "(relative to the file's folder; '#' starts a comment)",
    )
    arc.add_argument("-o", "--output", required=True, type=Path, metavar="OUTDIR", help="folder for the results and manifest.jsonl")
    arc.add_argument(
        "--workers", type=int, metavar="N", help="colorizer workers (default: one per GPU of the cluster, else one per CPU)"
    )
    arc.add_argument(
        "--address",
        metavar="ADDR",
        help="join this Ray cluster ('auto', host:port or ray://host:10001); default: start a local Ray on this machine",
    )
    _add_output_options(arc)


def _add_output_options(sub: argparse.ArgumentParser) -> None:
    """--format, --saturation and --max-megapixels: the same for ``colorize`` and ``archive``."""
    sub.add_argument(
        "--format", choices=sorted(OUTPUT_FORMATS), default="png", help="output format (png keeps transparency; default png)"
    )
    sub.add_argument("--saturation", type=float, default=1.0, help=f"0 = gray, 1 = model colours (default), up to {MAX_SATURATION:g}")
    sub.add_argument(
        "--max-megapixels",
        type=float,
        default=DEFAULT_MAX_PIXELS / 1e6,
        metavar="N",
        help=f"refuse photos larger than this (default {DEFAULT_MAX_PIXELS / 1e6:g})",
    )


def _is_within(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


def plan_jobs(inputs: Sequence[Path], outdir: Path, suffix: str) -> tuple[list[Job], list[tuple[Path, str]]]:
    """Map inputs to outputs. Returns (jobs, problems) where problems are (input, reason) to report.

    Explicit files go to ``OUTDIR/<stem><suffix>``; files found in a folder keep
    their path relative to that folder. Outputs claimed by more than one input
    are refused for all of them, rather than letting the last one win.
    """
    planned: list[Job] = []
    problems: list[tuple[Path, str]] = []
    for item in inputs:
        if item.is_dir() and _is_within(item, outdir):
            problems.append((item, f"is inside the output folder {outdir}; choose an -o outside it"))
        elif item.is_dir():
            found = sorted(
                p for p in item.rglob("*") if p.is_file() and is_supported_path(p) and not _is_within(p, outdir)
            )
            if not found:
                problems.append((item, "folder has no supported photos"))
            planned += [Job(p, outdir / p.relative_to(item).with_suffix(suffix)) for p in found]
        else:
            # Missing or unreadable files still become jobs: load_image explains what is wrong.
            planned.append(Job(item, outdir / (item.stem + suffix)))
    jobs, clashes = refuse_shared_targets(planned)
    return jobs, problems + clashes


def refuse_shared_targets(planned: Sequence[Job]) -> tuple[list[Job], list[tuple[Path, str]]]:
    """Drop repeats of the same (source, target); refuse every job whose target another source also claims.

    Returns (jobs, problems) like ``plan_jobs``.
    """
    problems: list[tuple[Path, str]] = []
    unique: dict[tuple[Path, Path], Job] = {}
    for job in planned:  # the same file named twice (e.g. alone and via its folder) is done once
        unique.setdefault((job.source.resolve(), job.target), job)
    by_target: defaultdict[Path, list[Job]] = defaultdict(list)
    for job in unique.values():
        by_target[job.target].append(job)
    jobs: list[Job] = []
    for target, claimants in by_target.items():
        if len(claimants) == 1:
            jobs.append(claimants[0])
            continue
        names = ", ".join(str(j.source) for j in claimants)
        for job in claimants:
            problems.append((job.source, f"not written: {names} would all be written to {target}; rename one or run them separately"))
    return jobs, problems


def save_atomically(image: Image.Image, target: Path, pil_format: str) -> None:
    """Write ``image`` to a temporary file beside ``target`` and rename it into place.

    On any interruption (including Ctrl-C) the temporary file is removed, so
    ``target`` is either absent or complete. The file gets the usual
    permissions (0666 less the umask), not mkstemp's private 0600, so a shared
    archive folder stays readable by the people it is shared with.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    temp_name: str | None = None
    try:
        # Not mkstemp: its files are 0600. O_EXCL keeps the name ours; the kernel applies the umask.
        temp_name = str(target.parent / f".{target.name}.{secrets.token_hex(6)}{TEMP_SUFFIX}")
        handle = os.open(temp_name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        with os.fdopen(handle, "wb") as stream:
            if pil_format == "JPEG":
                image.convert("RGB").save(stream, pil_format, quality=JPEG_QUALITY)
            else:
                image.save(stream, pil_format)
        os.replace(temp_name, target)
        temp_name = None
    finally:
        if temp_name is not None:
            with suppress(FileNotFoundError):
                os.unlink(temp_name)


class _Reporter:
    """Problem lines on stderr that do not collide with the progress bar's rewritten line."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.tty = bool(getattr(stream, "isatty", lambda: False)())

    def line(self, text: str) -> None:
        self.stream.write(("\r\x1b[K" if self.tty else "") + text + "\n")
        self.stream.flush()


def run_colorize(args: argparse.Namespace, err: TextIO | None = None, out: TextIO | None = None) -> int:
    """Colorize every planned job, report per file, print a summary; returns the exit status.

    Written outputs are listed on ``out`` (stdout), everything else goes to ``err`` (stderr).
    """
    err = err if err is not None else sys.stderr
    out = out if out is not None else sys.stdout
    pil_format, suffix = OUTPUT_FORMATS[args.format]
    jobs, problems = plan_jobs(args.inputs, args.output, suffix)
    report = _Reporter(err)
    tally = Tally(failed=len(problems))
    for source, reason in problems:
        report.line(f"failed: {source}: {reason}")
    colorizer = None
    bar = ProgressBar(len(jobs), err)
    try:
        for job in jobs:
            if job.target.exists() and not args.overwrite:
                tally.skipped += 1
                report.line(f"skipped, exists: {job.target}")
                bar.update(1, job.source.name)
                continue
            try:
                loaded = load_image(job.source, max_pixels=int(args.max_megapixels * 1e6))
                if colorizer is None:  # first real work: load the model once for the whole run
                    colorizer = Colorizer()
                result = colorizer.colorize_loaded(loaded, args.saturation, getattr(args, "hint_list", None))
                save_atomically(result.image, job.target, pil_format)
            except HueReviveError as exc:
                tally.failed += 1
                report.line(f"failed: {exc}")
            except OSError as exc:  # cannot write the output (disk full, permissions...)
                tally.failed += 1
                report.line(f"failed: {job.source}: cannot write {job.target} ({exc.strerror or exc})")
            else:
                tally.done += 1
                out.write(f"{job.target}\n")
                out.flush()
            bar.update(1, job.source.name)
    except KeyboardInterrupt:
        report.line(
            f"interrupted: {tally.done} done, {tally.skipped} skipped, {tally.failed} failed; "
            "run the same command again to finish (finished photos are skipped)"
        )
        return EXIT_INTERRUPTED
    report.line(f"{tally.done} done, {tally.skipped} skipped (output exists), {tally.failed} failed")
    return EXIT_FAILED if tally.failed else EXIT_OK


def read_hint_options(args: argparse.Namespace) -> list[Hint] | None:
    """The hints of ``--hint`` and ``--hints``, or None when neither was given.

    Raises HintError for a malformed hint, a bad hints file, or hints with
    more than one photo (a hint's pixel means something on one photo only).
    """
    if not args.hint and args.hints is None:
        return None
    if len(args.inputs) != 1 or args.inputs[0].is_dir():
        raise HintError("--hint and --hints apply to a single photo: give exactly one photo file, not a folder")
    hints = [parse_hint_arg(text) for text in args.hint]
    if args.hints is not None:
        hints += load_hints_file(args.hints)
    return hints


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``huerevive`` console script; returns the process exit status."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if not 0.0 <= args.saturation <= MAX_SATURATION:
            parser.error(f"--saturation must be between 0 and {MAX_SATURATION:g}, got {args.saturation:g}")
        if not args.max_megapixels > 0:
            parser.error(f"--max-megapixels must be positive, got {args.max_megapixels:g}")
        if args.output.exists() and not args.output.is_dir():
            parser.error(f"-o {args.output}: exists and is not a folder")
        if args.command == "archive":
            if args.workers is not None and args.workers < 1:
                parser.error(f"--workers must be at least 1, got {args.workers}")
            from huerevive.archive import run_archive  # noqa: PLC0415 - Ray is an optional extra

            return run_archive(args)
        try:
            args.hint_list = read_hint_options(args)
        except HintError as exc:
            parser.error(str(exc))
        return run_colorize(args)
    except KeyboardInterrupt:  # e.g. during start-up, before any output exists
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except SystemExit as exc:  # argparse's usage errors and --help
        if exc.code is None:
            return EXIT_OK
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE

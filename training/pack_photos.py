"""Pack photo folders small: each photo re-encoded as WebP at a smaller size, folders kept.

    python -m training.pack_photos ../shared/photos/train ../shared/photos_more/train --out .kit/photos

For training somewhere the photos must travel to (a rented GPU machine with a
size limit on what it is sent). Each folder is written to
``OUT/<its parent's name>/<its name>``, the photos below it in the same
sub-folders, so ``training/train.py --data OUT/photos/train
OUT/photos_more/train`` sees the same groups (``faces``, ``landscapes``...,
``train``) and, for ``--group-share``, the same root names. Photos held out
from training (``training/holdout.txt``) and files that do not decode are
left behind; nothing is made larger.

Sizes on our training photos (6,400 of them), measured on a sample: long side
384 px at WebP quality 50, about 5.6 KB a photo; quality 70, about 7.8 KB. The
network's input is lightness at crop size and its targets are colour at a
quarter of that, so a modest quality costs less than it would for viewing.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from huerevive.errors import ImageLoadError
from huerevive.image_input import load_image
from training.data import HOLDOUT_FILE, find_photos, read_holdout

MIB = 2**20


@dataclass
class Packed:
    """What one folder's packing wrote and left behind."""

    source: Path
    target: Path
    photos: int
    bytes: int
    held_out: int
    unreadable: int


def packed_bytes(path: Path, long_side: int, quality: int) -> bytes | None:
    """One photo as WebP bytes, its long side at most ``long_side``; None when it does not decode."""
    try:
        rgb = load_image(path).rgb
    except ImageLoadError:
        return None
    image = Image.fromarray(rgb)
    image.thumbnail((long_side, long_side), Image.Resampling.LANCZOS)  # only ever shrinks
    out = io.BytesIO()
    image.save(out, "WEBP", quality=quality, method=6)
    return out.getvalue()


def settings_problem(long_side: int, quality: int) -> str | None:
    """Why a packing size or quality cannot be used, or None."""
    if not 1 <= quality <= 100:
        return f"--quality must be 1-100, got {quality}"
    if long_side < 64:
        return f"--long-side must be at least 64 px (training skips smaller photos), got {long_side}"
    return None


def target_folder(source: Path, out: Path) -> Path:
    """Where ``source`` is packed: ``out/<parent name>/<name>`` (``../shared/photos/train`` -> ``out/photos/train``)."""
    source = source.resolve()
    return out / source.parent.name / source.name


def pack_folder(
    source: Path, out: Path, long_side: int, quality: int, holdout: Sequence[str] = (), workers: int = 0
) -> Packed:
    """Pack every photo under ``source`` into its target folder, which must not exist yet (nothing is overwritten)."""
    target = target_folder(source, out)
    if target.exists() and any(target.iterdir()):
        raise FileExistsError(f"{target} already holds files: remove it or choose another --out (nothing is overwritten)")
    paths = find_photos(source)
    wanted = [p for p in paths if not any(p.stem.startswith(h) for h in holdout)]
    with ThreadPoolExecutor(max_workers=workers or min(16, os.cpu_count() or 1)) as pool:
        encoded = list(pool.map(lambda p: packed_bytes(p, long_side, quality), wanted))
    written = unreadable = 0
    for path, data in zip(wanted, encoded):
        if data is None:
            unreadable += 1
            continue
        dest = target / path.relative_to(source).with_suffix(".webp")
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(data)
        written += len(data)
    return Packed(source, target, len(wanted) - unreadable, written, len(paths) - len(wanted), unreadable)


def folders_problem(folders: Sequence[Path], out: Path) -> str | None:
    """Why ``folders`` cannot be packed into ``out``, or None: each must be a folder, and each needs its own target."""
    missing = [str(f) for f in folders if not f.is_dir()]
    if missing:
        return f"not a folder: {', '.join(missing)}"
    targets = [target_folder(f, out) for f in folders]
    if len(set(targets)) < len(targets):
        return "two folders would be packed to the same place (same parent and name): pack them to separate --out folders"
    return None


def pack_folders(folders: Sequence[Path], out: Path, long_side: int, quality: int, holdout: Sequence[str] = ()) -> int:
    """Pack each folder (``pack_folder``), saying what each gave; returns the bytes written in all."""
    total = 0
    for folder in folders:
        packed = pack_folder(folder, out, long_side, quality, holdout)
        total += packed.bytes
        print(f"{packed.source} -> {packed.target}: {packed.photos} photos, {packed.bytes / MIB:.1f} MiB "
              f"({packed.held_out} held out, {packed.unreadable} unreadable, left behind)")
    return total


def add_packing_options(p: argparse.ArgumentParser, budget_help: str) -> None:
    """The size, quality, holdout and budget options, the same for a folder's packing and a whole kit's."""
    p.add_argument("--long-side", type=int, default=384, help="largest side of a packed photo, px (smaller ones keep theirs)")
    p.add_argument("--quality", type=int, default=50, help="WebP quality, 1-100")
    p.add_argument("--holdout", default=str(HOLDOUT_FILE), help="file of photo stems never to train on (left behind)")
    p.add_argument("--budget-mib", type=float, default=0.0, help=budget_help)


def budget_verdict(total: int, budget_mib: float) -> int:
    """0 when ``total`` bytes fit ``budget_mib`` MiB (0: no budget); else 1, after saying why on stderr."""
    if budget_mib and total > budget_mib * MIB:
        print(f"error: {total / MIB:.1f} MiB is over the budget of {budget_mib:g} MiB: "
              "lower --quality or --long-side (the packed files are kept)", file=sys.stderr)
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("folders", nargs="+", type=Path, help="photo folders to pack (each searched recursively)")
    p.add_argument("--out", type=Path, default=Path(".kit/photos"), help="where the packed folders go")
    add_packing_options(p, "fail if the packed photos come to more than this (0: no limit)")
    args = p.parse_args(argv)
    problem = settings_problem(args.long_side, args.quality) or folders_problem(args.folders, args.out)
    if problem:
        p.error(problem)
    try:
        total = pack_folders(args.folders, args.out, args.long_side, args.quality, read_holdout(args.holdout))
    except FileExistsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"packed: {total / MIB:.1f} MiB in all")
    return budget_verdict(total, args.budget_mib)


if __name__ == "__main__":
    sys.exit(main())

"""Memory over a long run: many consecutive colorizations in one process, RSS printed as it goes.

    .venv/bin/python benchmarks/long_run.py                # 500 runs on 1-2 MP validation photos
    .venv/bin/python benchmarks/long_run.py --count 20 --every 5   # a quick check

A leak shows as RSS still climbing after the warm-up (the first report):
the script prints the growth from there to the end, in total and per 100 runs.
"""

from __future__ import annotations

import argparse
import os
import resource
import shlex
import sys
import time
from pathlib import Path

from PIL import Image

from huerevive.image_input import SUPPORTED_SUFFIXES
from huerevive.pipeline import Colorizer

REPO = Path(__file__).resolve().parent.parent
DEFAULT_PHOTOS = REPO.parent / "shared" / "photos" / "val"


def rss_mb() -> float:
    """Current resident set size in MB (Linux /proc; elsewhere the peak, which is an upper bound)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def photos_between(folder: Path, low_mp: float, high_mp: float) -> list[Path]:
    """Photos in ``folder`` (sorted) whose size is within [low_mp, high_mp] megapixels."""
    chosen = []
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() not in SUPPORTED_SUFFIXES:
            continue
        with Image.open(path) as img:
            if low_mp <= img.width * img.height / 1e6 <= high_mp:
                chosen.append(path)
    return chosen


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=500, help="colorizations to run (default 500)")
    parser.add_argument("--every", type=int, default=50, help="print RSS every N runs (default 50)")
    parser.add_argument("--photos", type=Path, default=DEFAULT_PHOTOS, help=f"folder of photos (default {DEFAULT_PHOTOS})")
    parser.add_argument("--min-mp", type=float, default=1.0, help="smallest photo to use, megapixels (default 1)")
    parser.add_argument("--max-mp", type=float, default=2.0, help="largest photo to use, megapixels (default 2)")
    args = parser.parse_args(argv)
    if args.count < 1 or args.every < 1:
        parser.error("--count and --every must be at least 1")

    print("command:", shlex.join([sys.executable, *sys.argv]))
    photos = photos_between(args.photos, args.min_mp, args.max_mp)
    if not photos:
        parser.error(f"no photos of {args.min_mp}-{args.max_mp} MP in {args.photos}")
    print(f"photos: {len(photos)} of {args.min_mp}-{args.max_mp} MP from {args.photos}, cycled for {args.count} runs")
    print(f"rss before model: {rss_mb():.0f} MB")
    colorizer = Colorizer()
    print(f"rss after model:  {rss_mb():.0f} MB")

    warm: tuple[int, float] | None = None
    start = time.perf_counter()
    for run in range(1, args.count + 1):
        colorizer.colorize(photos[(run - 1) % len(photos)])
        if run % args.every == 0 or run == args.count:
            now = rss_mb()
            print(f"run {run:4d}: rss {now:7.1f} MB, {(time.perf_counter() - start) / run:.2f} s/photo", flush=True)
            if warm is None:
                warm = (run, now)  # the first report is the end of warm-up (allocator pools, caches)
    end = rss_mb()
    elapsed = time.perf_counter() - start
    print(f"total: {args.count} colorizations in {elapsed:.1f} s ({args.count / elapsed:.2f} photos/s)")
    if warm is not None and args.count > warm[0]:
        growth = end - warm[1]
        per_100 = growth / (args.count - warm[0]) * 100
        print(f"rss growth after warm-up (run {warm[0]} -> {args.count}): {growth:+.1f} MB ({per_100:+.2f} MB per 100 runs)")
    else:
        print("rss growth after warm-up: n/a (needs more runs than --every)")
    print(f"peak rss: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

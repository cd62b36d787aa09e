"""The CLI's throughput: images per second for ``huerevive colorize`` on a folder of 1-2 MP photos.

    .venv/bin/python benchmarks/batch_throughput.py              # 20 photos
    .venv/bin/python benchmarks/batch_throughput.py --count 5    # a quick check

Runs the real CLI twice in a subprocess, on 1 photo and on ``--count`` photos
(linked into a temporary folder, never copied into the repo), so it can report
both the end-to-end rate and the steady rate without start-up and model load.
"""

from __future__ import annotations

import argparse
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from long_run import DEFAULT_PHOTOS, REPO, photos_between


def timed_cli(photos: list[Path], workdir: Path, label: str) -> float:
    """Link ``photos`` into a folder, colorize it with the CLI, return the wall time in seconds."""
    folder = workdir / f"in_{label}"
    folder.mkdir()
    for i, photo in enumerate(photos):  # numbered, so cycling the same photo still gives distinct outputs
        (folder / f"{i:04d}_{photo.name}").symlink_to(photo.resolve())
    command = [sys.executable, "-m", "huerevive", "colorize", str(folder), "-o", str(workdir / f"out_{label}")]
    print("command:", shlex.join(command), flush=True)
    start = time.perf_counter()
    proc = subprocess.run(command, cwd=REPO, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"the CLI failed (exit {proc.returncode}):\n{proc.stderr}")
    print("  " + proc.stderr.strip().splitlines()[-1])  # the CLI's own summary line
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=20, help="photos in the timed batch (default 20)")
    parser.add_argument("--photos", type=Path, default=DEFAULT_PHOTOS, help=f"folder of photos (default {DEFAULT_PHOTOS})")
    parser.add_argument("--min-mp", type=float, default=1.0)
    parser.add_argument("--max-mp", type=float, default=2.0)
    args = parser.parse_args(argv)
    if args.count < 2:
        parser.error("--count must be at least 2")
    print("benchmark:", shlex.join([sys.executable, *sys.argv]))
    pool = photos_between(args.photos, args.min_mp, args.max_mp)
    if not pool:
        parser.error(f"no photos of {args.min_mp}-{args.max_mp} MP in {args.photos}")
    batch = [pool[i % len(pool)] for i in range(args.count)]
    print(f"photos: {args.count} ({len(pool)} distinct) of {args.min_mp}-{args.max_mp} MP from {args.photos}")
    with tempfile.TemporaryDirectory(prefix="huerevive-bench-") as tmp:
        one = timed_cli(batch[:1], Path(tmp), "one")
        many = timed_cli(batch, Path(tmp), "many")
    print(f"1 photo:   {one:.1f} s (start-up + model load + 1 photo)")
    print(f"{args.count} photos: {many:.1f} s -> {args.count / many:.2f} images/s end to end")
    steady = (args.count - 1) / max(many - one, 1e-9)
    print(f"steady:    {steady:.2f} images/s ({(many - one) / (args.count - 1):.2f} s/image, start-up excluded)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

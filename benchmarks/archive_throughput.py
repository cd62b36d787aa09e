"""The engine's overhead on one machine: ``huerevive archive`` (Ray, 2 local workers) against ``huerevive colorize``.

    .venv/bin/python benchmarks/archive_throughput.py              # 200 photos of 1-2 MP, 2 workers
    .venv/bin/python benchmarks/archive_throughput.py --count 4    # a quick check

Links ``--count`` photos (cycling through the val photos of 1-2 MP) into a
temporary folder, reads them once so both runs find them cached, then in the
same run times the real command line in subprocesses on the same folder:
``colorize FOLDER`` (one process, torch's default threads) and
``archive FOLDER --workers 2`` (a local Ray started by the command, two
workers of one CPU each). Both times are end to end: start-up, model loads,
every photo. Reports photos/s of each, their ratio and the engine's overhead
(1 - archive/colorize; the aim is at most 15 %), the peak memory of the
colorize process, and the peak memory per archive worker (VmHWM, from the
archive's own summary line).
"""

from __future__ import annotations

import argparse
import re
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from long_run import DEFAULT_PHOTOS, REPO, photos_between

OVERHEAD_AIM = 0.15


def peak_rss_mb(pid: int) -> float | None:
    """VmHWM of a running process in MB, or None once it has gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    line = next((x for x in status.splitlines() if x.startswith("VmHWM:")), None)
    return int(line.split()[1]) / 1024 if line else None


def timed(command: list[str]) -> tuple[float, str, float]:
    """Run ``command``; returns (wall seconds, its stderr, its peak RSS in MB as last seen while it ran)."""
    print("command:", shlex.join(command), flush=True)
    start = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=err)
        peak = 0.0
        while proc.poll() is None:
            peak = max(peak, peak_rss_mb(proc.pid) or 0.0)
            time.sleep(0.2)
        seconds = time.perf_counter() - start
        err.seek(0)
        text = err.read().decode("utf-8", "replace")
    if proc.returncode != 0:
        sys.exit(f"the command failed (exit {proc.returncode}):\n{text}")
    print("  " + text.strip().splitlines()[-1], flush=True)  # the command's own summary line
    return seconds, text, peak


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=200, help="photos in the batch (default 200)")
    parser.add_argument("--workers", type=int, default=2, help="archive workers (default 2)")
    parser.add_argument("--photos", type=Path, default=DEFAULT_PHOTOS, help=f"folder of photos (default {DEFAULT_PHOTOS})")
    parser.add_argument("--min-mp", type=float, default=1.0)
    parser.add_argument("--max-mp", type=float, default=2.0)
    args = parser.parse_args(argv)
    if args.count < 1 or args.workers < 1:
        parser.error("--count and --workers must be at least 1")
    print("benchmark:", shlex.join([sys.executable, *sys.argv]))
    pool = photos_between(args.photos, args.min_mp, args.max_mp)
    if not pool:
        parser.error(f"no photos of {args.min_mp}-{args.max_mp} MP in {args.photos}")
    batch = [pool[i % len(pool)] for i in range(args.count)]
    print(f"photos: {args.count} ({len(pool)} distinct) of {args.min_mp}-{args.max_mp} MP from {args.photos}")
    for photo in set(batch):  # into the page cache, so neither run pays for the first read
        photo.read_bytes()
    with tempfile.TemporaryDirectory(prefix="huerevive-bench-") as tmp:
        folder = Path(tmp) / "in"
        folder.mkdir()
        for i, photo in enumerate(batch):  # numbered, so cycling the same photo still gives distinct outputs
            (folder / f"{i:04d}_{photo.name}").symlink_to(photo.resolve())
        cli = [sys.executable, "-m", "huerevive"]
        col_s, _, col_peak = timed([*cli, "colorize", str(folder), "-o", str(Path(tmp) / "out_colorize")])
        arc_cmd = [*cli, "archive", str(folder), "-o", str(Path(tmp) / "out_archive"), "--workers", str(args.workers)]
        arc_s, arc_err, driver_peak = timed(arc_cmd)
    col_rate, arc_rate = args.count / col_s, args.count / arc_s
    worker_peak = re.search(r"peak memory per worker (\d+) MB", arc_err)
    print(f"colorize: {args.count} photos in {col_s:.1f} s -> {col_rate:.2f} photos/s; peak RSS {col_peak:.0f} MB")
    print(
        f"archive:  {args.count} photos in {arc_s:.1f} s -> {arc_rate:.2f} photos/s with {args.workers} local workers; "
        f"peak memory per worker {worker_peak.group(1) if worker_peak else '?'} MB, driver {driver_peak:.0f} MB"
    )
    overhead = 1 - arc_rate / col_rate
    verdict = "within" if overhead <= OVERHEAD_AIM else "above"
    print(
        f"archive / colorize: {arc_rate / col_rate:.3f} -> engine overhead {overhead:+.1%} "
        f"({verdict} the aim of at most {OVERHEAD_AIM:.0%})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

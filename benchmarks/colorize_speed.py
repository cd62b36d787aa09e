"""Speed and memory of the colorization engine on the CPU.

    .venv/bin/python benchmarks/colorize_speed.py [--megapixels 12] [--repeats 3] [--baseline-model FILE]

Prints, all measured in this one process (ratios are what to quote; absolute
times depend on the machine's load):
1. end-to-end ``colorize`` on a 12-megapixel photo, and its peak memory (a
   fresh child process, so the figure is not polluted by the other steps);
2. scikit-image's rgb2lab + lab2rgb at the same size (the colour maths alone);
3. network forward at the working resolution next to the 54-M-parameter
   pix2pix U-Net of the original prototype;
4. end-to-end with test-time flip averaging switched the other way than the
   shipped weights have it (what the flip costs), and the same for the
   coarser second look (``context_size``: off, or 288 px if shipped off) and
   the neutral fade (off, or 0.5 if shipped off), runs alternated with the
   shipped pipeline's;
5. with ``--baseline-model FILE`` (e.g. the previously shipped weights):
   end-to-end with that file and with the shipped one, runs alternated, so
   the ratio says what the change of weights or decoding costs.
"""

from __future__ import annotations

import argparse
import copy
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import torch
from PIL import Image

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # benchmarks are run as scripts from a checkout

from benchmarks.pix2pix_unet import pix2pix_unet  # noqa: E402
from huerevive.model_loading import load_model, model_version  # noqa: E402
from huerevive.pipeline import Colorizer, working_shape  # noqa: E402


def test_photo(megapixels: float) -> np.ndarray:
    """A real photo (scikit-image's astronaut, made gray) resized to ``megapixels`` at 4:3."""
    from skimage import data

    width = int((megapixels * 1e6 * 4 / 3) ** 0.5)
    height = int(width * 3 / 4)
    img = Image.fromarray(data.astronaut()).convert("L").resize((width, height), Image.BICUBIC)
    return np.asarray(img.convert("RGB"))


def timed(fn, repeats: int) -> list[float]:
    out = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def peak_memory_child(megapixels: float) -> dict:
    """Peak RSS of a fresh process that loads the model and colorizes once."""
    # VmHWM, not ru_maxrss: a child inherits its parent's ru_maxrss across fork.
    code = (
        "import sys, json; sys.path.insert(0, %r)\n"
        "hwm = lambda: int([l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1])\n"
        "from benchmarks.colorize_speed import test_photo\n"
        "from huerevive.pipeline import Colorizer\n"
        "img = test_photo(%r); c = Colorizer(); c.colorize(img[:64, :64])\n"
        "before = hwm()\n"
        "c.colorize(img)\n"
        "after = hwm()\n"
        "print(json.dumps({'rss_before_mb': before / 1024, 'peak_rss_mb': after / 1024}))\n"
    ) % (str(REPO), megapixels)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def alternated(first: Colorizer, second: Colorizer, photo: np.ndarray, repeats: int) -> tuple[float, float]:
    """Median end-to-end seconds of two pipelines on ``photo``, their runs alternated so that load drifts cancel."""
    first_times: list[float] = []
    second_times: list[float] = []
    for _ in range(repeats):
        first_times += timed(lambda: first.colorize(photo), 1)
        second_times += timed(lambda: second.colorize(photo), 1)
    return statistics.median(first_times), statistics.median(second_times)


def setting_cost(colorizer: Colorizer, photo: np.ndarray, repeats: int, label: str, field: str,
                 other: bool | float) -> None:
    """End to end with one decoding setting switched from the shipped value to ``other`` (runs alternated with the
    shipped pipeline's): what the setting costs."""
    toggled = copy.deepcopy(colorizer.model)
    setattr(toggled.config, field, other)
    switched = Colorizer(toggled)
    switched.colorize(photo[:256, :256])
    shipped_time, other_time = alternated(colorizer, switched, photo, repeats)
    shipped = getattr(colorizer.model.config, field)
    on, off = (shipped_time, other_time) if shipped else (other_time, shipped_time)
    print(
        f"{label} (shipped {shipped}, compared with {other}; runs alternated): with {on:.2f} s, "
        f"without {off:.2f} s -> it costs {on / off:.2f}x end to end"
    )


def baseline_cost(colorizer: Colorizer, photo: np.ndarray, repeats: int, path: str) -> None:
    """End to end with the weights file at ``path`` and with the shipped one, alternating so load drifts cancel."""
    baseline = Colorizer(load_model(path))
    baseline.colorize(photo[:256, :256])
    shipped, other = alternated(colorizer, baseline, photo, repeats)
    print(
        f"against {path} ({model_version(baseline.model)}): shipped {shipped:.2f} s, baseline {other:.2f} s "
        f"-> the shipped weights take {shipped / other:.2f}x its time"
    )


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--megapixels", type=float, default=12.0)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--baseline-model", default=None, help="another weights file to time against the shipped one")
    args = p.parse_args()
    print(f"command: {' '.join(sys.argv)}")
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}")
    photo = test_photo(args.megapixels)
    height, width = photo.shape[:2]
    print(f"photo: {width}x{height} = {width * height / 1e6:.1f} MP")

    colorizer = Colorizer()
    colorizer.colorize(photo[:256, :256])  # warm-up
    e2e = timed(lambda: colorizer.colorize(photo), args.repeats)
    print(f"end-to-end colorize: median {statistics.median(e2e):.2f} s (runs: {', '.join(f'{t:.2f}' for t in e2e)})")

    from skimage import color as skcolor

    sk = timed(lambda: skcolor.lab2rgb(skcolor.rgb2lab(photo)), 1)
    print(f"scikit-image rgb2lab + lab2rgb alone: {sk[0]:.2f} s  -> colorize is {sk[0] / statistics.median(e2e):.1f}x faster than that")

    mem = peak_memory_child(args.megapixels)
    print(f"peak RSS of a fresh process colorizing once: {mem['peak_rss_mb']:.0f} MB (after model load: {mem['rss_before_mb']:.0f} MB)")

    work_h, work_w = working_shape(height, width, colorizer.model.config.working_size)
    ours = colorizer.model
    proto = pix2pix_unet().eval()
    n_ours = sum(p.numel() for p in ours.parameters()) / 1e6
    n_proto = sum(p.numel() for p in proto.parameters()) / 1e6
    with torch.inference_mode():
        l_work = torch.rand(1, 1, work_h, work_w) * 100
        ours(l_work)
        t_ours = timed(lambda: ours(l_work), args.repeats)
        side = 256 * max(1, round(max(work_h, work_w) / 256))
        x_proto = torch.rand(1, 1, side, side)
        proto(x_proto)
        t_proto = timed(lambda: proto(x_proto), args.repeats)
    print(
        f"network forward: ours ({n_ours:.1f} M params) at {work_w}x{work_h}: {statistics.median(t_ours) * 1000:.0f} ms; "
        f"pix2pix U-Net ({n_proto:.1f} M params) at {side}x{side}: {statistics.median(t_proto) * 1000:.0f} ms "
        f"-> ours {statistics.median(t_proto) / statistics.median(t_ours):.1f}x faster"
    )
    shipped = colorizer.model.config
    setting_cost(colorizer, photo, args.repeats, "flip averaging", "flip_average", not shipped.flip_average)
    setting_cost(colorizer, photo, args.repeats, "coarser look", "context_size", 0 if shipped.context_size else 288)
    setting_cost(colorizer, photo, args.repeats, "neutral fade", "neutral_fade", 0.0 if shipped.neutral_fade else 0.5)
    if args.baseline_model:
        baseline_cost(colorizer, photo, args.repeats, args.baseline_model)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"(this benchmark process peaked at {peak:.0f} MB)")


if __name__ == "__main__":
    main()

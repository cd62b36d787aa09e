"""How fast the site shows the result after a visitor adds a colour hint ("fix a colour").

    .venv/bin/python benchmarks/hint_update_speed.py [--megapixels 2] [--repeats 7] [--threads 2]

All in this one process, on a 2-megapixel photo (4:3):
1. ``Colorizer.prepare`` once (L and the encoder's features; hint-independent);
2. after each new hint, ``colorize_prepared(..., max_side=DISPLAY_MAX_SIDE)``
   (the preview the site shows), plus what the page adds per tap (markers
   drawn on the preview, JPEG for the clickable photo): median of ``--repeats``
   hints, each added to the ones before;
3. the full ``colorize_loaded(..., hints)`` for the same hints (prepare and
   full resolution every time): what each hint would cost without the reuse;
4. the preview of (2) again with the spreading step switched off
   (``spread_tau = 0``): what spreading hints over look-alike pixels costs.
Target: the preview (2) within 0.5 s on 2 cores.

Weights without a hint branch get an untrained one added for timing (the work
is the same; the colours are not).
"""

from __future__ import annotations

import argparse
import copy
import io
import logging
import random
import statistics
import sys
import time
from pathlib import Path

import torch

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # benchmarks are run as scripts from a checkout

from benchmarks.colorize_speed import test_photo  # noqa: E402
from huerevive.hints import Hint  # noqa: E402
from huerevive.image_input import load_image  # noqa: E402
from huerevive.model_loading import DEFAULT_WEIGHTS, model_from_checkpoint, read_checkpoint  # noqa: E402
from huerevive.pipeline import Colorizer  # noqa: E402
from ui.comparison import DISPLAY_MAX_SIDE  # noqa: E402
from ui.hint_picker import PREVIEW_JPEG_QUALITY, HintState, PlacedHint, with_markers  # noqa: E402

TARGET_SECONDS = 0.5
# Importing the site's modules outside `streamlit run` makes Streamlit warn once about "bare mode": expected here.
logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").setLevel(logging.ERROR)


def hint_model(path: Path) -> tuple[torch.nn.Module, bool]:
    """The weights at ``path`` with a hint branch (added untrained when missing); True if it was added."""
    ckpt = read_checkpoint(path)
    model = model_from_checkpoint(ckpt, add_hint_branch=True).eval()
    model.requires_grad_(False)
    return model, not ckpt["config"].get("hint_branch", False)


def random_hints(count: int, width: int, height: int, seed: int = 0) -> list[Hint]:
    """``count`` hints at random points and colours (reproducible)."""
    rng = random.Random(seed)
    return [Hint(rng.uniform(0, width - 1), rng.uniform(0, height - 1), tuple(rng.randrange(256) for _ in range(3)))
            for _ in range(count)]


def page_extras(preview, hints: list[Hint], size: tuple[int, int]) -> None:  # noqa: ANN001
    """What the page adds per tap: markers on the preview and the JPEG the clickable photo is sent as."""
    state = HintState("bench", tuple(PlacedHint(i, h) for i, h in enumerate(hints, start=1)), chosen=len(hints))
    with_markers(preview, state, size).save(io.BytesIO(), "JPEG", quality=PREVIEW_JPEG_QUALITY)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--megapixels", type=float, default=2.0)
    p.add_argument("--repeats", type=int, default=7, help="hints added one after another (median of these)")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--weights", type=Path, default=DEFAULT_WEIGHTS)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    print(f"command: {' '.join(sys.argv)}")
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}")

    model, added = hint_model(args.weights)
    print(f"weights: {args.weights}" + (" (no hint branch: an untrained one was added for timing)" if added else ""))
    colorizer = Colorizer(model)
    loaded = load_image(_png(test_photo(args.megapixels)))
    height, width = loaded.rgb.shape[:2]
    print(f"photo: {width}x{height} = {width * height / 1e6:.1f} MP; display size {DISPLAY_MAX_SIDE} px")
    hints = random_hints(args.repeats, width, height)

    colorizer.colorize_prepared(colorizer.prepare(loaded), 1.0, hints[:1], max_side=DISPLAY_MAX_SIDE)  # warm-up
    start = time.perf_counter()
    prepared = colorizer.prepare(loaded)
    prepare_s = time.perf_counter() - start

    no_spread = copy.deepcopy(model)
    no_spread.config.spread_tau = 0.0
    plain = Colorizer(no_spread)
    preview_s, extras_s, full_s, plain_s = [], [], [], []
    for n in range(1, args.repeats + 1):
        start = time.perf_counter()
        preview = colorizer.colorize_prepared(prepared, 1.0, hints[:n], max_side=DISPLAY_MAX_SIDE).image
        preview_s.append(time.perf_counter() - start)
        start = time.perf_counter()
        page_extras(preview, hints[:n], (width, height))
        extras_s.append(time.perf_counter() - start)
        start = time.perf_counter()
        colorizer.colorize_loaded(loaded, 1.0, hints[:n])
        full_s.append(time.perf_counter() - start)
        start = time.perf_counter()
        plain.colorize_prepared(prepared, 1.0, hints[:n], max_side=DISPLAY_MAX_SIDE)
        plain_s.append(time.perf_counter() - start)

    med = statistics.median
    shown = med(p + e for p, e in zip(preview_s, extras_s))
    print(f"prepare (once per photo): {prepare_s:.3f} s")
    print(f"new hint -> preview at display size: median {med(preview_s):.3f} s "
          f"(runs: {', '.join(f'{t:.3f}' for t in preview_s)})")
    print(f"  + page extras (markers, JPEG): median {med(extras_s):.3f} s -> {shown:.3f} s in all "
          f"({'within' if shown <= TARGET_SECONDS else 'OVER'} the {TARGET_SECONDS} s target)")
    print(f"full colorize_loaded with the same hints: median {med(full_s):.3f} s "
          f"-> the preview is {med(full_s) / med(preview_s):.1f}x faster")
    print(f"the preview without spreading hints: median {med(plain_s):.3f} s "
          f"-> spreading costs {med(preview_s) / med(plain_s):.2f}x")


def _png(rgb) -> bytes:  # noqa: ANN001 - a numpy RGB array
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, "PNG")
    return buf.getvalue()


if __name__ == "__main__":
    main()

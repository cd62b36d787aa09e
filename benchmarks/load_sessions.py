"""Load test: N visitors colorizing at once against ONE `streamlit run` server on localhost.

Each visitor is its own headless-Chromium context (its own Streamlit session)
and uploads a DIFFERENT photo. For every session we check that it got ITS OWN
result: the downloaded full-size PNG has that photo's size and that photo's
lightness (the pipeline keeps the original L channel, so another visitor's
result cannot match). Prints, per N: sessions held, latency p50/p90/max, and
the server's peak RSS.

    .venv/bin/python benchmarks/load_sessions.py                 # N = 1, 4, 8
    .venv/bin/python benchmarks/load_sessions.py --sessions 1 2  # a small run
"""

from __future__ import annotations

import argparse
import asyncio
import io
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from browser_support import CHROMIUM, CHROMIUM_ARGS, Server, streamlit_server  # noqa: E402

COMPARISON_BEFORE = '[data-testid="hr-comparison"] img.hr-before'
UPLOAD_INPUT = '[data-testid="stFileUploaderDropzoneInput"]'
L_TOLERANCE = 1.0  # mean |CIE L difference|; the pipeline keeps L, another photo is far above this


@dataclass
class SessionResult:
    photo: Path
    seconds: float
    own_result: bool
    detail: str
    still_shown: bool = False


def lightness_error(result_png: bytes, photo: Path) -> float | None:
    """Mean |L(result) - L(photo)| in CIE L units, or None when the sizes differ (not this photo's result).

    CIE lightness, not PIL's "L" (Rec. 601 luma): the pipeline keeps CIE L
    exactly, while luma also depends on the colours it adds.
    """
    from skimage.color import rgb2lab

    result = np.asarray(Image.open(io.BytesIO(result_png)).convert("RGB"))
    with Image.open(photo) as img:
        original = np.asarray(img.convert("RGB"))
    if result.shape != original.shape:
        return None
    return float(np.abs(rgb2lab(result)[..., 0] - rgb2lab(original)[..., 0]).mean())


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    ordered = sorted(values)
    rank = max(1, int(np.ceil(q / 100 * len(ordered))))
    return ordered[rank - 1]


class RssSampler:
    """Samples the server's resident memory every 0.2 s in a background thread."""

    def __init__(self, server: Server) -> None:
        self.server, self.peak, self._stop = server, 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.server.rss_bytes())
            self._stop.wait(0.2)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


class Barrier:
    """Lets every session stay open until all have finished (failed ones count as finished)."""

    def __init__(self, parties: int) -> None:
        self.remaining, self.event = parties, asyncio.Event()

    def arrive(self) -> None:
        self.remaining -= 1
        if self.remaining <= 0:
            self.event.set()


async def one_session(browser, server: Server, photo: Path, timeout_ms: float, barrier: Barrier) -> SessionResult:  # noqa: ANN001
    """One visitor: open the page, upload ``photo``, wait for the result, download it, check it is theirs."""
    context = await browser.new_context(viewport={"width": 1200, "height": 1000}, accept_downloads=True)
    arrived = False
    try:
        page = await context.new_page()
        await page.goto(f"{server.url}/colorize")
        await page.wait_for_selector(UPLOAD_INPUT, state="attached", timeout=timeout_ms)
        start = time.perf_counter()
        await page.locator(UPLOAD_INPUT).set_input_files(str(photo))
        await page.wait_for_selector(COMPARISON_BEFORE, timeout=timeout_ms)
        seconds = time.perf_counter() - start
        async with page.expect_download(timeout=timeout_ms) as info:
            await page.locator('[data-testid="stDownloadButton"] button').click()
        download = await info.value
        error = lightness_error(Path(await download.path()).read_bytes(), photo)
        own = error is not None and error <= L_TOLERANCE
        detail = "size differs from its photo" if error is None else f"mean |dL| = {error:.2f}"
        result = SessionResult(photo, seconds, own, detail)
        barrier.arrive()
        arrived = True
        await barrier.event.wait()  # all sessions are open at once here: is each still showing its result?
        result.still_shown = await page.locator(COMPARISON_BEFORE).count() == 1
        return result
    finally:
        if not arrived:
            barrier.arrive()
        await context.close()


async def run_level(server: Server, photos: list[Path], timeout_ms: float) -> list[SessionResult | BaseException]:
    """Run ``len(photos)`` sessions at once in one headless Chromium."""
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            barrier = Barrier(len(photos))
            return await asyncio.gather(
                *(one_session(browser, server, p, timeout_ms, barrier) for p in photos), return_exceptions=True
            )
        finally:
            await browser.close()


def pick_photos(folder: Path, count: int) -> list[Path]:
    """``count`` different photos of different sizes, so a mixed-up result cannot pass."""
    chosen, sizes = [], set()
    for path in sorted(folder.glob("*")):
        if path.suffix.lower() not in {".jpg", ".jpeg", ".png", ".webp"}:
            continue
        with Image.open(path) as img:
            if img.size in sizes:
                continue
            sizes.add(img.size)
        chosen.append(path)
        if len(chosen) == count:
            return chosen
    raise SystemExit(f"need {count} photos of distinct sizes in {folder}, found {len(chosen)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, nargs="+", default=[1, 4, 8], help="concurrent sessions per round")
    parser.add_argument("--photos", type=Path, default=REPO.parent / "shared" / "photos" / "val")
    parser.add_argument("--timeout", type=float, default=600, help="seconds one session may take")
    args = parser.parse_args(argv)
    if not CHROMIUM.is_file():
        raise SystemExit(f"Chromium not found at {CHROMIUM} (apt-get install -y chromium)")
    photos = pick_photos(args.photos, max(args.sessions))

    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        env = {"HUEREVIVE_CACHE_DIR": str(Path(tmp) / "cache"), "HUEREVIVE_KIOSK": ""}
        with streamlit_server(Path(tmp) / "logs", env=env) as server:
            print(f"server {server.url} pid {server.process.pid}; photos from {args.photos}", flush=True)
            print(f"{'N':>3} {'held':>6} {'own':>6} {'p50 s':>7} {'p90 s':>7} {'max s':>7} {'peak RSS MB':>12}", flush=True)
            for n in args.sessions:
                with RssSampler(server) as rss:
                    results = asyncio.run(run_level(server, photos[:n], args.timeout * 1000))
                failures = [r for r in results if isinstance(r, BaseException)]
                good = [r for r in results if isinstance(r, SessionResult)]
                own = sum(r.own_result for r in good)
                held = sum(r.still_shown for r in good)
                lat = [r.seconds for r in good] or [float("nan")]
                print(f"{n:>3} {held:>3}/{n:<2} {own:>3}/{n:<2} {statistics.median(lat):>7.1f} "
                      f"{percentile(lat, 90):>7.1f} {max(lat):>7.1f} {rss.peak / 2**20:>12.0f}", flush=True)
                for r in good:
                    if not r.own_result or not r.still_shown:
                        print(f"    PROBLEM {r.photo.name}: {r.detail}, still shown: {r.still_shown}", flush=True)
                for exc in failures:
                    print(f"    SESSION FAILED: {type(exc).__name__}: {exc}", flush=True)
                ok = ok and not failures and own == n and held == n
            print(f"server peak RSS over the whole run (VmHWM): {server.peak_rss_bytes() / 2**20:.0f} MB", flush=True)
    print("OK: every session got its own result" if ok else "FAILED: see problems above", flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

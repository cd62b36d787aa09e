"""One Colorizer shared by several threads (as the Streamlit site does) gives the serial results."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

pytestmark = pytest.mark.slow

THREADS = 4


@pytest.fixture(scope="module")
def photos(photos_dir: Path) -> list[Path]:
    chosen = sorted((photos_dir / "val").glob("*.jpg"))[:THREADS]
    assert len(chosen) == THREADS
    return chosen


def test_parallel_calls_match_serial_calls(colorizer, photos: list[Path]) -> None:
    serial = [np.asarray(colorizer.colorize(p)) for p in photos]
    start_together = threading.Barrier(THREADS)

    def work(path: Path) -> np.ndarray:
        start_together.wait(timeout=60)  # all four really inside colorize at the same time
        return np.asarray(colorizer.colorize(path))

    for _ in range(2):  # twice, so a race that only sometimes bites has two chances
        with ThreadPoolExecutor(THREADS) as pool:
            parallel = list(pool.map(work, photos))
        for path, alone, together in zip(photos, serial, parallel):
            assert together.shape == alone.shape, path.name
            np.testing.assert_array_equal(together, alone, err_msg=path.name)
    # Different photos must give different outputs, or the comparison above proves nothing.
    assert len({a.shape for a in serial}) > 1 or not np.array_equal(serial[0], serial[1])


def test_parallel_calls_with_different_saturations(colorizer, photos: list[Path]) -> None:
    """Per-call settings must not leak between threads."""
    saturations = [0.0, 0.5, 1.0, 2.0]
    photo = photos[0]
    serial = [np.asarray(colorizer.colorize(photo, saturation=s)) for s in saturations]
    start_together = threading.Barrier(THREADS)

    def work(saturation: float) -> np.ndarray:
        start_together.wait(timeout=60)
        return np.asarray(colorizer.colorize(photo, saturation=saturation))

    with ThreadPoolExecutor(THREADS) as pool:
        parallel = list(pool.map(work, saturations))
    for saturation, alone, together in zip(saturations, serial, parallel):
        np.testing.assert_array_equal(together, alone, err_msg=f"saturation {saturation}")

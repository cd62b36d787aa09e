"""The on-disk cache of colorized gallery photos: hits, misses, versions, corruption, concurrency."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from huerevive.result_cache import ResultCache, default_cache_dir, saturation_key
from conftest import REPO


def _photo(path: Path, seed: int = 0) -> Path:
    rng = np.random.default_rng(seed)
    Image.fromarray(rng.integers(0, 256, (12, 16), dtype=np.uint8), "L").save(path)
    return path


class Counter:
    """A compute function that records how often it runs and returns a distinct image each time."""

    def __init__(self, delay: float = 0.0) -> None:
        self.calls = 0
        self.delay = delay
        self._lock = threading.Lock()

    def __call__(self) -> Image.Image:
        with self._lock:
            self.calls += 1
            n = self.calls
        time.sleep(self.delay)
        rng = np.random.default_rng(n)
        return Image.fromarray(rng.integers(0, 256, (12, 16, 3), dtype=np.uint8), "RGB")


def _pixels(img: Image.Image) -> np.ndarray:
    return np.asarray(img.convert("RGB"))


def _leftovers(cache: ResultCache) -> list[Path]:
    return [p for p in cache.cache_dir.rglob("*") if p.name.endswith(".tmp")]


def test_miss_then_hit_returns_the_stored_pixels(tmp_path: Path) -> None:
    photo = _photo(tmp_path / "p.png")
    cache = ResultCache(tmp_path / "cache", "v1")
    compute = Counter()
    first = cache.get_or_compute(photo, 1.0, compute)
    second = cache.get_or_compute(photo, 1.0, compute)
    assert compute.calls == 1
    assert np.array_equal(_pixels(first), _pixels(second))
    entry = cache.entry_path(photo, 1.0)
    assert entry.is_file() and entry.suffix == ".png"
    with Image.open(entry) as stored:
        assert np.array_equal(_pixels(stored), _pixels(first))
    assert _leftovers(cache) == []


def test_key_is_file_bytes_and_rounded_saturation(tmp_path: Path) -> None:
    photo = _photo(tmp_path / "p.png")
    copy = tmp_path / "copy.png"
    copy.write_bytes(photo.read_bytes())
    other = _photo(tmp_path / "other.png", seed=1)
    cache = ResultCache(tmp_path / "cache", "v1")
    compute = Counter()
    cache.get_or_compute(photo, 1.0, compute)
    cache.get_or_compute(copy, 1.004, compute)  # same bytes, same saturation after rounding: a hit
    assert compute.calls == 1
    cache.get_or_compute(photo, 1.01, compute)
    assert compute.calls == 2
    cache.get_or_compute(other, 1.0, compute)
    assert compute.calls == 3
    _photo(photo, seed=2)  # the file changed on disk: its old result must not be served
    cache.get_or_compute(photo, 1.0, compute)
    assert compute.calls == 4


def test_saturation_key() -> None:
    assert saturation_key(1) == "1.00"
    assert saturation_key(0.004) == saturation_key(0.0) == "0.00"
    assert saturation_key(0.006) == "0.01"
    assert saturation_key(-0.0) == "0.00"
    assert saturation_key(1.999) == "2.00"
    with pytest.raises(ValueError, match="finite"):
        saturation_key(float("nan"))


def test_model_version_change_recomputes(tmp_path: Path) -> None:
    photo = _photo(tmp_path / "p.png")
    compute = Counter()
    old = ResultCache(tmp_path / "cache", "2024-01 early")
    new = ResultCache(tmp_path / "cache", "2024-03 final")
    a = old.get_or_compute(photo, 1.0, compute)
    b = new.get_or_compute(photo, 1.0, compute)
    assert compute.calls == 2
    assert not np.array_equal(_pixels(a), _pixels(b))
    assert old.entry_path(photo, 1.0) != new.entry_path(photo, 1.0)
    assert np.array_equal(_pixels(old.get_or_compute(photo, 1.0, compute)), _pixels(a))
    assert compute.calls == 2


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda p: p.write_bytes(b"not a png at all"), id="garbage"),
        pytest.param(lambda p: p.write_bytes(p.read_bytes()[:60]), id="truncated"),
        pytest.param(lambda p: p.write_bytes(b""), id="empty"),
    ],
)
def test_corrupt_entry_is_recomputed(tmp_path: Path, damage) -> None:
    photo = _photo(tmp_path / "p.png")
    cache = ResultCache(tmp_path / "cache", "v1")
    compute = Counter()
    cache.get_or_compute(photo, 1.0, compute)
    entry = cache.entry_path(photo, 1.0)
    damage(entry)
    again = cache.get_or_compute(photo, 1.0, compute)
    assert compute.calls == 2
    with Image.open(entry) as stored:  # the repaired entry is on disk
        assert np.array_equal(_pixels(stored), _pixels(again))
    assert _leftovers(cache) == []


def test_failed_compute_stores_nothing(tmp_path: Path) -> None:
    photo = _photo(tmp_path / "p.png")
    cache = ResultCache(tmp_path / "cache", "v1")

    def boom() -> Image.Image:
        raise RuntimeError("model crashed")

    with pytest.raises(RuntimeError, match="model crashed"):
        cache.get_or_compute(photo, 1.0, boom)
    with pytest.raises(TypeError, match="must return a PIL image"):
        cache.get_or_compute(photo, 1.0, lambda: np.zeros((2, 2, 3), np.uint8))  # type: ignore[arg-type, return-value]
    assert not cache.entry_path(photo, 1.0).exists()
    assert _leftovers(cache) == []
    assert cache.get_or_compute(photo, 1.0, Counter()) is not None  # and a later success works


def test_unreadable_photo_raises(tmp_path: Path) -> None:
    cache = ResultCache(tmp_path / "cache", "v1")
    with pytest.raises(FileNotFoundError):
        cache.get_or_compute(tmp_path / "missing.png", 1.0, Counter())


def test_concurrent_threads_compute_once(tmp_path: Path) -> None:
    photo = _photo(tmp_path / "p.png")
    cache = ResultCache(tmp_path / "cache", "v1")
    compute = Counter(delay=0.3)
    results: list[np.ndarray] = []
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def ask() -> None:
        try:
            start.wait()
            results.append(_pixels(cache.get_or_compute(photo, 1.0, compute)))
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert errors == []
    assert compute.calls == 1
    assert len(results) == 8 and all(np.array_equal(r, results[0]) for r in results)
    assert _leftovers(cache) == []


_WORKER = """
import sys, time, os
from pathlib import Path
from PIL import Image
from huerevive.result_cache import ResultCache
cache_dir, photo, marker_dir, go_at = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]), float(sys.argv[4])
def compute():
    (marker_dir / f"computed-{os.getpid()}").touch()
    time.sleep(1.0)
    return Image.new("RGB", (16, 12), (os.getpid() % 256, 10, 20))
while time.time() < go_at:
    time.sleep(0.01)
img = ResultCache(cache_dir, "v1").get_or_compute(photo, 1.0, compute)
print(img.getpixel((0, 0)))
"""


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="cross-process locking uses flock")
def test_concurrent_processes_compute_once(tmp_path: Path) -> None:
    photo = _photo(tmp_path / "p.png")
    markers = tmp_path / "markers"
    markers.mkdir()
    go_at = time.time() + 6.0  # both workers have imported everything by then, then start together
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _WORKER, str(tmp_path / "cache"), str(photo), str(markers), str(go_at)],
            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), outputs
    assert len(list(markers.iterdir())) == 1
    assert outputs[0][0] == outputs[1][0]  # both processes got the one stored result
    assert [p for p in (tmp_path / "cache").rglob("*.tmp")] == []


def test_default_cache_dir_from_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HUEREVIVE_CACHE_DIR", str(tmp_path / "kiosk"))
    assert default_cache_dir() == tmp_path / "kiosk"
    assert ResultCache(model_version="v1").cache_dir == tmp_path / "kiosk"
    monkeypatch.delenv("HUEREVIVE_CACHE_DIR")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_cache_dir() == tmp_path / "home" / ".cache" / "huerevive"


def test_model_version_is_required(tmp_path: Path) -> None:
    with pytest.raises(TypeError, match="model_version must be a non-empty str"):
        ResultCache(tmp_path)
    with pytest.raises(TypeError, match="model_version"):
        ResultCache(tmp_path, "")


@pytest.mark.slow
def test_real_model_result_is_cached_exactly(tmp_path: Path, colorizer) -> None:
    """The shipped model on a real gallery photo: the cached PNG holds exactly what the model returned."""
    from huerevive.model_loading import model_version

    photo = REPO / "gallery" / "default" / "historical" / "genthe-street-of-shops.jpg"
    cache = ResultCache(tmp_path / "cache", model_version(colorizer.model))
    calls = []

    def compute() -> Image.Image:
        calls.append(1)
        return colorizer.colorize(photo, saturation=1.2)

    first = cache.get_or_compute(photo, 1.2, compute)
    second = cache.get_or_compute(photo, 1.2, compute)
    assert len(calls) == 1
    assert first.size == second.size == Image.open(photo).size
    assert np.array_equal(_pixels(first), _pixels(second))
    rgb = _pixels(second).astype(int)
    assert np.abs(rgb[..., 0] - rgb[..., 2]).mean() > 1.0  # it really is a colour result, not the gray input

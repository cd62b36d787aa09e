"""On-disk cache of colorized GALLERY photos, per model version, so a kiosk never waits twice.

Only for the curated gallery photos that already sit on disk. Visitors'
uploads must never go through this cache: they are never written to disk and
never kept after the session.

Layout: ``<cache_dir>/gallery/<model-version>/<sha256 of the photo>-s<saturation>.png``.
Writes go to a temporary file in the same folder and are moved into place with
``os.replace``, so a reader sees either no file or a complete one. A per-entry
lock (``flock`` where the OS has it) makes threads and processes that ask for
the same entry at once compute it once; the others wait and read the result.
"""

from __future__ import annotations

import hashlib
import io
import math
import os
import re
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from PIL import Image

try:
    import fcntl
except ImportError:  # Windows: threads are still serialised, processes only rely on atomic replace
    fcntl = None  # type: ignore[assignment]

CACHE_ENV = "HUEREVIVE_CACHE_DIR"
_TMP_SUFFIX = ".tmp"
_LOCK_DIR = ".locks"


def default_cache_dir() -> Path:
    """``$HUEREVIVE_CACHE_DIR`` when set and non-empty, else ``~/.cache/huerevive``."""
    value = os.environ.get(CACHE_ENV, "").strip()
    return Path(value).expanduser() if value else Path.home() / ".cache" / "huerevive"


def file_sha256(path: Path) -> str:
    """Hex sha256 of a file's bytes, read in chunks so big photos do not sit in memory twice."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def saturation_key(saturation: float) -> str:
    """Saturation rounded to 2 decimals as text ('1.00'); -0.0 and 0.0 share one key."""
    value = float(saturation)
    if not math.isfinite(value):
        raise ValueError(f"saturation must be a finite number, got {saturation!r}")
    return f"{round(value, 2) + 0.0:.2f}"


def _version_dir_name(model_version: str) -> str:
    # Readable prefix for people browsing the cache, hash suffix so distinct versions never collide.
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", model_version)[:40].strip("._") or "v"
    return f"{slug}-{hashlib.sha256(model_version.encode('utf-8')).hexdigest()[:12]}"


class ResultCache:
    """Colorized gallery photos on disk, keyed by (model version, photo bytes, saturation to 2 decimals).

    For gallery photos only, never for visitors' uploads (those must not be
    written to disk). ``cache_dir`` defaults to ``default_cache_dir()``;
    ``model_version`` is required (see ``huerevive.model_loading.model_version``)
    so results of older weights are never served after an upgrade.
    """

    def __init__(self, cache_dir: Path | str | None = None, model_version: str | None = None) -> None:
        if not isinstance(model_version, str) or not model_version:
            raise TypeError(f"model_version must be a non-empty str, got {model_version!r}")
        self.cache_dir = Path(cache_dir).expanduser() if cache_dir is not None else default_cache_dir()
        self.model_version = model_version
        self.version_dir = self.cache_dir / "gallery" / _version_dir_name(model_version)
        self._thread_locks: dict[str, threading.Lock] = {}
        self._thread_locks_guard = threading.Lock()

    def entry_path(self, image_path: Path, saturation: float) -> Path:
        """Where the result for this photo and saturation is (or would be) stored."""
        return self.version_dir / f"{file_sha256(Path(image_path))}-s{saturation_key(saturation)}.png"

    def get_or_compute(
        self, image_path: Path, saturation: float, compute: Callable[[], Image.Image]
    ) -> Image.Image:
        """The cached result, or ``compute()``'s result after storing it; a corrupt entry is recomputed.

        Raises what ``compute`` raises (nothing is stored then), ``OSError``
        when ``image_path`` cannot be read and ``ValueError`` for a non-finite
        saturation. Concurrent callers for the same entry compute it once.
        """
        entry = self.entry_path(image_path, saturation)
        cached = _read_png(entry)
        if cached is not None:
            return cached
        entry.parent.mkdir(parents=True, exist_ok=True)
        with self._lock(entry.name):
            cached = _read_png(entry)  # someone may have finished it while we waited
            if cached is not None:
                return cached
            result = compute()
            if not isinstance(result, Image.Image):
                raise TypeError(f"compute() must return a PIL image, got {type(result).__name__}")
            _write_png_atomic(result, entry)
            return result

    @contextmanager
    def _lock(self, name: str) -> Iterator[None]:
        """Exclusive per-entry lock across threads (always) and processes (with ``flock``)."""
        with self._thread_locks_guard:
            thread_lock = self._thread_locks.setdefault(name, threading.Lock())
        with thread_lock:
            if fcntl is None:
                yield
                return
            lock_dir = self.version_dir / _LOCK_DIR
            lock_dir.mkdir(parents=True, exist_ok=True)
            with open(lock_dir / f"{name}.lock", "a+b") as fh:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
                try:
                    yield
                finally:
                    fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def _read_png(path: Path) -> Image.Image | None:
    """The fully decoded image at ``path``, or None when it is absent or cannot be decoded."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    try:
        img = Image.open(io.BytesIO(data), formats=("PNG",))
        img.load()
    except Exception:  # noqa: BLE001 - a corrupt entry is simply a miss and gets recomputed
        return None
    return img


def _write_png_atomic(img: Image.Image, path: Path) -> None:
    """Write ``img`` as PNG to a temp file beside ``path``, then ``os.replace`` it into place."""
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=_TMP_SUFFIX, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            img.save(fh, format="PNG")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        try:
            os.unlink(tmp_name)
        except FileNotFoundError:
            pass
        raise

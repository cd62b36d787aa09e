"""Fuzzing load_image: hostile bytes must end in a sound LoadedImage or an ImageLoadError, quickly.

Never another exception, never a hang (per-example deadline plus a hard alarm),
never a PIL DecompressionBombWarning, never more pixels than the limit.
"""

from __future__ import annotations

import io
import resource
import signal
import struct
import warnings
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from huerevive.errors import ImageLoadError, ImageTooLargeError
from huerevive.image_input import LoadedImage, load_image

FUZZ_MAX_PIXELS = 2_000_000  # big enough to let many forged sizes through to the decoder, small enough for RAM
HARD_TIMEOUT_S = 10
FUZZ = settings(
    max_examples=500,
    deadline=timedelta(seconds=3),
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=True,  # the same examples in CI and locally: a failure reproduces
)
FORMATS = ("JPEG", "PNG", "WEBP", "TIFF", "BMP", "GIF")


def _sample(fmt: str) -> bytes:
    """A small real file of ``fmt``: 16x12 noise (so no format can compress the data to nothing)."""
    rgb = np.random.default_rng(7).integers(0, 256, (12, 16, 3), dtype=np.uint8)
    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, fmt)
    return buf.getvalue()


SAMPLES = {fmt: _sample(fmt) for fmt in FORMATS}


# --- forging image sizes into real headers ---------------------------------------------------


def _put(data: bytearray, offset: int, fmt: str, *values: int) -> None:
    data[offset : offset + struct.calcsize(fmt)] = struct.pack(fmt, *values)


def forge_png(data: bytearray, width: int, height: int) -> None:
    _put(data, 16, ">II", width, height)
    _put(data, 29, ">I", zlib.crc32(bytes(data[12:29])))


def forge_jpeg(data: bytearray, width: int, height: int) -> None:
    sof = data.index(b"\xff\xc0")
    _put(data, sof + 5, ">HH", height, width)


def forge_webp(data: bytearray, width: int, height: int) -> None:
    chunk = data.index(b"VP8 ")  # lossy: 3-byte frame tag, start code, then 14-bit sizes
    _put(data, chunk + 14, "<HH", width, height)


def forge_tiff(data: bytearray, width: int, height: int) -> None:
    ifd = struct.unpack_from("<I", data, 4)[0]
    for i in range(struct.unpack_from("<H", data, ifd)[0]):
        entry = ifd + 2 + 12 * i
        tag = struct.unpack_from("<H", data, entry)[0]
        if tag in (256, 257):  # ImageWidth, ImageLength, rewritten as LONG
            _put(data, entry + 2, "<HII", 4, 1, width if tag == 256 else height)


def forge_bmp(data: bytearray, width: int, height: int) -> None:
    _put(data, 18, "<ii", width, height)


def gif_descriptor(data: bytes | bytearray) -> int:
    """Offset of the first image descriptor (after the colour table and any extension blocks)."""
    pos = 13 + (3 * 2 ** ((data[10] & 7) + 1) if data[10] & 0x80 else 0)
    while data[pos] == 0x21:  # extension: label, then sub-blocks until a zero length
        pos += 2
        while data[pos]:
            pos += data[pos] + 1
        pos += 1
    assert data[pos] == 0x2C
    return pos


def forge_gif(data: bytearray, width: int, height: int) -> None:
    _put(data, 6, "<HH", width, height)


def forge_gif_frame(data: bytearray, width: int, height: int) -> None:
    """The logical screen stays small; the first frame's extent claims the size (canvas growth)."""
    _put(data, gif_descriptor(data) + 1, "<HHHH", 0, 0, width, height)


FORGERS: dict[str, tuple[Callable[[bytearray, int, int], None], int]] = {
    # format -> (forger, largest value its header field can hold)
    "PNG": (forge_png, 2**31 - 1),
    "JPEG": (forge_jpeg, 2**16 - 1),
    "WEBP": (forge_webp, 2**14 - 1),
    "TIFF": (forge_tiff, 2**32 - 1),
    "BMP": (forge_bmp, 2**31 - 1),
    "GIF": (forge_gif, 2**16 - 1),
    "GIF-frame": (forge_gif_frame, 2**16 - 1),
}


def forged(kind: str, width: int, height: int) -> bytes:
    forger, _ = FORGERS[kind]
    data = bytearray(SAMPLES[kind.split("-")[0]])
    forger(data, width, height)
    return bytes(data)


# --- the property every input must satisfy -------------------------------------------------------


class Hang(BaseException):
    """Raised by the alarm; a BaseException so no ``except Exception`` in the loader can swallow it."""


@contextmanager
def hard_timeout(seconds: int) -> Iterator[None]:
    def _alarm(signum: int, frame: object) -> None:
        raise Hang(f"load_image still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def load_soundly(data: bytes, max_pixels: int = FUZZ_MAX_PIXELS) -> LoadedImage | ImageLoadError:
    """Load ``data``; fail the test on any outcome other than a sound image or our own error."""
    with warnings.catch_warnings(record=True) as caught, hard_timeout(HARD_TIMEOUT_S):
        warnings.simplefilter("always")
        try:
            outcome: LoadedImage | ImageLoadError = load_image(data, max_pixels=max_pixels, name="fuzz.bin")
        except ImageLoadError as exc:
            outcome = exc
    bomb_warnings = [w for w in caught if issubclass(w.category, Image.DecompressionBombWarning)]
    assert not bomb_warnings, f"PIL's bomb warning leaked: {bomb_warnings[0].message}"
    if isinstance(outcome, ImageLoadError):
        assert str(outcome).startswith("fuzz.bin: ") and outcome.reason
        return outcome
    height, width = outcome.rgb.shape[:2]
    assert outcome.rgb.dtype == np.uint8 and outcome.rgb.shape == (height, width, 3)
    assert 0 < height * width <= max_pixels
    assert outcome.alpha is None or (outcome.alpha.shape == (height, width) and outcome.alpha.dtype == np.uint8)
    return outcome


def test_samples_load_before_being_damaged() -> None:
    for fmt, data in SAMPLES.items():
        outcome = load_soundly(data)
        assert isinstance(outcome, LoadedImage), f"{fmt}: {outcome}"
        assert outcome.size == (16, 12)


@FUZZ
@given(fmt=st.sampled_from(FORMATS), cut=st.floats(0.0, 1.0, exclude_max=True))
def test_truncated_files(fmt: str, cut: float) -> None:
    data = SAMPLES[fmt]
    load_soundly(data[: int(len(data) * cut)] or data[:1])


@FUZZ
@given(fmt=st.sampled_from(FORMATS), flips=st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 7)), min_size=1, max_size=12))
def test_bit_flipped_files(fmt: str, flips: list[tuple[float, int]]) -> None:
    data = bytearray(SAMPLES[fmt])
    for where, bit in flips:
        data[int(where * len(data))] ^= 1 << bit
    load_soundly(bytes(data))


@FUZZ
@given(kind=st.sampled_from(sorted(FORGERS)), data=st.data())
def test_forged_sizes(kind: str, data: st.DataObject) -> None:
    largest = FORGERS[kind][1]
    sizes = st.one_of(st.integers(0, 64), st.integers(1, 4096), st.integers(0, largest), st.just(largest))
    width, height = data.draw(sizes, "width"), data.draw(sizes, "height")
    outcome = load_soundly(forged(kind, width, height))
    if width * height > FUZZ_MAX_PIXELS:
        assert isinstance(outcome, ImageTooLargeError), outcome


@pytest.mark.parametrize("kind", sorted(FORGERS))
def test_decompression_bombs(kind: str) -> None:
    """The biggest size each header can claim is refused, even with our own limit switched far up."""
    largest = FORGERS[kind][1]
    outcome = load_soundly(forged(kind, largest, largest), max_pixels=10**15)
    assert isinstance(outcome, ImageTooLargeError), outcome


@pytest.mark.parametrize("kind", sorted(FORGERS))
def test_sizes_pil_would_only_warn_about(kind: str) -> None:
    """Between PIL's warning and error thresholds PIL decodes with a warning; we refuse, silently."""
    side = min(FORGERS[kind][1], int((1.5 * (Image.MAX_IMAGE_PIXELS or 89_478_485)) ** 0.5))
    assert isinstance(load_soundly(forged(kind, side, side)), ImageTooLargeError)


def exif_with_orientation_entry(field_type: int, count: int, payload: bytes) -> bytes:
    """A little-endian TIFF-structured EXIF block whose only entry is Orientation, written raw.

    PIL will only write a sane SHORT orientation, so absurd types, counts and
    values have to be built by hand. Payloads over 4 bytes go after the IFD.
    """
    inline = payload[:4].ljust(4, b"\x00") if len(payload) <= 4 else struct.pack("<I", 26)
    ifd = struct.pack("<H", 1) + struct.pack("<HHI", 0x0112, field_type, count) + inline + struct.pack("<I", 0)
    return b"II*\x00" + struct.pack("<I", 8) + ifd + (payload if len(payload) > 4 else b"")


def with_exif(fmt: str, exif: bytes) -> bytes:
    buf = io.BytesIO()
    Image.open(io.BytesIO(SAMPLES["PNG"])).save(buf, fmt, exif=(b"Exif\x00\x00" if fmt == "JPEG" else b"") + exif)
    return buf.getvalue()


EXIF_FORMATS = st.sampled_from(["JPEG", "PNG", "WEBP"])


@FUZZ
@given(fmt=EXIF_FORMATS, orientation=st.integers(0, 2**16 - 1))
def test_any_short_orientation_value(fmt: str, orientation: int) -> None:
    outcome = load_soundly(with_exif(fmt, exif_with_orientation_entry(3, 1, struct.pack("<H", orientation))))
    assert isinstance(outcome, LoadedImage), outcome  # broken EXIF must not cost the photo
    assert outcome.size == ((12, 16) if 5 <= orientation <= 8 else (16, 12))


@FUZZ
@given(
    fmt=EXIF_FORMATS,
    field_type=st.one_of(st.integers(0, 13), st.integers(0, 2**16 - 1)),
    count=st.one_of(st.integers(0, 8), st.integers(0, 2**32 - 1), st.just(2**32 - 1)),
    payload=st.binary(max_size=64),
)
def test_absurd_orientation_entries(fmt: str, field_type: int, count: int, payload: bytes) -> None:
    """Wrong types, counts of up to 4 billion and random values: the photo still loads, unrotated or rotated."""
    outcome = load_soundly(with_exif(fmt, exif_with_orientation_entry(field_type, count, payload)))
    assert isinstance(outcome, LoadedImage), outcome
    assert outcome.size in ((16, 12), (12, 16))


@settings(FUZZ, max_examples=40)
@given(fmt=st.sampled_from(["JPEG", "PNG", "WEBP"]), blob=st.binary(min_size=1, max_size=4096), repeat=st.integers(1, 200))
def test_garbage_and_giant_exif_blobs(fmt: str, blob: bytes, repeat: int) -> None:
    exif = (b"Exif\x00\x00" if fmt == "JPEG" else b"") + (blob * repeat)[: 60_000 if fmt == "JPEG" else 800_000]
    buf = io.BytesIO()
    Image.open(io.BytesIO(SAMPLES["PNG"])).save(buf, fmt, exif=exif)
    outcome = load_soundly(buf.getvalue())
    assert isinstance(outcome, LoadedImage), outcome
    assert outcome.size in ((16, 12), (12, 16))


def test_fuzzing_did_not_balloon_memory() -> None:
    """Runs after the fuzz tests in this file: peak RSS stays far below what one forged size would need."""
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # A single 2**31 x 2**31 forged PNG decoded as RGB would need exabytes; 4 GB means something leaked through.
    assert peak_mb < 4096, f"peak RSS {peak_mb:.0f} MB"

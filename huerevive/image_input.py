"""Robust photo input: any supported file, bytes, PIL image or array -> 8-bit RGB (+ alpha).

Every failure becomes one of the package's own errors (``huerevive.errors``)
naming the source, so a batch can report a bad file and carry on. The pixel
limit is checked from the header, before any pixel data is decoded, so a
hostile file cannot make us allocate gigabytes.
"""

from __future__ import annotations

import io
import os
import stat
import struct
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Union

import numpy as np
from PIL import Image

from huerevive.errors import (
    EmptyFileError,
    ImageLoadError,
    ImageTooLargeError,
    NotAnImageError,
    TruncatedImageError,
    UnreadablePathError,
)

DEFAULT_MAX_PIXELS = 50_000_000
SUPPORTED_FORMATS = ("JPEG", "PNG", "WEBP", "TIFF", "BMP", "GIF")
SUPPORTED_SUFFIXES = (".jpg", ".jpeg", ".jpe", ".png", ".webp", ".tif", ".tiff", ".bmp", ".dib", ".gif")
ImageSource = Union[str, os.PathLike, bytes, BinaryIO, Image.Image, np.ndarray]

EXIF_ORIENTATION_TAG = 0x0112
_ORIENTATION_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
# What PIL's format plugins raise for "these bytes are not my format" (see PIL.Image.open).
_NOT_THIS_FORMAT = (SyntaxError, IndexError, TypeError, struct.error)
_ALPHA_MODES = ("RGBA", "LA", "PA", "La", "RGBa")
_SIXTEEN_BIT_MODES = ("I;16", "I;16B", "I;16L", "I;16N")


@dataclass
class LoadedImage:
    """A decoded photo: ``rgb`` (H, W, 3) uint8, ``alpha`` (H, W) uint8 or None, ``name`` for messages."""

    rgb: np.ndarray
    alpha: np.ndarray | None
    name: str

    @property
    def size(self) -> tuple[int, int]:
        """(width, height), as PIL reports it."""
        return self.rgb.shape[1], self.rgb.shape[0]


def is_supported_path(path: str | os.PathLike) -> bool:
    """True when the file name ends in a suffix we can read (case-insensitive)."""
    return Path(path).suffix.lower() in SUPPORTED_SUFFIXES


def _source_name(source: ImageSource, name: str | None) -> str:
    if name:
        return name
    if isinstance(source, (str, os.PathLike)):
        return str(source)
    return getattr(source, "name", None) or f"<{type(source).__name__}>"


def pixel_limit(max_pixels: int) -> int:
    """The effective limit: ours, but never above PIL's own decompression-bomb error threshold."""
    if max_pixels <= 0:
        raise ValueError(f"max_pixels must be positive, got {max_pixels!r}")
    if Image.MAX_IMAGE_PIXELS is None:  # the application switched PIL's check off on purpose
        return max_pixels
    return min(max_pixels, 2 * Image.MAX_IMAGE_PIXELS)


def _amount(pixels: int) -> str:
    return f"{pixels / 1e6:.1f} megapixels" if pixels >= 100_000 else f"{pixels} pixels"


def _check_pixels(width: int, height: int, max_pixels: int, name: str) -> None:
    if width <= 0 or height <= 0:
        raise NotAnImageError(name, f"image has no pixels ({width}x{height})")
    limit = pixel_limit(max_pixels)
    if width * height > limit:
        bomb = " (refused as a possible decompression bomb)" if limit < max_pixels else ""
        raise ImageTooLargeError(
            name,
            f"image is {width}x{height} = {_amount(width * height)}, above the limit of {_amount(limit)}{bomb}",
        )


def _from_array(arr: np.ndarray, name: str, max_pixels: int) -> LoadedImage:
    if arr.ndim == 2:
        arr = arr[..., None]
    if arr.ndim != 3 or arr.shape[2] not in (1, 3, 4):
        raise NotAnImageError(name, f"array of shape {arr.shape} is not (H, W), (H, W, 3) or (H, W, 4)")
    _check_pixels(arr.shape[1], arr.shape[0], max_pixels, name)
    if arr.dtype != np.uint8:
        raise NotAnImageError(name, f"array dtype {arr.dtype} is not uint8")
    alpha = arr[..., 3].copy() if arr.shape[2] == 4 else None
    rgb = np.repeat(arr, 3, axis=2) if arr.shape[2] == 1 else arr[..., :3]
    # A private copy: the caller may go on changing (or may have frozen) its array.
    return LoadedImage(np.array(rgb, dtype=np.uint8, order="C"), alpha, name)


@contextmanager
def _open_stream(source: ImageSource, name: str) -> Iterator[BinaryIO]:
    """A seekable binary stream over the source; paths are opened lazily, not read whole."""
    if isinstance(source, (str, os.PathLike)):
        try:
            handle = open(source, "rb")  # noqa: SIM115 - closed below
        except FileNotFoundError as exc:
            raise UnreadablePathError(name, "no such file") from exc
        except IsADirectoryError as exc:
            raise UnreadablePathError(name, "is a folder, not a file") from exc
        except PermissionError as exc:
            raise UnreadablePathError(name, "permission denied") from exc
        except OSError as exc:
            raise UnreadablePathError(name, f"cannot be opened ({exc.strerror or exc})") from exc
        with handle:
            info = os.fstat(handle.fileno())
            # A FIFO or device would block or never end; only regular files are photos.
            if not stat.S_ISREG(info.st_mode):
                raise UnreadablePathError(name, "is not a regular file")
            if info.st_size == 0:
                raise EmptyFileError(name, "file is empty (0 bytes)")
            yield handle
        return
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
    else:
        try:
            data = source.read()
        except Exception as exc:  # noqa: BLE001 - any reader failure is the caller's bad input
            raise UnreadablePathError(name, f"cannot be read ({exc})") from exc
        if not isinstance(data, (bytes, bytearray)):
            raise NotAnImageError(name, f"reading gave {type(data).__name__}, not bytes (open the file in binary mode)")
    if not data:
        raise EmptyFileError(name, "file is empty (0 bytes)")
    yield io.BytesIO(data)


def _gif_first_frame_canvas(stream: BinaryIO) -> tuple[int, int] | None:
    """The canvas PIL will allocate for a GIF's first frame, or None if the header is unreadable.

    A frame may claim an extent far beyond the logical screen, and PIL grows
    the canvas (warning about a possible bomb) while still identifying the
    file, so the size has to be known before PIL sees it.
    """
    stream.seek(0)
    header = stream.read(13)
    if len(header) < 13:
        return None
    screen_w, screen_h, flags = struct.unpack_from("<HHB", header, 6)
    if flags & 0x80:  # global colour table
        stream.seek(3 * 2 ** ((flags & 7) + 1), os.SEEK_CUR)
    while (block := stream.read(1)) == b"!":  # extensions: label, then sub-blocks up to a zero length
        stream.read(1)
        while (length := stream.read(1)) not in (b"", b"\x00"):
            stream.seek(length[0], os.SEEK_CUR)
    if block != b",":
        return None
    extent = stream.read(8)
    if len(extent) < 8:
        return None
    x0, y0, width, height = struct.unpack("<HHHH", extent)
    return max(screen_w, x0 + width), max(screen_h, y0 + height)


def _identify(stream: BinaryIO, name: str, max_pixels: int) -> Image.Image:
    """Parse only the header, with our pixel limit applied before PIL's own bomb check.

    This mirrors ``PIL.Image.open`` restricted to SUPPORTED_FORMATS; going
    through the plugin registry ourselves means an oversized header gives our
    ImageTooLargeError instead of PIL's DecompressionBombWarning followed by
    an allocation.
    """
    Image.init()
    prefix = stream.read(16)
    recognised: str | None = None
    for fmt in SUPPORTED_FORMATS:
        factory, accept = Image.OPEN[fmt]
        verdict = accept(prefix) if accept is not None else True
        if not verdict or isinstance(verdict, str):  # a str is PIL's "recognised but unsupported variant"
            continue
        recognised = recognised or fmt
        if fmt == "GIF" and (canvas := _gif_first_frame_canvas(stream)) is not None:
            _check_pixels(*canvas, max_pixels, name)
        stream.seek(0)
        try:
            img = factory(stream, "")
        except _NOT_THIS_FORMAT:
            continue
        _check_pixels(img.width, img.height, max_pixels, name)
        return img
    if recognised:
        raise TruncatedImageError(name, f"looks like a {recognised} file but its header is truncated or corrupt")
    raise NotAnImageError(name, "not a supported image (JPEG, PNG, WebP, TIFF, BMP or GIF)")


def _orient(img: Image.Image) -> Image.Image:
    """Apply the EXIF orientation tag; a garbage tag or unreadable EXIF leaves the photo as stored."""
    try:
        orientation = img.getexif().get(EXIF_ORIENTATION_TAG, 1)
    except Exception:  # noqa: BLE001 - broken EXIF must not cost the visitor their photo
        return img
    method = _ORIENTATION_TRANSPOSE.get(orientation) if isinstance(orientation, int) else None
    return img.transpose(method) if method is not None else img


def _gray16_to_rgb(img: Image.Image) -> np.ndarray:
    arr = np.asarray(img).astype(np.float64)
    if img.mode in _SIXTEEN_BIT_MODES:
        top = 65535.0
    elif img.mode == "F":
        top = 1.0 if arr.max(initial=0) <= 1.0 else 255.0
    else:  # "I": 32-bit ints, in practice 16-bit data unless every value fits in 8 bits
        top = 65535.0 if arr.max(initial=0) > 255 else 255.0
    gray = np.clip(np.round(np.nan_to_num(arr) / top * 255.0), 0, 255).astype(np.uint8)
    return np.repeat(gray[..., None], 3, axis=2)


def _to_rgb_alpha(img: Image.Image, name: str) -> tuple[np.ndarray, np.ndarray | None]:
    """Convert any PIL mode to uint8 RGB plus alpha (None when the image has none)."""
    if img.mode in _SIXTEEN_BIT_MODES or img.mode in ("I", "F"):
        return _gray16_to_rgb(img), None
    try:
        if img.mode in _ALPHA_MODES or "transparency" in img.info:
            rgba = img.convert("RGBA")
            return np.array(rgba.convert("RGB"), dtype=np.uint8), np.array(rgba.getchannel("A"), dtype=np.uint8)
        # np.array, not asarray: arrays viewing PIL's buffer are read-only, and torch warns on those.
        return np.array(img.convert("RGB"), dtype=np.uint8), None
    except ValueError as exc:  # e.g. "conversion from LAB to RGB not supported"
        raise NotAnImageError(name, f"colour mode {img.mode} is not supported ({exc})") from exc


def _decode(img: Image.Image, name: str, max_pixels: int) -> LoadedImage:
    """First frame -> oriented uint8 RGB (+ alpha), mapping every decoder failure to our errors."""
    try:
        if getattr(img, "n_frames", 1) > 1:
            img.seek(0)
        img.load()
        # A GIF frame may extend the canvas beyond the header's size.
        _check_pixels(img.width, img.height, max_pixels, name)
        rgb, alpha = _to_rgb_alpha(_orient(img), name)
    except ImageLoadError:
        raise
    except Image.DecompressionBombError as exc:
        raise ImageTooLargeError(name, f"refused as a possible decompression bomb ({exc})") from exc
    except MemoryError as exc:
        raise ImageTooLargeError(name, "image needs more memory than is available") from exc
    except (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError, KeyError, struct.error) as exc:
        raise TruncatedImageError(name, f"image data is truncated or corrupt ({exc})") from exc
    except Exception as exc:  # noqa: BLE001 - PIL's decoders raise undocumented errors on hostile bytes
        raise TruncatedImageError(name, f"image data is corrupt ({type(exc).__name__}: {exc})") from exc
    return LoadedImage(np.ascontiguousarray(rgb), alpha, name)


def load_image(source: ImageSource, max_pixels: int = DEFAULT_MAX_PIXELS, name: str | None = None) -> LoadedImage:
    """Decode a photo from a path, bytes, file object, PIL image or uint8 array.

    EXIF orientation is applied; GIFs give their first frame; 16-bit, CMYK,
    palette and grayscale images become 8-bit RGB; alpha is kept separately.
    Raises an ``ImageLoadError`` subclass naming the source on any failure,
    including images over ``max_pixels`` (checked before decoding the pixels)
    and PIL's decompression bombs; ``ValueError`` if ``max_pixels`` <= 0.
    """
    label = _source_name(source, name)
    pixel_limit(max_pixels)
    if isinstance(source, np.ndarray):
        return _from_array(source, label, max_pixels)
    if isinstance(source, Image.Image):
        _check_pixels(source.width, source.height, max_pixels, label)
        return _decode(source, label, max_pixels)
    with _open_stream(source, label) as stream:
        try:
            img = _identify(stream, label, max_pixels)
        except ImageLoadError:
            raise
        except Image.DecompressionBombError as exc:
            raise ImageTooLargeError(label, f"refused as a possible decompression bomb ({exc})") from exc
        except MemoryError as exc:
            raise ImageTooLargeError(label, "image header asks for more memory than is available") from exc
        except Exception as exc:  # noqa: BLE001 - a plugin choking on a recognised but hostile header
            raise TruncatedImageError(label, f"image header is truncated or corrupt ({type(exc).__name__}: {exc})") from exc
        with img:
            return _decode(img, label, max_pixels)

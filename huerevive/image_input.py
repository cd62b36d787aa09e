"""Robust photo input: any supported file, bytes, PIL image or array -> 8-bit RGB (+ alpha).

Every failure becomes one of the package's own errors (``huerevive.errors``)
naming the source, so a batch can report a bad file and carry on.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Union

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

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
ImageSource = Union[str, os.PathLike, bytes, BinaryIO, Image.Image, np.ndarray]


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


def _source_name(source: ImageSource, name: str | None) -> str:
    if name:
        return name
    if isinstance(source, (str, os.PathLike)):
        return str(source)
    return getattr(source, "name", None) or f"<{type(source).__name__}>"


def _check_pixels(width: int, height: int, max_pixels: int, name: str) -> None:
    if width <= 0 or height <= 0:
        raise NotAnImageError(name, f"image has no pixels ({width}x{height})")
    if width * height > max_pixels:
        raise ImageTooLargeError(
            name,
            f"image is {width}x{height} = {width * height / 1e6:.1f} megapixels, "
            f"above the limit of {max_pixels / 1e6:.1f} megapixels",
        )


def _to_rgb_alpha(img: Image.Image) -> tuple[np.ndarray, np.ndarray | None]:
    """Convert any PIL mode to uint8 RGB plus alpha (None when the image has none)."""
    alpha = None
    if img.mode == "P" and "transparency" in img.info:
        img = img.convert("RGBA")
    if img.mode in ("RGBA", "LA", "PA", "La", "RGBa"):
        img = img.convert("RGBA")
        alpha = np.asarray(img.getchannel("A"), dtype=np.uint8)
    if img.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I"):
        arr = np.asarray(img, dtype=np.float64)
        scale = 65535.0 if arr.max(initial=0) > 255 or img.mode.startswith("I;16") else 255.0
        gray = np.clip(np.round(arr / scale * 255.0), 0, 255).astype(np.uint8)
        return np.repeat(gray[..., None], 3, axis=2), alpha
    if img.mode == "F":
        arr = np.asarray(img, dtype=np.float64)
        top = 1.0 if arr.max(initial=0) <= 1.0 else 255.0
        gray = np.clip(np.round(arr / top * 255.0), 0, 255).astype(np.uint8)
        return np.repeat(gray[..., None], 3, axis=2), alpha
    rgb = np.asarray(img.convert("RGB"), dtype=np.uint8)
    return rgb, alpha


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
    return LoadedImage(np.ascontiguousarray(rgb), alpha, name)


def _open_bytes(source: ImageSource, name: str) -> io.BytesIO | BinaryIO:
    if isinstance(source, bytes):
        data = source
    elif isinstance(source, (str, os.PathLike)):
        path = Path(source)
        if not path.exists():
            raise UnreadablePathError(name, "no such file")
        if path.is_dir():
            raise UnreadablePathError(name, "is a folder, not a file")
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise UnreadablePathError(name, f"cannot be read ({exc.strerror or exc})") from exc
    else:
        try:
            data = source.read()
        except Exception as exc:  # noqa: BLE001 - any reader failure is the caller's bad input
            raise UnreadablePathError(name, f"cannot be read ({exc})") from exc
    if not data:
        raise EmptyFileError(name, "file is empty (0 bytes)")
    return io.BytesIO(data)


def load_image(source: ImageSource, max_pixels: int = DEFAULT_MAX_PIXELS, name: str | None = None) -> LoadedImage:
    """Decode a photo from a path, bytes, file object, PIL image or uint8 array.

    EXIF orientation is applied; GIFs give their first frame; 16-bit, CMYK,
    palette and grayscale images become 8-bit RGB; alpha is kept separately.
    Raises an ``ImageLoadError`` subclass naming the source on any failure,
    including images over ``max_pixels`` (checked before decoding the pixels).
    """
    label = _source_name(source, name)
    if isinstance(source, np.ndarray):
        return _from_array(source, label, max_pixels)
    if isinstance(source, Image.Image):
        _check_pixels(source.width, source.height, max_pixels, label)
        rgb, alpha = _to_rgb_alpha(ImageOps.exif_transpose(source) or source)
        return LoadedImage(rgb, alpha, label)
    stream = _open_bytes(source, label)
    try:
        with Image.open(stream, formats=SUPPORTED_FORMATS) as img:
            _check_pixels(img.width, img.height, max_pixels, label)
            img.seek(0)
            img.load()
            oriented = ImageOps.exif_transpose(img) or img
            rgb, alpha = _to_rgb_alpha(oriented)
    except ImageLoadError:
        raise
    except UnidentifiedImageError as exc:
        raise NotAnImageError(label, f"not a supported image (JPEG, PNG, WebP, TIFF, BMP or GIF)") from exc
    except Image.DecompressionBombError as exc:
        raise ImageTooLargeError(label, f"refused as a possible decompression bomb ({exc})") from exc
    except (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError, KeyError, struct_error()) as exc:
        raise TruncatedImageError(label, f"image data is truncated or corrupt ({exc})") from exc
    except MemoryError as exc:
        raise ImageTooLargeError(label, "image needs more memory than is available") from exc
    if rgb.shape[0] * rgb.shape[1] > max_pixels:  # e.g. EXIF rotation cannot grow it, but be sure
        _check_pixels(rgb.shape[1], rgb.shape[0], max_pixels, label)
    return LoadedImage(np.ascontiguousarray(rgb), alpha, label)


def struct_error() -> type[Exception]:
    import struct

    return struct.error

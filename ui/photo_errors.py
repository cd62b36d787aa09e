"""Friendly, bilingual messages for photos the site cannot read (pure: no Streamlit)."""

from __future__ import annotations

from huerevive.errors import (
    EmptyFileError,
    ImageLoadError,
    ImageTooLargeError,
    NotAnImageError,
    TruncatedImageError,
)
from ui.i18n import t

# Most specific first; anything else is "could not be read".
_KEYS: tuple[tuple[type[ImageLoadError], str], ...] = (
    (EmptyFileError, "error.empty"),
    (NotAnImageError, "error.not_image"),
    (TruncatedImageError, "error.truncated"),
    (ImageTooLargeError, "error.too_large"),
)


def error_key(exc: ImageLoadError) -> str:
    """The ``ui.strings`` key of the message for this kind of bad photo."""
    return next((key for cls, key in _KEYS if isinstance(exc, cls)), "error.unreadable")


def friendly_error(exc: ImageLoadError, lang: str, name: str, max_pixels: int) -> str:
    """The visitor-facing message: what is wrong with ``name`` and what to do about it."""
    return t(error_key(exc), lang, name=name, limit=f"{max_pixels / 1e6:g}")

"""The package's own errors: each names the file and says what is wrong with it."""

from __future__ import annotations


class HueReviveError(Exception):
    """Base class of every error HueRevive raises on purpose."""


class ImageLoadError(HueReviveError, ValueError):
    """An input could not be read as a photo. ``source`` names the file."""

    def __init__(self, source: str, reason: str) -> None:
        self.source = source
        self.reason = reason
        super().__init__(f"{source}: {reason}")


class UnreadablePathError(ImageLoadError):
    """The path does not exist, is a folder, or cannot be opened."""


class EmptyFileError(ImageLoadError):
    """The file has zero bytes."""


class NotAnImageError(ImageLoadError):
    """The bytes are not in any supported image format."""


class TruncatedImageError(ImageLoadError):
    """The image format was recognised but its data is cut short or corrupt."""


class ImageTooLargeError(ImageLoadError):
    """The image has more pixels than the configured limit (or is a decompression bomb)."""


class HintError(HueReviveError, ValueError):
    """A colour hint is malformed, or points outside the photo."""

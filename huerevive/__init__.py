"""HueRevive: bring black-and-white photographs back to natural colour.

    >>> import huerevive
    >>> huerevive.colorize("grandma.jpg", saturation=1.0).save("grandma_colour.png")

The public API is ``colorize`` (photo -> PIL image) and ``colorize_detailed``
(photo -> ``ColorizeResult`` with L, ab and RGB), both backed by one
``Colorizer`` per process; errors are ``huerevive.errors.HueReviveError``.
"""

from huerevive.errors import HueReviveError, ImageLoadError
from huerevive.image_input import DEFAULT_MAX_PIXELS, LoadedImage, load_image
from huerevive.pipeline import ColorizeResult, Colorizer, colorize, colorize_detailed

__all__ = [
    "DEFAULT_MAX_PIXELS",
    "ColorizeResult",
    "Colorizer",
    "HueReviveError",
    "ImageLoadError",
    "LoadedImage",
    "colorize",
    "colorize_detailed",
    "load_image",
]

"""HueRevive: bring black-and-white photographs back to natural colour.

    >>> import huerevive
    >>> huerevive.colorize("grandma.jpg", saturation=1.0).save("grandma_colour.png")

The public API is ``colorize`` (photo -> PIL image) and ``colorize_detailed``
(photo -> ``ColorizeResult`` with L, ab and RGB), both backed by one
``Colorizer`` per process; errors are ``huerevive.errors.HueReviveError``.
Names are imported on first use, so light modules (collections, errors) do
not pull in torch.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "DEFAULT_MAX_PIXELS": "huerevive.image_input",
    "LoadedImage": "huerevive.image_input",
    "load_image": "huerevive.image_input",
    "HueReviveError": "huerevive.errors",
    "ImageLoadError": "huerevive.errors",
    "HintError": "huerevive.errors",
    "Hint": "huerevive.hints",
    "ColorizeResult": "huerevive.pipeline",
    "Colorizer": "huerevive.pipeline",
    "colorize": "huerevive.pipeline",
    "colorize_detailed": "huerevive.pipeline",
    "PreparedPhoto": "huerevive.pipeline",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'huerevive' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)

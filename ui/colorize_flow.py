"""The Colorize page's state: the visitor's photo and result, kept in THIS session only.

Uploads are read from the UploadedFile's bytes in memory, decoded once and
kept in ``st.session_state`` (never on disk, never in a cross-session cache);
a new upload replaces the old one and clearing the uploader forgets it. Only
one photo and one result are kept per session.

The "fix a colour" mode adds the visitor's colour hints, the photo's prepared
encoder work (``Colorizer.prepare``, reused for every new hint) and the hinted
preview: session state too, dropped with the photo.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import streamlit as st
from PIL import Image
from streamlit.runtime.uploaded_file_manager import UploadedFile

from huerevive.errors import ImageLoadError
from huerevive.hints import Hint
from huerevive.image_input import LoadedImage, load_image
from huerevive.pipeline import PreparedPhoto
from ui.comparison import DISPLAY_MAX_SIDE, display_copy
from ui.model import get_colorizer

SOURCE_KEY = "hr_source"
RESULT_KEY = "hr_result"
HINTS_KEY = "hr_hints"  # ui.hint_picker.HintState: the visitor's colour hints for this photo
PENDING_KEY = "hr_hint_pending"  # a tap on the photo not yet turned into a hint: {"x", "y", "width", "height"}
PREPARED_KEY = "hr_prepared"  # (source key, PreparedPhoto): the hint-independent work, done once per photo
PREVIEW_KEY = "hr_hint_preview"  # HintedPreview: the last hinted result at display size
DEFAULT_SITE_MAX_PIXELS = 16_000_000  # keeps one colorization well under 1 GB of RAM on a shared server


def site_max_pixels() -> int:
    """Largest photo the site accepts: ``HUEREVIVE_MAX_PIXELS`` or 16 megapixels."""
    value = os.environ.get("HUEREVIVE_MAX_PIXELS", "").strip()
    return int(value) if value.isdigit() and int(value) > 0 else DEFAULT_SITE_MAX_PIXELS


@dataclass
class PhotoSource:
    """The photo this session is working on: decoded pixels, or the reason it could not be read."""

    key: str
    name: str
    loaded: LoadedImage | None
    error: ImageLoadError | None


@dataclass
class ShownResult:
    """What the page shows: small previews for the slider, the full-size result for download."""

    key: str
    saturation: float
    full: Image.Image
    before_small: Image.Image
    after_small: Image.Image
    seconds: float


def _decode(key: str, name: str, data: bytes | Path) -> PhotoSource:
    try:
        return PhotoSource(key, name, load_image(data, max_pixels=site_max_pixels(), name=name), None)
    except ImageLoadError as exc:
        return PhotoSource(key, name, None, exc)


def set_source(key: str, name: str, data_or_path: bytes | Path) -> PhotoSource:
    """Make this photo the session's current one (decoded once; the previous one is dropped)."""
    current: PhotoSource | None = st.session_state.get(SOURCE_KEY)
    if current is not None and current.key == key:
        return current
    forget()
    source = _decode(key, name, data_or_path)
    st.session_state[SOURCE_KEY] = source
    return source


def source_from_upload(uploaded: UploadedFile | None) -> PhotoSource | None:
    """The session's photo from ``st.file_uploader``'s value (bytes in memory); None clears it."""
    if uploaded is None:
        current: PhotoSource | None = st.session_state.get(SOURCE_KEY)
        if current is not None and current.key.startswith("upload:"):
            forget()
        return None
    return set_source(f"upload:{uploaded.file_id}", uploaded.name, uploaded.getvalue())


def forget() -> None:
    """Drop the session's photo, result and colour hints (e.g. when a new file replaces them)."""
    for key in (SOURCE_KEY, RESULT_KEY, HINTS_KEY, PENDING_KEY, PREPARED_KEY, PREVIEW_KEY):
        st.session_state.pop(key, None)


def gray_preview(l: np.ndarray, max_side: int = DISPLAY_MAX_SIDE) -> Image.Image:
    """The lightness the model sees (L 0..100) as a small grayscale image."""
    gray = Image.fromarray(np.clip(np.round(l * 2.55), 0, 255).astype(np.uint8), "L")
    return display_copy(gray.convert("RGB"), max_side)


def result_for(source: PhotoSource, saturation: float) -> ShownResult:
    """Colorize the session's photo (reusing the last result when nothing changed)."""
    shown: ShownResult | None = st.session_state.get(RESULT_KEY)
    if shown is not None and shown.key == source.key and shown.saturation == saturation:
        return shown
    assert source.loaded is not None, "result_for needs a photo that decoded"
    result = get_colorizer().colorize_loaded(source.loaded, saturation)
    full = result.image
    shown = ShownResult(
        key=source.key,
        saturation=saturation,
        full=full,
        before_small=gray_preview(result.l),
        after_small=display_copy(full),
        seconds=result.seconds,
    )
    st.session_state[RESULT_KEY] = shown
    return shown


@dataclass
class HintedPreview:
    """The photo coloured with the visitor's hints, at display size."""

    key: tuple[str, float, tuple[Hint, ...]]  # (photo, saturation, hints)
    after_small: Image.Image
    seconds: float

    @property
    def hints(self) -> tuple[Hint, ...]:
        return self.key[2]


def prepared_for(source: PhotoSource) -> PreparedPhoto:
    """The photo's hint-independent work (L, encoder features), done once per photo and session."""
    cached: tuple[str, PreparedPhoto] | None = st.session_state.get(PREPARED_KEY)
    if cached is not None and cached[0] == source.key:
        return cached[1]
    assert source.loaded is not None, "prepared_for needs a photo that decoded"
    prepared = get_colorizer().prepare(source.loaded)
    st.session_state[PREPARED_KEY] = (source.key, prepared)
    return prepared


def hinted_preview(source: PhotoSource, saturation: float, hints: tuple[Hint, ...]) -> HintedPreview:
    """The result with ``hints`` at display size (fast: reuses the prepared photo); raises HintError."""
    key = (source.key, saturation, hints)
    shown: HintedPreview | None = st.session_state.get(PREVIEW_KEY)
    if shown is not None and shown.key == key:
        return shown
    result = get_colorizer().colorize_prepared(prepared_for(source), saturation, hints=list(hints),
                                               max_side=DISPLAY_MAX_SIDE)
    shown = HintedPreview(key, result.image, result.seconds)
    st.session_state[PREVIEW_KEY] = shown
    return shown


def hinted_png(source: PhotoSource, saturation: float, hints: tuple[Hint, ...]) -> Callable[[], bytes]:
    """Makes the full-resolution hinted result as PNG bytes when called (for a deferred download)."""
    colorizer, prepared = get_colorizer(), prepared_for(source)
    return lambda: png_bytes(colorizer.colorize_prepared(prepared, saturation, hints=list(hints)).image)


def png_bytes(image: Image.Image) -> bytes:
    """The image as PNG bytes, in memory."""
    buf = io.BytesIO()
    image.save(buf, "PNG")
    return buf.getvalue()


def download_name(name: str) -> str:
    """``old-photo.jpg`` -> ``old-photo-colorized.png`` (only the file's own name, no folders)."""
    stem = Path(name.replace("\\", "/")).stem or "photo"
    return f"{stem}-colorized.png"

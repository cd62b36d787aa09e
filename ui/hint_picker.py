""""Fix a colour": the visitor taps a point of their photo and picks its colour (this session only).

Taps come from ``streamlit-image-coordinates`` (its files are served by our
own server, so it works offline). It listens for ``click`` events, which
browsers also fire for a tap on a touch screen, so mouse and finger both work.
A tap adds a hint at that point with the colour picker's colour and chooses
it; the colour picker then recolours the chosen hint. Hints are listed and can
be removed one by one or all at once.

Hints live in ``st.session_state`` only, like the photo (``ui.colorize_flow``),
in the ORIGINAL photo's pixels. The pure functions here (``photo_point``,
``with_tap``, ...) hold the logic; the rest draws the widgets.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

import streamlit as st
from PIL import Image, ImageDraw
from streamlit_image_coordinates import streamlit_image_coordinates

from huerevive.errors import HintError
from huerevive.hints import Hint, check_hints, parse_color
from ui.colorize_flow import HINTS_KEY, PENDING_KEY, HintedPreview, PhotoSource, hinted_preview
from ui.i18n import t
from ui.model import get_colorizer
from ui.text import md_escape

MODE_KEY = "hr_hint_mode"  # the "fix a colour" toggle
COLOUR_KEY = "hr_hint_colour"  # the colour picker
TAP_KEY = "hr_hint_tap"  # the clickable photo (its value: the last tap in displayed pixels)
CLEAR_KEY = "hr_hints_clear"
ERROR_KEY = "hr_hint_error"  # why the last tap was refused (shown once)
DEFAULT_COLOUR = "#c0392b"
PREVIEW_JPEG_QUALITY = 85  # the clickable photo is sent as JPEG: a 1600 px PNG would be megabytes per tap


@dataclass(frozen=True)
class PlacedHint:
    """One hint with a stable id (for its widgets' keys)."""

    id: int
    hint: Hint


@dataclass(frozen=True)
class HintState:
    """The visitor's hints for one photo; ``chosen`` is the id the colour picker recolours."""

    source_key: str
    placed: tuple[PlacedHint, ...] = ()
    chosen: int | None = None
    next_id: int = 1

    @property
    def hints(self) -> tuple[Hint, ...]:
        return tuple(p.hint for p in self.placed)


# ---------------------------------------------------------------- pure logic


def photo_point(tap: Mapping[str, float], photo_size: tuple[int, int]) -> tuple[float, float]:
    """A tap on the shown image (``x``, ``y`` and its shown ``width``, ``height``) -> (x, y) in the photo's pixels.

    The centre of the tapped display pixel is mapped; a tap within one
    display pixel of the edge lands on the edge pixel. Raises HintError when
    the tap has no usable display size.
    """
    try:
        x, y, shown_w, shown_h = (float(tap[k]) for k in ("x", "y", "width", "height"))
    except (KeyError, TypeError, ValueError):
        raise HintError(f"a tap needs x, y, width and height, got {dict(tap)!r}") from None
    if shown_w <= 0 or shown_h <= 0:
        raise HintError(f"the tapped image has no size ({shown_w:g}x{shown_h:g})")
    width, height = photo_size
    return round(_to_photo(x, shown_w, width), 1), round(_to_photo(y, shown_h, height), 1)


def _to_photo(shown: float, shown_size: float, size: int) -> float:
    scale = size / shown_size
    centre = (shown + 0.5) * scale  # continuous: 0 .. size across the photo
    if -scale <= centre <= size + scale:  # on the image, give or take one display pixel
        return min(max(centre - 0.5, 0.0), size - 1.0)
    return centre - 0.5


def with_tap(state: HintState, point: tuple[float, float], colour: str, photo_size: tuple[int, int]) -> HintState:
    """``state`` plus a hint at ``point`` in ``colour``, which becomes the chosen one (HintError if invalid)."""
    hint = Hint(point[0], point[1], parse_color(colour))
    check_hints([*state.hints, hint], *photo_size)
    placed = (*state.placed, PlacedHint(state.next_id, hint))
    return replace(state, placed=placed, chosen=state.next_id, next_id=state.next_id + 1)


def recoloured(state: HintState, colour: str) -> HintState:
    """The chosen hint in ``colour`` (no change when none is chosen)."""
    rgb = parse_color(colour)
    placed = tuple(replace(p, hint=replace(p.hint, rgb=rgb)) if p.id == state.chosen else p for p in state.placed)
    return replace(state, placed=placed)


def without(state: HintState, hint_id: int) -> HintState:
    """``state`` without hint ``hint_id``."""
    placed = tuple(p for p in state.placed if p.id != hint_id)
    return replace(state, placed=placed, chosen=None if state.chosen == hint_id else state.chosen)


def cleared(state: HintState) -> HintState:
    """No hints left."""
    return replace(state, placed=(), chosen=None)


def with_markers(image: Image.Image, state: HintState, photo_size: tuple[int, int]) -> Image.Image:
    """A copy of ``image`` (the photo at display size) with a ring in each hint's colour; the chosen one bigger."""
    out = image.convert("RGB")
    draw = ImageDraw.Draw(out)
    scale = out.width / photo_size[0]
    base = max(5.0, max(out.size) / 110)
    for p in state.placed:
        r = base * (1.5 if p.id == state.chosen else 1.0)
        cx, cy = (p.hint.x + 0.5) * scale, (p.hint.y + 0.5) * scale
        draw.ellipse((cx - r - 2, cy - r - 2, cx + r + 2, cy + r + 2), fill=(0, 0, 0))
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=(255, 255, 255))
        draw.ellipse((cx - r + 2, cy - r + 2, cx + r - 2, cy + r - 2), fill=p.hint.rgb)
    return out


# ---------------------------------------------------------------- session state


def hints_available() -> bool:
    """True when the loaded weights can take colour hints (they have a hint branch)."""
    return getattr(get_colorizer().model, "hints", None) is not None


def hint_state(source: PhotoSource) -> HintState:
    """This session's hints for ``source`` (empty for another photo); a pending tap is applied first."""
    state: HintState | None = st.session_state.get(HINTS_KEY)
    if state is None or state.source_key != source.key:
        state = HintState(source.key)
    tap = st.session_state.pop(PENDING_KEY, None)
    if tap is not None and source.loaded is not None:
        size = (source.loaded.rgb.shape[1], source.loaded.rgb.shape[0])
        try:
            state = with_tap(state, photo_point(tap, size), st.session_state.get(COLOUR_KEY, DEFAULT_COLOUR), size)
        except HintError as exc:
            st.session_state[ERROR_KEY] = str(exc)
        st.session_state[HINTS_KEY] = state
    return state


def active_hints(source: PhotoSource) -> tuple[Hint, ...]:
    """The hints that colour this photo (none when the weights cannot take hints)."""
    return hint_state(source).hints if hints_available() else ()


def hinted_view(source: PhotoSource, saturation: float, hints: tuple[Hint, ...], lang: str) -> HintedPreview | None:
    """The result with ``hints`` at display size; None without hints or when they fail (the reason is shown)."""
    if not hints:
        return None
    try:
        return hinted_preview(source, saturation, hints)
    except HintError as exc:
        st.error(t("hints.error", lang), icon=":material/error:")
        st.caption(md_escape(t("error.details", lang, reason=str(exc))))
        return None


def _update(change: Callable[[HintState], HintState]) -> None:
    state: HintState | None = st.session_state.get(HINTS_KEY)
    if state is not None:
        st.session_state[HINTS_KEY] = change(state)


def _on_tap() -> None:
    tap = st.session_state.get(TAP_KEY)
    if tap:
        st.session_state[PENDING_KEY] = tap


def _on_colour() -> None:
    _update(lambda s: recoloured(s, st.session_state[COLOUR_KEY]))


# ---------------------------------------------------------------- widgets


def mode_switch(lang: str) -> bool:
    """The "fix a colour" toggle, or a note that these weights cannot take hints; True when on."""
    if not hints_available():
        st.caption(t("hints.unavailable", lang))
        return False
    return st.toggle(t("hints.mode", lang), key=MODE_KEY, help=t("hints.mode_help", lang))


def _swatch(hex_colour: str) -> str:
    return (f'<span style="display:inline-block;width:1em;height:1em;vertical-align:-.15em;border-radius:50%;'
            f'background:{hex_colour};border:1px solid rgba(0,0,0,.35)"></span>')


def hint_list(state: HintState, lang: str) -> None:
    """Each hint with its colour and a remove button, and "remove all"."""
    st.markdown(f"**{t('hints.list', lang, n=len(state.placed))}**")
    if not state.placed:
        st.caption(t("hints.none", lang))
        return
    for n, p in enumerate(state.placed, start=1):
        text = t("hints.item", lang, n=n, x=round(p.hint.x), y=round(p.hint.y), colour=p.hint.hex)
        if p.id == state.chosen:
            text += " " + t("hints.item_selected", lang)
        row = st.columns([4, 1], vertical_alignment="center")
        row[0].markdown(f"{_swatch(p.hint.hex)} {md_escape(text)}", unsafe_allow_html=True)
        row[1].button(t("hints.remove", lang), key=f"hr_hint_remove_{p.id}", help=t("hints.remove_help", lang, n=n),
                      icon=":material/close:", on_click=_update, args=(lambda s, i=p.id: without(s, i),),
                      width="stretch")
    st.button(t("hints.clear", lang), key=CLEAR_KEY, icon=":material/delete:", on_click=_update, args=(cleared,))


def hint_editor(source: PhotoSource, after_small: Image.Image, lang: str) -> None:
    """The clickable photo (with markers) and the colour picker beside it, the hint list below."""
    assert source.loaded is not None, "hint_editor needs a photo that decoded"
    size = (source.loaded.rgb.shape[1], source.loaded.rgb.shape[0])
    state = hint_state(source)
    st.caption(t("hints.how", lang))
    error = st.session_state.pop(ERROR_KEY, None)
    if error:
        st.error(t("hints.error", lang), icon=":material/error:")
        st.caption(md_escape(t("error.details", lang, reason=error)))
    portrait = size[1] > size[0]
    photo_col, side = st.columns([3 * size[0] / size[1], 1.2] if portrait else [3, 1.2])
    with photo_col:
        streamlit_image_coordinates(with_markers(after_small, state, size), key=TAP_KEY, width="stretch",
                                    image_format="JPEG", jpeg_quality=PREVIEW_JPEG_QUALITY, on_click=_on_tap,
                                    cursor="crosshair")
    side.color_picker(t("hints.colour", lang), value=DEFAULT_COLOUR, key=COLOUR_KEY, on_change=_on_colour,
                      help=t("hints.colour_help", lang))
    hint_list(state, lang)


def applied_note(hints: Sequence[Hint], lang: str) -> None:
    """A one-line reminder, outside the mode, that the result carries the visitor's hints."""
    if hints:
        st.caption(t("hints.applied", lang, n=len(hints)))

"""An offline before/after slider: inline HTML, CSS and a few lines of JS, images as data URIs.

``streamlit-image-comparison`` fetches its script from a CDN and shows
nothing without internet, so this draws the slider itself with ``st.html``
(no iframe, no network requests). A transparent ``<input type=range>`` over
the photos does the dragging, so mouse, touch and keyboard all work; the
script only copies its value into a CSS variable. Its thumb is 2 px wide so a
tap anywhere maps linearly to the divider's position under the finger.
"""

from __future__ import annotations

import base64
import hashlib
import html
import io

import streamlit as st
from PIL import Image

DISPLAY_MAX_SIDE = 1600  # the browser gets a preview; the full-size result is for download
JPEG_QUALITY = 88

_CSS = """
<style>
.hr-cmp{position:relative;width:100%;margin:0 auto;line-height:0;user-select:none;--pos:50%;
  border-radius:.5rem;overflow:hidden;touch-action:pan-y}
.hr-cmp img{display:block;width:100%;height:auto;pointer-events:none}
.hr-cmp .hr-before{position:absolute;inset:0;height:100%;clip-path:inset(0 calc(100% - var(--pos)) 0 0)}
.hr-cmp .hr-line{position:absolute;top:0;bottom:0;left:var(--pos);width:3px;margin-left:-1.5px;
  background:#fff;box-shadow:0 0 4px rgba(0,0,0,.6);pointer-events:none}
.hr-cmp .hr-knob{position:absolute;top:50%;left:var(--pos);width:44px;height:44px;margin:-22px 0 0 -22px;
  border-radius:50%;background:#fff;box-shadow:0 0 6px rgba(0,0,0,.6);pointer-events:none;
  display:flex;align-items:center;justify-content:center;font:700 18px/1 sans-serif;color:#333}
.hr-cmp .hr-label{position:absolute;top:.6rem;padding:.25rem .6rem;border-radius:.3rem;
  background:rgba(0,0,0,.6);color:#fff;font:600 .9rem/1.2 sans-serif;pointer-events:none}
.hr-cmp .hr-label-before{left:.6rem}
.hr-cmp .hr-label-after{right:.6rem}
.hr-cmp input.hr-range{position:absolute;inset:0;width:100%;height:100%;margin:0;opacity:0;
  cursor:ew-resize;-webkit-appearance:none;appearance:none;touch-action:pan-y}
.hr-cmp input.hr-range::-webkit-slider-thumb{-webkit-appearance:none;width:2px;height:100%}
.hr-cmp input.hr-range::-moz-range-thumb{width:2px;height:100%;border:0}
.hr-cmp input.hr-range:focus-visible{opacity:.15}
</style>
"""

# Runs once each time Streamlit mounts the element; finds its own slider by id.
_JS = """
<script>
(function(){
  var box = document.getElementById(%(id)s);
  if (!box) return;
  var range = box.querySelector("input.hr-range");
  var show = function(){ box.style.setProperty("--pos", range.value + "%%"); };
  range.addEventListener("input", show);
  show();
})();
</script>
"""


def display_copy(image: Image.Image, max_side: int = DISPLAY_MAX_SIDE) -> Image.Image:
    """A copy no larger than ``max_side`` on its long side (aspect kept), in RGB or RGBA."""
    img = image if image.mode in ("RGB", "RGBA") else image.convert("RGBA" if "A" in image.getbands() else "RGB")
    scale = max_side / max(img.size)
    if scale < 1:
        size = (max(1, round(img.width * scale)), max(1, round(img.height * scale)))
        img = img.resize(size, Image.Resampling.LANCZOS)
    return img


def data_uri(image: Image.Image) -> str:
    """The image as a ``data:`` URI: JPEG when opaque (small), PNG when it has transparency."""
    buf = io.BytesIO()
    if image.mode == "RGBA":
        image.save(buf, "PNG", optimize=False)
        mime = "image/png"
    else:
        image.convert("RGB").save(buf, "JPEG", quality=JPEG_QUALITY)
        mime = "image/jpeg"
    return f"data:{mime};base64,{base64.b64encode(buf.getvalue()).decode('ascii')}"


def comparison_html(
    before: Image.Image,
    after: Image.Image,
    label_before: str,
    label_after: str,
    element_id: str,
    width: int | None = None,
    max_side: int = DISPLAY_MAX_SIDE,
) -> str:
    """The slider's self-contained HTML (styles, both images as data URIs, script). Pure: no Streamlit."""
    after_small = display_copy(after, max_side)
    # Same pixel size for both layers, so the clip lines up exactly.
    before_small = display_copy(before, max_side)
    if before_small.size != after_small.size:
        before_small = before_small.resize(after_small.size, Image.Resampling.LANCZOS)
    # Never wider than the preview itself (no blurry upscaling), never taller than ~80% of the screen.
    w, h = after_small.size
    limits = [f"{w}px", f"calc(80vh * {w / h:.4f})"] + ([f"{int(width)}px"] if width else [])
    style = f"max-width:min({', '.join(limits)})"
    lb, la = html.escape(label_before), html.escape(label_after)
    return (
        _CSS
        + f'<div class="hr-cmp" id="{element_id}" style="{style}" data-testid="hr-comparison">'
        + f'<img class="hr-after" src="{data_uri(after_small)}" alt="{la}">'
        + f'<img class="hr-before" src="{data_uri(before_small)}" alt="{lb}">'
        + '<div class="hr-line"></div><div class="hr-knob">&#8596;</div>'
        + f'<span class="hr-label hr-label-before">{lb}</span>'
        + f'<span class="hr-label hr-label-after">{la}</span>'
        + f'<input class="hr-range" type="range" min="0" max="100" step="0.5" value="50" '
        + f'aria-label="{lb} / {la}">'
        + "</div>"
        + _JS % {"id": repr(element_id)}
    )


def _element_id(key: str | None, before: Image.Image, after: Image.Image) -> str:
    """A DOM id unique to this slider: from the key, else from the images' size and a pixel sample."""
    if key:
        seed = key.encode()
    else:
        seed = repr((before.size, after.size)).encode() + after.resize((8, 8)).tobytes() + before.resize((8, 8)).tobytes()
    return "hr-cmp-" + hashlib.sha1(seed).hexdigest()[:12]


def image_comparison(
    before: Image.Image,
    after: Image.Image,
    label_before: str,
    label_after: str,
    key: str | None = None,
    width: int | None = None,
) -> None:
    """Show a before/after slider that works offline (drag, tap or arrow keys to move the divider).

    ``before``/``after``: PIL images of the same aspect (``before`` is resized
    to ``after``'s display size); both are downscaled to at most
    ``DISPLAY_MAX_SIDE`` pixels for the browser. ``width``: max width in CSS px
    (default: the column's width). ``key`` makes the element id stable.
    """
    body = comparison_html(before, after, label_before, label_after, _element_id(key, before, after), width)
    st.html(body, unsafe_allow_javascript=True)

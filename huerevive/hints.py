"""User colour hints: "this spot is red". Parsing, checking and drawing them for the network.

A hint is a point in the ORIGINAL photo's pixels and a colour (``#rrggbb`` or
an (r, g, b) tuple of 0..255). Only the colour's a and b are used: the
photo's own lightness stays. Every problem raises ``HintError`` naming the
hint and what is wrong with it, before any work is done.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from huerevive.color import rgb_to_lab
from huerevive.errors import HintError

MAX_HINTS = 200
# A hint covers (2r+1)^2 pixels of the network's input: 9x9, the largest patch simulated in training
# (training/hints.py); chosen over 3x3..13x13 on photos_more/val (docs/RESULTS.md, "mark size").
HINT_RADIUS = 4
_HEX = re.compile(r"#?([0-9a-fA-F]{6})")

HintLike = Any  # Hint, (x, y, colour) tuple/list, or {"x":, "y":, "color":} mapping


@dataclass(frozen=True)
class Hint:
    """A colour at a point: ``x``, ``y`` in the photo's pixels (0 = left/top), ``rgb`` 0..255."""

    x: float
    y: float
    rgb: tuple[int, int, int]

    @property
    def hex(self) -> str:
        return "#{:02x}{:02x}{:02x}".format(*self.rgb)

    @functools.cached_property
    def ab(self) -> tuple[float, float]:
        """The colour's a and b (CIE Lab, D65); converted once per hint (the network and the spreading both use it)."""
        lab = rgb_to_lab(torch.tensor(self.rgb, dtype=torch.float32).view(3, 1, 1) / 255.0)
        return float(lab[1, 0, 0]), float(lab[2, 0, 0])


def parse_color(value: object, where: str = "hint") -> tuple[int, int, int]:
    """``"#c0392b"`` or ``(192, 57, 43)`` -> (r, g, b) ints in 0..255."""
    if isinstance(value, str):
        match = _HEX.fullmatch(value.strip())
        if not match:
            raise HintError(f"{where}: colour {value!r} is not #rrggbb (six hexadecimal digits, e.g. #c0392b)")
        code = match.group(1)
        return int(code[0:2], 16), int(code[2:4], 16), int(code[4:6], 16)
    if isinstance(value, (tuple, list)) and len(value) == 3:
        channels = []
        for c in value:
            if isinstance(c, bool) or not isinstance(c, (int, float)) or not 0 <= c <= 255 or int(c) != c:
                raise HintError(f"{where}: colour {tuple(value)!r} must be three whole numbers from 0 to 255")
            channels.append(int(c))
        return channels[0], channels[1], channels[2]
    raise HintError(f"{where}: colour {value!r} is neither #rrggbb nor an (r, g, b) tuple")


def _coordinate(value: object, name: str, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
        raise HintError(f"{where}: {name} must be a number of pixels, got {value!r}")
    return float(value)


def to_hint(item: HintLike, index: int = 0) -> Hint:
    """One hint from a ``Hint``, an ``(x, y, colour)`` sequence or an ``{"x", "y", "color"}`` mapping."""
    where = f"hint {index + 1}"
    if isinstance(item, Hint):
        return item
    if isinstance(item, dict):
        missing = [k for k in ("x", "y", "color") if k not in item]
        unknown = sorted(set(item) - {"x", "y", "color"})
        if missing or unknown:
            detail = f"missing {', '.join(missing)}" if missing else f"unknown key {', '.join(map(repr, unknown))}"
            raise HintError(f'{where}: expected {{"x": ..., "y": ..., "color": "#rrggbb"}}, {detail}')
        x, y, colour = item["x"], item["y"], item["color"]
    elif isinstance(item, (tuple, list)) and len(item) == 3:
        x, y, colour = item
    else:
        raise HintError(f"{where}: expected (x, y, colour), got {item!r}")
    return Hint(_coordinate(x, "x", where), _coordinate(y, "y", where), parse_color(colour, where))


def check_hints(hints: Iterable[HintLike] | None, width: int, height: int) -> list[Hint]:
    """Parse every hint and check it lies inside a ``width`` x ``height`` photo."""
    if hints is None:
        return []
    if isinstance(hints, (str, bytes, dict)):
        raise HintError(f"hints must be a list of (x, y, colour), got {type(hints).__name__}")
    parsed = [to_hint(item, i) for i, item in enumerate(hints)]
    if len(parsed) > MAX_HINTS:
        raise HintError(f"too many hints: {len(parsed)} (at most {MAX_HINTS})")
    for i, hint in enumerate(parsed):
        if not (0 <= hint.x < width and 0 <= hint.y < height):
            raise HintError(
                f"hint {i + 1} at ({hint.x:g}, {hint.y:g}) is outside the photo "
                f"({width}x{height} pixels: x 0..{width - 1}, y 0..{height - 1})"
            )
    return parsed


def parse_hint_arg(text: str) -> Hint:
    """The CLI's ``X,Y,#RRGGBB`` -> Hint."""
    parts = text.split(",")
    if len(parts) != 3:
        raise HintError(f"--hint {text!r}: expected X,Y,#RRGGBB (e.g. 120,340,#c0392b)")
    try:
        x, y = float(parts[0]), float(parts[1])
    except ValueError:
        raise HintError(f"--hint {text!r}: X and Y must be numbers of pixels") from None
    return Hint(x, y, parse_color(parts[2], f"--hint {text!r}"))


def load_hints_file(path: str | Path) -> list[Hint]:
    """A JSON file holding ``[{"x": ..., "y": ..., "color": "#rrggbb"}, ...]`` -> hints."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise HintError(f"{path}: hints file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise HintError(f"{path}: cannot read the hints file ({exc})") from None
    except json.JSONDecodeError as exc:
        raise HintError(f"{path}: not valid JSON (line {exc.lineno}: {exc.msg})") from None
    if not isinstance(data, list):
        raise HintError(f'{path}: expected a JSON list of {{"x": ..., "y": ..., "color": "#rrggbb"}}, got {type(data).__name__}')
    hints = []
    for i, item in enumerate(data):
        if not isinstance(item, dict):
            raise HintError(f'{path}: hint {i + 1} must be an object {{"x": ..., "y": ..., "color": "#rrggbb"}}, got {item!r}')
        try:
            hints.append(to_hint(item, i))
        except HintError as exc:
            raise HintError(f"{path}: {exc}") from None
    return hints


def hint_points(hints: Sequence[Hint], photo_size: tuple[int, int], map_size: tuple[int, int]) -> list[tuple[int, int]]:
    """Hints on a (H, W) photo -> their (row, column) in an (h, w) map of the same photo."""
    height, width = photo_size
    map_h, map_w = map_size
    return [
        (min(map_h - 1, int((hint.y + 0.5) * map_h / height)), min(map_w - 1, int((hint.x + 0.5) * map_w / width)))
        for hint in hints
    ]


def hint_maps(
    hints: Sequence[Hint], photo_size: tuple[int, int], map_size: tuple[int, int], device: torch.device | str = "cpu"
) -> tuple[torch.Tensor, torch.Tensor]:
    """Hints on a (H, W) photo -> network inputs at (h, w): ab (1, 2, h, w) and mask (1, 1, h, w)."""
    map_h, map_w = map_size
    hint_ab = torch.zeros(1, 2, map_h, map_w, device=device)
    mask = torch.zeros(1, 1, map_h, map_w, device=device)
    for hint, (cy, cx) in zip(hints, hint_points(hints, photo_size, map_size)):
        rows = slice(max(0, cy - HINT_RADIUS), cy + HINT_RADIUS + 1)
        cols = slice(max(0, cx - HINT_RADIUS), cx + HINT_RADIUS + 1)
        a, b = hint.ab
        hint_ab[0, 0, rows, cols] = a
        hint_ab[0, 1, rows, cols] = b
        mask[0, 0, rows, cols] = 1.0
    return hint_ab, mask

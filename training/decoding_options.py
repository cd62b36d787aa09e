"""Command-line types for the decoding settings that export and evaluate both take.

Each asks the network's own rule (``huerevive.network``), the one the
weights' loader applies, so an option is refused with the same words
wherever it is given.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TypeVar

from huerevive.network import chroma_gain_problem, context_share_problem, context_size_problem, neutral_fade_problem

T = TypeVar("T", int, float)


def _checked(text: str, convert: Callable[[str], T], problem: Callable[[object], str | None], not_a: str) -> T:
    """``text`` converted, or argparse's error with the conversion's or the rule's reason."""
    try:
        value = convert(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not {not_a}: {text!r}") from None
    if message := problem(value):
        raise argparse.ArgumentTypeError(message)
    return value


def context_size_option(text: str) -> int:
    """``--context-size``: a whole number of pixels, 0 (off) or at least the network's minimum."""
    return _checked(text, int, context_size_problem, "a whole number of pixels")


def context_share_option(text: str) -> float:
    """``--context-share``: the coarser look's share of the colour, 0 to 1."""
    return _checked(text, float, context_share_problem, "a number")


def neutral_fade_option(text: str) -> float:
    """``--neutral-fade``: how much possibly gray pixels' colour fades, 0 (off) to the network's maximum."""
    return _checked(text, float, neutral_fade_problem, "a number")


def chroma_gain_option(text: str) -> float:
    """``--chroma-gain``: the colour given back after the fade (1: none)."""
    return _checked(text, float, chroma_gain_problem, "a number")

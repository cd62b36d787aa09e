"""Command-line types for the decoding settings that export and evaluate both take.

Each asks the network's own rule (``huerevive.network``), the one the
weights' loader applies, so an option is refused with the same words
wherever it is given.
"""

from __future__ import annotations

import argparse

from huerevive.network import context_share_problem, context_size_problem


def context_size_option(text: str) -> int:
    """``--context-size``: a whole number of pixels, 0 (off) or at least the network's minimum."""
    try:
        size = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number of pixels: {text!r}") from None
    if problem := context_size_problem(size):
        raise argparse.ArgumentTypeError(problem)
    return size


def context_share_option(text: str) -> float:
    """``--context-share``: the coarser look's share of the colour, 0 to 1."""
    try:
        share = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if problem := context_share_problem(share):
        raise argparse.ArgumentTypeError(problem)
    return share

"""A dependency-free text progress bar with ETA, for the CLI and the training script."""

from __future__ import annotations

import sys
import time
from typing import TextIO


def format_seconds(seconds: float) -> str:
    """12.3 -> '0:12', 4000 -> '1:06:40'."""
    seconds = max(0, int(round(seconds)))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class ProgressBar:
    """``[#####-----] 5/10 50% 0:04 elapsed, ETA 0:04 - name`` on one rewritten line.

    On a non-terminal stream (a log file) it writes whole lines instead, at most
    one every ``min_interval`` seconds, so logs stay readable.
    """

    def __init__(self, total: int, stream: TextIO | None = None, width: int = 24, min_interval: float = 5.0) -> None:
        self.total = max(0, total)
        self.stream = stream if stream is not None else sys.stderr
        self.width = width
        self.min_interval = min_interval
        self.start = time.monotonic()
        self.done = 0
        self._last_write = 0.0
        self._tty = bool(getattr(self.stream, "isatty", lambda: False)())

    def eta_seconds(self) -> float | None:
        """Estimated seconds left, from the mean time per finished item (None before the first)."""
        if self.done == 0:
            return None
        return (time.monotonic() - self.start) / self.done * (self.total - self.done)

    def render(self, note: str = "") -> str:
        frac = self.done / self.total if self.total else 1.0
        filled = int(round(frac * self.width))
        eta = self.eta_seconds()
        eta_text = format_seconds(eta) if eta is not None else "?"
        elapsed = format_seconds(time.monotonic() - self.start)
        line = f"[{'#' * filled}{'-' * (self.width - filled)}] {self.done}/{self.total} {frac:4.0%} {elapsed} elapsed, ETA {eta_text}"
        return f"{line} - {note}" if note else line

    def update(self, n: int = 1, note: str = "") -> None:
        """Mark ``n`` more items done and redraw."""
        self.done = min(self.total, self.done + n)
        now = time.monotonic()
        final = self.done >= self.total
        if self._tty:
            self.stream.write("\r\x1b[K" + self.render(note))
            if final:
                self.stream.write("\n")
        elif final or now - self._last_write >= self.min_interval:
            self.stream.write(self.render(note) + "\n")
            self._last_write = now
        self.stream.flush()

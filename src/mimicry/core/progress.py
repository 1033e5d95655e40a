"""A one-line progress display on a terminal (silent when stderr is not a tty)."""

from __future__ import annotations

import sys
import time


class Progress:
    """``label: 45% (600/1337 frames, 95 fps)``, redrawn at most 5 times a second."""

    def __init__(self, label: str, total: int | None, *, stream=None,
                 enabled: bool | None = None) -> None:
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.label = label
        self.total = total
        self.done = 0
        self._t0 = time.monotonic()
        self._last = 0.0

    def update(self, done: int) -> None:
        self.done = done
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self._last < 0.2:
            return
        self._last = now
        self._draw(now)

    def _draw(self, now: float) -> None:
        fps = self.done / max(now - self._t0, 1e-9)
        if self.total:
            pct = 100.0 * self.done / self.total
            text = f"{self.label}: {pct:5.1f}% ({self.done}/{self.total} frames, {fps:.0f} fps)"
        else:
            text = f"{self.label}: {self.done} frames ({fps:.0f} fps)"
        self.stream.write("\r" + text[:150].ljust(80))
        self.stream.flush()

    def finish(self) -> None:
        if self.enabled:
            self._draw(time.monotonic())
            self.stream.write("\n")
            self.stream.flush()

"""The one monotonic clock of a pipeline.

All pipeline times are seconds from a session's start on a monotonic clock.
The clock is injected wherever time is read, so tests can drive it. Wall-clock
time is recorded once per session (in ``session.json``), never mixed in.
"""

from __future__ import annotations

import time
from typing import Protocol


class Clock(Protocol):
    def now(self) -> float:
        """Seconds on a monotonic clock (arbitrary origin)."""


class MonotonicClock:
    """The real clock: :func:`time.monotonic`."""

    def now(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)


class ManualClock:
    """A clock that tests advance by hand. ``sleep`` advances it instantly."""

    def __init__(self, start: float = 0.0) -> None:
        self._t = float(start)

    def now(self) -> float:
        return self._t

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("a monotonic clock cannot go back")
        self._t += seconds

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            self._t += seconds


class Pacer:
    """Holds frames back to real time: frame time ``t`` is due ``t`` seconds after the first.

    The one pacing rule of every paced source (a video standing in for a camera, the demo
    participant).

    Parameters
    ----------
    clock : Clock
        Anything with ``now()`` and ``sleep(seconds)``.
    """

    def __init__(self, clock) -> None:
        self._clock = clock
        self._t0: float | None = None

    def shift(self, seconds: float) -> None:
        """Move every later frame ``seconds`` later (after a pause: go on where it stopped)."""
        if self._t0 is not None:
            self._t0 += max(0.0, float(seconds))

    def wait_until(self, t_s: float) -> float:
        """Sleep until frame time ``t_s`` is due; return how late it already was, seconds (>= 0)."""
        now = self._clock.now()
        if self._t0 is None:
            self._t0 = now - t_s
        wait = self._t0 + t_s - now
        if wait > 0:
            self._clock.sleep(wait)
            return 0.0
        return -wait

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

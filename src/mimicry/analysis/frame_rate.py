"""How fast the frames were tracked, and what a slow rate means for the results."""

from __future__ import annotations

import numpy as np

#: Below this many tracked frames a second the results carry a warning (a camera gives 30).
MIN_TRUSTED_FPS = 10.0


def tracked_rate(t: np.ndarray) -> float:
    """Frames tracked per second: the frame count over the time they span (NaN for < 2)."""
    t = np.asarray(t, dtype=float)
    if t.size < 2 or not t[-1] > t[0]:
        return float("nan")
    return float((t.size - 1) / (t[-1] - t[0]))


def slow_tracking_note(fps: float) -> str:
    """What a frame rate below :data:`MIN_TRUSTED_FPS` means for the results."""
    return (f"Only {fps:.1f} frames a second were tracked (a camera gives about 30): the "
            f"computer could not keep up. Brief responses can be missed and every delay and "
            f"latency is coarse (to 1/{fps:.0f} s), so trust these results less; close other "
            f"programs and run the session again.")

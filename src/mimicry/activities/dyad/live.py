"""The live lead-lag reading of two faces over the last window (the panel of the two-person activity)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mimicry.activities.dyad.profiles import recent_dyad_xcorr
from mimicry.analysis.xcorr_windowed import LagProfile


#: The live display calls the pair "in sync" from this correlation on.
LIVE_MIN_R = 0.3


@dataclass(frozen=True)
class LiveLead:
    """The live reading of a pair over the last window.

    Attributes
    ----------
    profile : LagProfile
        ``r`` over lags ``-max_lag_s..max_lag_s`` (> 0: the right face follows).
    leader : str or None
        ``"left"``/``"right"`` when the peak ``|r|`` is at least
        :data:`LIVE_MIN_R` and the lag at least ``min_lead_s``; None otherwise.
    lag_s : float
        Size of the peak lag (NaN without data).
    r : float
        Correlation at the peak (NaN without data).
    in_sync : bool
        ``|r| >= LIVE_MIN_R``. Live readings carry no p-value: the test needs
        the whole recording (:func:`analyze_dyad_arrays`).
    """

    profile: LagProfile
    leader: str | None
    lag_s: float
    r: float
    in_sync: bool


class LiveDyad:
    """The last ``window_s`` of both faces, and its lead-lag reading (live display).

    Feed :meth:`add_sample` (``t``, left and right channel, NaN without a
    face) in time order; :meth:`reading` costs a few milliseconds, so call it
    about once a second.
    """

    def __init__(self, window_s: float = 15.0, max_lag_s: float = 3.0,
                 min_lead_s: float = 0.1) -> None:
        from collections import deque  # noqa: PLC0415

        self.window_s, self.max_lag_s, self.min_lead_s = window_s, max_lag_s, min_lead_s
        self._buf: deque = deque()

    def add_sample(self, t: float, left: float, right: float) -> None:
        self._buf.append((float(t), float(left), float(right)))
        keep = self.window_s + self.max_lag_s + 1.0
        while self._buf and self._buf[0][0] < t - keep:
            self._buf.popleft()

    def reading(self) -> LiveLead | None:
        if len(self._buf) < 10:
            return None
        arr = np.asarray(self._buf, dtype=float)
        if (np.isfinite(arr[:, 1]).sum() < 10 or np.isfinite(arr[:, 2]).sum() < 10
                or arr[-1, 0] - arr[0, 0] < 2 * self.max_lag_s + 1):
            return None
        with np.errstate(invalid="ignore", divide="ignore"):
            prof = recent_dyad_xcorr(arr[:, 0], arr[:, 1], arr[:, 2], self.window_s,
                                     self.max_lag_s)
        r, lag = prof.peak_r, prof.peak_lag_s
        in_sync = bool(np.isfinite(r) and abs(r) >= LIVE_MIN_R)
        leader = None
        if in_sync and abs(lag) >= self.min_lead_s:
            leader = "left" if lag > 0 else "right"
        return LiveLead(prof, leader, abs(lag) if np.isfinite(lag) else np.nan, r, in_sync)

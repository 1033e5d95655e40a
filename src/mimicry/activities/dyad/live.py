"""The live lead-lag reading of two faces (the panel of the two-person activity), gated by a sequential surrogate test."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from mimicry.activities.dyad.gate import LiveLeadGate
from mimicry.analysis.xcorr_windowed import LagProfile


@dataclass(frozen=True)
class LiveLead:
    """The live reading of a pair over the last window.

    Attributes
    ----------
    profile : LagProfile
        ``r`` over lags ``-max_lag_s..max_lag_s`` (> 0: the right face follows).
    leader : str or None
        ``"left"``/``"right"`` only when ``in_sync`` and the peak lag is at
        least ``min_lead_s``; None otherwise ("no clear leader").
    lag_s : float
        Size of the peak lag (NaN without data).
    r : float
        Correlation at the peak (NaN without data).
    in_sync : bool
        The peak correlation is above the group-sequential surrogate boundary
        (:class:`~mimicry.activities.dyad.gate.LiveLeadGate`): two independent
        people are "in sync" at some moment of a session in at most ``alpha``
        of sessions.
    ready : bool
        The test has started (it needs ``window_s + 2 max_lag_s + max_shift_s``
        of data); before that ``in_sync`` is False.
    statistic, boundary : float
        The peak correlation and the boundary it must exceed (NaN before ``ready``).
    """

    profile: LagProfile
    leader: str | None
    lag_s: float
    r: float
    in_sync: bool
    ready: bool = False
    statistic: float = math.nan
    boundary: float = math.nan


#: Whether the live reading may name a leader. Off: with block-bootstrap surrogates the
#: gate still named one for two independent people in about 20% of 120 s sessions
#: (benchmarks/dyad_calibration.py --live), against a target of 5%. Who leads is
#: named at the end, by the offline analysis (a leader in 0.5% of unrelated pairs).
LIVE_LEADER = False


class LiveDyad:
    """Both faces' recent samples, and the gated lead-lag reading (live display).

    Feed :meth:`add_sample` (``t``, left and right channel, NaN without a
    face) in time order; :meth:`reading` looks at most once per ``update_s``
    (about a millisecond per look), so it may be called at any rate.

    Parameters
    ----------
    planned_s : float | None
        Planned session length, seconds (the alpha-spending horizon).
    **gate : keyword arguments of :class:`~mimicry.activities.dyad.gate.LiveLeadGate`
    """

    def __init__(self, planned_s: float | None = None, **gate) -> None:
        self.gate = LiveLeadGate(planned_s, **gate)

    def add_sample(self, t: float, left: float, right: float) -> None:
        self.gate.add_sample(t, left, right)

    def reading(self) -> LiveLead | None:
        """The latest gated reading; a not-yet-``ready`` one (no leader) early on, None without data."""
        g = self.gate
        with np.errstate(invalid="ignore", divide="ignore"):
            in_sync, leader, lag, r, lk = g.decision()
        if lk is None:
            if len(g._buf) < 10:
                return None
            lags = np.linspace(-g.max_lag_s, g.max_lag_s, 3)
            prof = LagProfile(lags, np.full(lags.size, np.nan), math.nan, math.nan,
                              g._buf[-1][0])
            return LiveLead(prof, None, math.nan, math.nan, False)
        _, row, lags_s = g.last
        peak = (lag if np.isfinite(lag) else math.nan)
        prof = LagProfile(lags_s, row, peak, r, g._buf[-1][0])
        if not LIVE_LEADER:
            leader, in_sync = None, False
        return LiveLead(prof, leader, lag, r, in_sync, True, lk.statistic, lk.boundary)

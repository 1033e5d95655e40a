"""Two-sided lag profiles of two faces over windows, and over the most recent window (live display)."""

from __future__ import annotations

import numpy as np

from mimicry.analysis.xcorr_windowed import LagProfile, _window_profiles
from mimicry.analysis.signals import frame_period, resample, row_peaks


def _two_sided_profiles(a, b, ends, n_win, m):
    """Window profiles over lags -m..m: ``corr(a(t), b(t + L))`` in each window."""
    pos = _window_profiles(a, b, ends, n_win, m)    # corr(a[j - L], b[j]): b follows a
    neg = _window_profiles(b, a, ends, n_win, m)    # corr(b[j - L], a[j]): a follows b
    return np.concatenate([neg[:, :0:-1], pos], axis=1)


def recent_dyad_xcorr(t: np.ndarray, left: np.ndarray, right: np.ndarray,
                      window_s: float = 15.0, max_lag_s: float = 3.0,
                      max_gap_s: float = 0.5) -> LagProfile:
    """Lag profile of the two faces over the most recent ``window_s`` (live display).

    Parameters
    ----------
    t : ndarray, shape (n,)
        Frame times, seconds, increasing (one row per frame).
    left, right : ndarray, shape (n,)
        The channel of face 0 and face 1, NaN without a face.

    Returns
    -------
    mimicry.analysis.xcorr.LagProfile
        ``lags_s`` from ``-max_lag_s`` to ``+max_lag_s``; a peak at ``L > 0``
        means the right face follows the left.
    """
    t = np.asarray(t, dtype=float)
    dt = frame_period(t)
    if not np.isfinite(dt):
        return LagProfile(np.zeros(1), np.full(1, np.nan), np.nan, np.nan,
                          float(t[-1]) if t.size else np.nan)
    m = int(round(max_lag_s / dt))
    lags_s = dt * np.arange(-m, m + 1)
    n_grid = int(np.floor((t[-1] - t[0]) / dt + 1e-6)) + 1
    grid = t[-1] - dt * np.arange(n_grid)[::-1]
    gap = max(max_gap_s, 1.5 * dt)
    a = resample(t, np.asarray(left, float), grid, gap)
    b = resample(t, np.asarray(right, float), grid, gap)
    n_win = min(int(round(window_s / dt)), grid.size - m)
    if n_win < 3:
        return LagProfile(lags_s, np.full(2 * m + 1, np.nan), np.nan, np.nan, float(t[-1]))
    prof = _two_sided_profiles(a, b, np.array([grid.size - 1]), n_win, m)
    lag, val = row_peaks(prof, dt, first_lag=-m)
    return LagProfile(lags_s, prof[0], float(lag[0]), float(val[0]), float(t[-1]))

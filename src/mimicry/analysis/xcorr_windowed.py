"""Windowed lagged cross-correlation (Boker et al., 2002): the lag profile of the most recent window, live."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mimicry.analysis.signals import _correlations, frame_period, resample, row_peaks


@dataclass(frozen=True)
class LagProfile:
    """A lag profile over one window.

    Attributes
    ----------
    lags_s : ndarray, shape (n_lags,)
    r : ndarray, shape (n_lags,)
        Pearson r per lag, NaN where undefined (e.g. the stimulus is flat).
    peak_lag_s, peak_r : float
        Largest ``|r|`` (parabolic refinement); NaN when undefined.
    t_end : float
        End of the window, seconds.
    """

    lags_s: np.ndarray
    r: np.ndarray
    peak_lag_s: float
    peak_r: float
    t_end: float


@dataclass(frozen=True)
class WindowedXcorr:
    """Windowed lagged cross-correlation (Boker et al., 2002).

    Attributes
    ----------
    t_end : ndarray, shape (n_windows,)
        End time of each response window, seconds.
    lags_s : ndarray, shape (n_lags,)
    r : ndarray, shape (n_windows, n_lags)
    peak_lag_s, peak_r : ndarray, shape (n_windows,)
        Peak picking per window (largest ``|r|``, parabolic refinement).
    """

    t_end: np.ndarray
    lags_s: np.ndarray
    r: np.ndarray
    peak_lag_s: np.ndarray
    peak_r: np.ndarray


def _window_profiles(s: np.ndarray, r: np.ndarray, ends: np.ndarray, n_win: int,
                     m_lags: int) -> np.ndarray:
    """r per (window, lag): response r[e-n_win+1 .. e], stimulus shifted back by the lag."""
    w = np.isfinite(r) & np.isfinite(s)
    out = np.full((ends.size, m_lags + 1), np.nan)
    for m in range(m_lags + 1):
        # Pairs (s[j - m], r[j]) for j in the window.
        s_m = np.full(r.shape, np.nan)
        s_m[m:] = s[:r.size - m] if m else s
        ok = w & np.isfinite(s_m)
        if m:
            ok[:m] = False
        sz, rz = np.where(ok, s_m, 0.0), np.where(ok, r, 0.0)
        cs = [np.concatenate([[0.0], np.cumsum(a)]) for a in
              (ok.astype(float), sz, sz * sz, rz, rz * rz, sz * rz)]
        lo, hi = ends - n_win + 1, ends + 1
        n, s1, s2, r1, r2, sr = (c[hi] - c[lo] for c in cs)
        with np.errstate(invalid="ignore", divide="ignore"):
            rho = _correlations(s1, s2, sr, n, r1, r2)
        out[:, m] = np.where(n >= 3, rho, np.nan)
    return out


def windowed_xcorr(
    t: np.ndarray,
    stimulus: np.ndarray,
    response: np.ndarray,
    window_s: float = 15.0,
    max_lag_s: float = 3.0,
    step_s: float | None = None,
    max_gap_s: float = 0.5,
) -> WindowedXcorr:
    """Windowed lagged cross-correlation (Boker et al., 2002).

    For each window ending at ``T`` (every ``step_s``) and each lag ``L``:
    ``corr(s(t - L), r(t))`` for ``t`` in ``(T - window_s, T]``.

    Parameters
    ----------
    t : ndarray, shape (n,)
        Frame times, seconds, increasing.
    stimulus : ndarray, shape (n,)
        Signed stimulus expression at the frame times.
    response : ndarray, shape (n,)
        Viewer's valence, NaN without a face.
    window_s, max_lag_s, step_s, max_gap_s : float
        Window length, largest lag, window step (default ``window_s / 2``) and
        longest interpolated gap, seconds.

    Returns
    -------
    WindowedXcorr
    """
    t = np.asarray(t, dtype=float)
    dt = frame_period(t)
    step_s = window_s / 2 if step_s is None else step_s
    m_lags = int(round(max_lag_s / dt)) if np.isfinite(dt) else 0
    lags_s = dt * np.arange(m_lags + 1) if np.isfinite(dt) else np.zeros(1)
    if not np.isfinite(dt) or t[-1] - t[0] < window_s + max_lag_s:
        return WindowedXcorr(np.zeros(0), lags_s, np.zeros((0, m_lags + 1)), np.zeros(0),
                             np.zeros(0))
    grid = t[0] + dt * np.arange(int(np.floor((t[-1] - t[0]) / dt + 1e-6)) + 1)
    s = np.interp(grid, t, np.asarray(stimulus, float))
    r = resample(t, response, grid, max(max_gap_s, 1.5 * dt))
    n_win = int(round(window_s / dt))
    first_end = n_win + m_lags - 1
    ends = np.arange(first_end, grid.size, max(1, int(round(step_s / dt))))
    prof = _window_profiles(s, r, ends, n_win, m_lags)
    lag, val = row_peaks(prof, dt)
    return WindowedXcorr(grid[ends], lags_s, prof, lag, val)


def recent_xcorr(
    t: np.ndarray,
    stimulus: np.ndarray,
    response: np.ndarray,
    window_s: float = 15.0,
    max_lag_s: float = 3.0,
    max_gap_s: float = 0.5,
) -> LagProfile:
    """Lag profile over the most recent ``window_s`` (for the live display).

    Parameters are as for :func:`windowed_xcorr`; the window ends at ``t[-1]``.
    With less than ``window_s + max_lag_s`` of data, the window is shortened.
    """
    t = np.asarray(t, dtype=float)
    dt = frame_period(t)
    if not np.isfinite(dt):
        return LagProfile(np.zeros(1), np.full(1, np.nan), np.nan, np.nan,
                          float(t[-1]) if t.size else np.nan)
    m_lags = int(round(max_lag_s / dt))
    lags_s = dt * np.arange(m_lags + 1)
    n_grid = int(np.floor((t[-1] - t[0]) / dt + 1e-6)) + 1
    grid = t[-1] - dt * np.arange(n_grid)[::-1]
    s = np.interp(grid, t, np.asarray(stimulus, float))
    r = resample(t, response, grid, max(max_gap_s, 1.5 * dt))
    n_win = min(int(round(window_s / dt)), grid.size - m_lags)
    if n_win < 3:
        return LagProfile(lags_s, np.full(m_lags + 1, np.nan), np.nan, np.nan, float(t[-1]))
    prof = _window_profiles(s, r, np.array([grid.size - 1]), n_win, m_lags)
    lag, val = row_peaks(prof, dt)
    return LagProfile(lags_s, prof[0], float(lag[0]), float(val[0]), float(t[-1]))

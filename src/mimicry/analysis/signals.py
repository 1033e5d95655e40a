"""Time-series primitives: a uniform grid, a moving-mean detrend, a sub-sample peak, correlations from sums."""

from __future__ import annotations

import numpy as np


def frame_period(t: np.ndarray) -> float:
    """Median step between frames, seconds (NaN with fewer than 2 frames)."""
    t = np.asarray(t, dtype=float)
    if t.size < 2:
        return float("nan")
    d = np.diff(t)
    d = d[d > 0]
    return float(np.median(d)) if d.size else float("nan")


def resample(t: np.ndarray, x: np.ndarray, grid: np.ndarray, max_gap_s: float) -> np.ndarray:
    """Linear interpolation of ``x`` onto ``grid``, NaN inside gaps longer than ``max_gap_s``.

    Parameters
    ----------
    t : ndarray, shape (n,)
        Sample times, increasing; samples with non-finite ``x`` are gaps.
    x : ndarray, shape (n,)
    grid : ndarray, shape (k,)

    Returns
    -------
    ndarray, shape (k,)
    """
    ok = np.isfinite(x)
    tt, xx = np.asarray(t, float)[ok], np.asarray(x, float)[ok]
    out = np.full(grid.shape, np.nan)
    if tt.size == 0:
        return out
    out = np.interp(grid, tt, xx, left=np.nan, right=np.nan)
    # Bracketing samples: a grid point between two samples further apart than
    # max_gap_s is in a gap, unless it sits on a sample.
    j = np.searchsorted(tt, grid, side="right")
    prev_t = tt[np.clip(j - 1, 0, tt.size - 1)]
    next_t = tt[np.clip(j, 0, tt.size - 1)]
    eps = 1e-9
    on_sample = (np.abs(grid - prev_t) <= eps) | (np.abs(next_t - grid) <= eps)
    gap = (next_t - prev_t > max_gap_s + eps) & ~on_sample
    out[gap] = np.nan
    return out


def moving_mean(x: np.ndarray, half_width: int) -> np.ndarray:
    """Centred moving mean over ``2 * half_width + 1`` samples, ignoring NaN.

    Parameters
    ----------
    x : ndarray, shape (k,)

    Returns
    -------
    ndarray, shape (k,)
        NaN where the window holds no finite value.
    """
    ok = np.isfinite(x)
    c = np.concatenate([[0.0], np.cumsum(np.where(ok, x, 0.0))])
    n = np.concatenate([[0], np.cumsum(ok)])
    k = x.size
    lo = np.clip(np.arange(k) - half_width, 0, k)
    hi = np.clip(np.arange(k) + half_width + 1, 0, k)
    cnt = n[hi] - n[lo]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(cnt > 0, (c[hi] - c[lo]) / np.maximum(cnt, 1), np.nan)


def parabolic_peak(y: np.ndarray, i: int) -> tuple[float, float]:
    """Sub-sample position and height of a peak by a parabola through 3 points.

    Parameters
    ----------
    y : ndarray, shape (n,)
    i : int
        Index of the sampled extreme (a maximum or a minimum).

    Returns
    -------
    offset : float
        In samples, within [-0.5, 0.5]; 0 at the edges.
    value : float
        Height of the parabola's vertex.
    """
    if i <= 0 or i >= y.size - 1 or not np.isfinite(y[i - 1:i + 2]).all():
        return 0.0, float(y[i])
    a, b, c = y[i - 1], y[i], y[i + 1]
    den = a - 2.0 * b + c
    if den == 0:
        return 0.0, float(b)
    off = float(np.clip(0.5 * (a - c) / den, -0.5, 0.5))
    return off, float(b - 0.25 * (a - c) * off)


def _correlations(s_sum, s_sq, sr_sum, n, r_sum, r_sq):
    """Pearson r from pair sums, broadcasting over lags (and relabellings).

    ``r = (n Ssr - Ss Sr) / sqrt((n Sss - Ss^2) (n Srr - Sr^2))``; NaN where a
    side has no variance.
    """
    s_sum = np.asarray(s_sum, dtype=float)
    num = np.multiply(sr_sum, n)
    num -= s_sum * r_sum
    den = s_sum * s_sum
    np.subtract(np.multiply(s_sq, n), den, out=den)
    vr = np.multiply(r_sq, n) - np.multiply(r_sum, r_sum)
    np.multiply(den, np.maximum(vr, 0.0), out=den)
    np.maximum(den, 0.0, out=den)
    np.sqrt(den, out=den)
    # Relative floor: a flat side (e.g. no happy or sad trial in view) is undefined, not 0.
    tiny = den <= 1e-12 * np.maximum(np.abs(num), 1e-300) + 1e-300
    den[tiny] = np.nan
    num /= den
    return num


def row_peaks(profiles: np.ndarray, dt: float, first_lag: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The largest ``|r|`` of each row of lag profiles, refined by :func:`parabolic_peak`.

    Parameters
    ----------
    profiles : ndarray, shape (n_windows, n_lags)
        Correlation at each lag; column ``k`` is lag ``(k + first_lag) * dt``.
    dt : float
        Lag step, seconds.
    first_lag : int
        Lag of column 0, in steps (``-m`` for profiles over ``-m..m``).

    Returns
    -------
    lag_s, value : ndarray, shape (n_windows,)
        NaN for rows without any finite value.
    """
    lag = np.full(profiles.shape[0], np.nan)
    val = np.full(profiles.shape[0], np.nan)
    for i, row in enumerate(profiles):
        if np.isfinite(row).any():
            j = int(np.nanargmax(np.abs(row)))
            off, v = parabolic_peak(row, j)
            lag[i], val[i] = (j + first_lag + off) * dt, v
    return lag, val

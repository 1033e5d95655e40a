"""The live "who leads" of two faces, shown only above a group-sequential block-bootstrap surrogate boundary.

Statistic at every look (about once a second): the maximum over lags
``L = -max_lag_s..max_lag_s`` of ``corr(a(t), b(t + L))`` over the last
``window_s`` of the left face ``a`` (the window ends ``max_lag_s`` before now,
so that every lag uses data already seen). Both faces are first high-passed
(a trailing mean of ``detrend_s`` is subtracted) and put on a grid of at most
``grid_hz``.

Surrogates (``n_surrogates`` reference series): a stand-in for the right face
that is independent of the left one by construction, built like a block
bootstrap that carries its history. Time is cut into fixed slots of
``block_s``; surrogate ``j`` fills each slot, once and for all when the slot is
first needed, with a block of the right face's own past, taken at least
``min_shift_s`` earlier from the last ``history_s`` (a random start per slot
and surrogate). So each surrogate is one continuing series that moves like the
right face within blocks (its autocorrelation, episodes, noise) and is the
same series at every look, as the group-sequential boundary needs.
Correlations for all surrogates and lags come from batched FFTs.

A :class:`~mimicry.analysis.sequential.SpendingBoundary` over the surrogates
spends ``alpha`` over the planned session: the pair is "in sync", and the side
of the peak lag is shown as leading, only when the observed statistic is above
the boundary. Looks start once ``start_s`` of data are in (``ready``).
"""

from __future__ import annotations

import math
from collections import deque

import numpy as np

from mimicry.analysis.sequential import Look, SpendingBoundary
from mimicry.analysis.signals import _correlations, frame_period, parabolic_peak, resample

#: Session length assumed for the spending when the plan gives none, seconds.
DEFAULT_PLANNED_S = 120.0


def lag_profiles(p: np.ndarray, q: np.ndarray, m: int, min_pairs: int) -> np.ndarray:
    """``corr(p[i], q[i + k])`` for ``k = 0..2m`` (lags ``-m..m``), for every row of ``q``.

    Parameters
    ----------
    p : ndarray, shape (n,)
        The left face over the window, NaN without a face.
    q : ndarray, shape (k, n + 2 m)
        Right faces (observed and surrogates) from ``m`` before to ``m`` after the window.
    m : int
    min_pairs : int
        Fewer pairs with both faces than this gives NaN.

    Returns
    -------
    ndarray, shape (k, 2 m + 1)
    """
    wp, wq = np.isfinite(p), np.isfinite(q)
    pz, qz = np.where(wp, p, 0.0), np.where(wq, q, 0.0)
    # p is zero past n and k <= 2m, so i + k < len(q) <= nfft: nothing wraps.
    nfft = 1 << int(math.ceil(math.log2(q.shape[1])))
    fp = np.conj(np.fft.rfft(np.vstack([wp, pz, pz * pz]).astype(float), nfft, axis=1))
    fw = np.fft.rfft(wq.astype(float), nfft, axis=1)
    fx = np.fft.rfft(qz, nfft, axis=1)
    fxx = np.fft.rfft(qz * qz, nfft, axis=1)

    def cc(fa, fb):
        return np.fft.irfft(fa[None, :] * fb, nfft, axis=1)[:, :2 * m + 1]

    npairs = np.round(cc(fp[0], fw))
    with np.errstate(invalid="ignore", divide="ignore"):
        r = _correlations(cc(fp[1], fw), cc(fp[2], fw), cc(fp[1], fx), npairs, cc(fp[0], fx),
                          cc(fp[0], fxx))
    r[npairs < min_pairs] = np.nan
    return np.clip(r, -1.0, 1.0)


class LiveLeadGate:
    """Both faces' recent samples, and the gated lead-lag decision (see the module docstring).

    Parameters
    ----------
    planned_s : float | None
        Planned session length, seconds (:data:`DEFAULT_PLANNED_S` if None);
        ``alpha`` is spent by then, later looks spend nothing more.
    window_s, max_lag_s : float
        Window and largest lag either way, seconds.
    block_s, min_gap_s, history_s : float
        Surrogate blocks: their length, their least distance from the slot they
        fill, and how far back they may come from, seconds.
    n_surrogates : int
    start_s : float
        First look after this much data, seconds.
    update_s : float
        Looks at most this often (seconds of data); readings in between repeat the last look.
    alpha : float
    kind : str
        Spending function (:func:`mimicry.analysis.sequential.spending`).
    min_lead_s : float
        A peak lag shorter than this is "together", nobody leads.
    max_gap_s : float
        Gaps without a face up to this long are interpolated.
    detrend_s : float
        Trailing mean subtracted from both faces (0: off), seconds.
    grid_hz : float
        Highest grid rate of the statistic (frames are resampled to it).
    seed : int
    """

    def __init__(self, planned_s: float | None = None, window_s: float = 15.0,
                 max_lag_s: float = 3.0, block_s: float = 5.0, min_gap_s: float = 1.0,
                 history_s: float = 90.0, n_surrogates: int = 200, start_s: float = 30.0,
                 update_s: float = 1.0, alpha: float = 0.05, kind: str = "pocock",
                 min_lead_s: float = 0.1, max_gap_s: float = 0.5, detrend_s: float = 10.0,
                 grid_hz: float = 10.0, seed: int = 0) -> None:
        if block_s < 2 * max_lag_s / 3 or window_s < 2 * max_lag_s:
            raise ValueError("need block_s >= 2/3 max_lag_s and window_s >= 2 max_lag_s")
        self.planned_s = DEFAULT_PLANNED_S if planned_s is None else float(planned_s)
        self.window_s, self.max_lag_s = float(window_s), float(max_lag_s)
        self.block_s, self.min_gap_s, self.history_s = float(block_s), float(min_gap_s), float(history_s)
        self.n_surrogates, self.start_s = int(n_surrogates), float(start_s)
        self.update_s, self.alpha, self.kind = float(update_s), float(alpha), kind
        self.min_lead_s, self.max_gap_s = float(min_lead_s), float(max_gap_s)
        self.detrend_s, self.grid_hz = float(detrend_s), float(grid_hz)
        self.keep_s = history_s + window_s + 2 * max_lag_s + block_s + detrend_s + 2.0
        self._rng = np.random.default_rng([int(seed), 0x64796164])
        self._buf: deque = deque()
        self._t0 = math.nan
        self._dt = math.nan
        self._slots: dict[int, np.ndarray] = {}
        self._boundary: SpendingBoundary | None = None
        self._first_look_t = math.nan
        self._last_look_t = -math.inf
        self.last = None      # (Look, observed profile, lags_s) of the latest look

    @property
    def ready(self) -> bool:
        """Looks have started."""
        return self._boundary is not None

    def add_sample(self, t: float, left: float, right: float) -> None:
        """One frame: time (s) and both faces' channel, NaN without that face."""
        if not self._buf:
            self._t0 = float(t)
        self._buf.append((float(t), float(left), float(right)))
        while self._buf and self._buf[0][0] < t - self.keep_s:
            self._buf.popleft()

    def _sources(self, slot: int, bn: int, x_now: int, x_first: int) -> np.ndarray:
        """Block starts of every surrogate for ``slot`` (drawn once, when first needed)."""
        src = self._slots.get(slot)
        if src is None:
            gap = bn + int(round(self.min_gap_s / self._dt))
            lo = max(x_first, x_now - int(round(self.history_s / self._dt)))
            hi = x_now - bn + 1
            start = slot * bn
            src = self._rng.integers(lo, hi + 1, self.n_surrogates)
            for _ in range(20):     # keep blocks away from the slot they fill
                bad = np.abs(src - start) < gap
                if not bad.any():
                    break
                src[bad] = self._rng.integers(lo, hi + 1, int(bad.sum()))
            src[np.abs(src - start) < gap] = lo
            self._slots[slot] = src
        return src

    def look(self):
        """Look now if ``update_s`` has passed: ``(Look, profile, lags_s)``; None before ``start_s``.

        ``profile`` is the observed pair's ``r`` over lags (> 0: the right face follows).
        """
        if len(self._buf) < 10:
            return None
        t_now = self._buf[-1][0]
        if t_now - self._last_look_t < self.update_s - 1e-9:
            return self.last
        if t_now - self._t0 < self.start_s:
            return None
        arr = np.asarray(self._buf, dtype=float)
        if not np.isfinite(self._dt):
            fdt = frame_period(arr[:, 0])
            if not np.isfinite(fdt):
                return None
            self._dt = max(fdt, 1.0 / self.grid_hz)
        self._last_look_t = t_now
        dt = self._dt
        m, n, bn = (int(round(v / dt)) for v in (self.max_lag_s, self.window_s, self.block_s))
        x_now = int(np.floor((t_now - self._t0) / dt + 1e-6))
        x_lo = max(0, int(np.ceil((arr[0, 0] - self._t0) / dt - 1e-6)))
        xs = np.arange(x_lo, x_now + 1)
        grid = self._t0 + dt * xs
        gap = max(self.max_gap_s, 1.5 * dt)
        a, b = (self._highpass(resample(arr[:, 0], arr[:, c], grid, gap)) for c in (1, 2))
        # The window of a, and every right face from m before to m after it.
        q_x = np.arange(x_now - 2 * m - n + 1, x_now + 1)
        p = a[q_x[m:m + n] - x_lo]
        slots = q_x // bn
        src = np.column_stack([self._sources(int(k), bn, x_now, x_lo) for k in np.unique(slots)])
        col = np.searchsorted(np.unique(slots), slots)
        idx = src[:, col] + (q_x - slots * bn)[None, :] - x_lo
        ok = (idx >= 0) & (idx < b.size)
        q = np.vstack([b[q_x - x_lo][None, :], np.where(ok, b[np.clip(idx, 0, b.size - 1)], np.nan)])
        for k in [k for k in self._slots if k < slots[0]]:
            del self._slots[k]
        prof = lag_profiles(p, q, m, max(10, n // 2))
        stat = np.max(np.where(np.isfinite(prof), prof, -np.inf), axis=1)
        if self._boundary is None:
            self._boundary = SpendingBoundary(q.shape[0], self.alpha, self.kind)
            self._first_look_t = t_now
        k_planned = max(1.0, (self.planned_s - self._first_look_t) / self.update_s + 1.0)
        lk: Look = self._boundary.look(stat, (self._boundary.k + 1) / k_planned)
        self.last = (lk, prof[0], dt * np.arange(-m, m + 1))
        return self.last

    def _highpass(self, x: np.ndarray) -> np.ndarray:
        w = int(round(self.detrend_s / self._dt))
        if w <= 1:
            return x
        ok = np.isfinite(x)
        cs = np.concatenate([[0.0], np.cumsum(np.where(ok, x, 0.0))])
        cn = np.concatenate([[0], np.cumsum(ok)])
        hi = np.arange(1, x.size + 1)
        lo = np.maximum(hi - w, 0)
        with np.errstate(invalid="ignore", divide="ignore"):
            return x - (cs[hi] - cs[lo]) / (cn[hi] - cn[lo])

    def decision(self):
        """``(in_sync, leader, lag_s, r, look)`` of the latest look (see :meth:`look`).

        ``in_sync``: the statistic is above the boundary (and positive);
        ``leader``: ``"left"``/``"right"`` then, when the peak lag is at least
        ``min_lead_s``; ``lag_s``, ``r``: the observed peak (NaN without data).
        """
        res = self.look()
        if res is None:
            return False, None, math.nan, math.nan, None
        lk, prof, _ = res
        if not np.isfinite(prof).any():
            return False, None, math.nan, math.nan, lk
        j = int(np.nanargmax(prof))
        off, val = parabolic_peak(prof, j)
        m = (prof.size - 1) // 2
        lag = (j - m + off) * self._dt
        in_sync = bool(lk.crossed and lk.statistic > 0)
        leader = None
        if in_sync and abs(lag) >= self.min_lead_s:
            leader = "left" if lag > 0 else "right"
        return in_sync, leader, float(abs(lag)), float(val), lk

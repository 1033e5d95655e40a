"""Two-person synchrony: who leads whom, and how closely two faces move together.

Two people sit in front of one camera; the tracker keeps them apart by position
(``face_id`` 0 is the leftmost face, 1 the other). Their expression channel
(valence by default) is put on one uniform time grid, short gaps without a face
are interpolated, longer ones left out, and slow drift is removed by a centred
moving mean, exactly as for the stimulus cross-correlation (:mod:`.xcorr`). Then::

    rho(L) = corr( left(t), right(t + L) ),   L = -max_lag_s .. +max_lag_s

A peak at ``L > 0`` means the right person's face follows the left person's:
**the left person leads**. ``peak_lag_s`` is the lag of the largest ``|rho|``,
refined to sub-frame precision by a parabola; ``lag_s`` is its size (the
follower's delay) and ``peak_r`` how closely the two are in sync.

Significance
------------
Two free-running series have no labels to shuffle, and both are
autocorrelated, so an ordinary correlation test would find "synchrony" far too
often (Moulder et al., 2018). Two surrogate tests are used:

* **Synchrony** (``p_value``): phase-randomised surrogates (Theiler et al.,
  1992). The right series is replaced by copies with its own amplitude
  spectrum (so its own autocorrelation) and random Fourier phases, which keeps
  how the face moves and breaks any link with the other face. The statistic is
  the maximum of ``|rho|`` over all lags, so the search over lags is paid for;
  ``p = (1 + #{surrogates with max >= observed}) / (1 + n_surrogates)``.
  Correlations are circular (the series wraps), for the data and the
  surrogates alike. Circular shifts of the real series, the other common
  surrogate, were tried and rejected: with 30-60 s of expressions they give
  too few distinct alignments and found "synchrony" in 30% of unrelated pairs.
  Measured false-positive rate (unrelated simulated pairs, episodes as in
  :func:`mimicry.simulate.expression.leader_episodes`): 4-9% at 60-120 s, 7-15% at
  30 s, 4% for white noise (docs/analysis.md, section 10): somewhat liberal on
  slow episodic signals. The ``leader`` also needs the direction test and
  ``min_duration_s``: it came out for 0-1.3% of unrelated pairs.
* **Direction** (``leader_p_value``): a circular block bootstrap of the lag
  profile (blocks of ``block_s``), which gives a 95% interval of the peak lag
  (``lag_ci_s``) and the share of resamples whose peak lies on the other side
  of zero. ``leader_p_value = 2 * min(share with L > 0, share with L <= 0)``
  (at most 1). A pair that moves together with no lead gets a peak near 0 and
  a p near 1.

``leader`` ("left" or "right") is reported only when both are below ``alpha``,
the peak lag is at least ``min_lead_s`` and the recording at least
``min_duration_s`` long; otherwise it is null and the summary says that
neither clearly led.

Windowed lagged cross-correlation (Boker et al., 2002) over ``window_s``
windows gives the time course (``windows``) and the live display
(:func:`recent_dyad_xcorr`).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

import numpy as np

from mimicry.core.channels import CHANNELS
from mimicry.core.errors import ConfigError
from mimicry.analysis.xcorr import (LagProfile, _correlations, _window_profiles, frame_period, moving_mean,
                    parabolic_peak, resample)

#: Sides of the image, by face slot (the tracker numbers faces from the left).
SIDES = ("left", "right")


@dataclass(frozen=True)
class DyadConfig:
    """Settings of the two-person synchrony analysis (seconds).

    Parameters
    ----------
    channel : str
        Expression channel correlated (one of :data:`mimicry.core.channels.CHANNELS`).
    max_lag_s : float
        Lags from ``-max_lag_s`` to ``+max_lag_s``.
    max_gap_s : float
        Gaps without a face up to this long are interpolated.
    detrend_window_s : float
        Centred moving mean subtracted to remove drift (0: off).
    min_duration_s : float
        Shorter recordings get p-values but no ``leader`` and no ``dyad_lag_s``:
        with less data the surrogate test finds synchrony between unrelated
        people too often (measured: up to 15% instead of 5% at 30 s).
    n_surrogates : int
        Phase-randomised surrogates of the synchrony test.
    min_lead_s : float
        A peak lag shorter than this is "at the same time": no leader (a lead
        of a few frames is below what a webcam tracker resolves).
    block_s : float
        Block length of the bootstrap of the lag (>= ``max_lag_s``).
    n_bootstrap : int
        Bootstrap resamples.
    window_s : float
        Window of the windowed cross-correlation (and of the live display).
    alpha : float
        Significance level.
    seed : int
        Seeds the bootstrap.
    """

    channel: str = "valence"
    max_lag_s: float = 3.0
    max_gap_s: float = 0.5
    detrend_window_s: float = 20.0
    n_surrogates: int = 1000
    min_lead_s: float = 0.1
    min_duration_s: float = 60.0
    block_s: float = 4.0
    n_bootstrap: int = 2000
    window_s: float = 15.0
    alpha: float = 0.05
    seed: int = 0

    def __post_init__(self) -> None:
        def fail(name, allowed, value):
            raise ConfigError(f"Invalid value for the {name!r} parameter. Allowed values are "
                              f"{allowed}, but got {value!r} instead.")

        def number(name, lo, hi):
            v = getattr(self, name)
            if (isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v)
                    or not lo <= v <= hi):
                fail(name, f"numbers in [{lo}, {hi}]", v)

        if self.channel not in CHANNELS:
            fail("channel", ", ".join(repr(c) for c in CHANNELS), self.channel)
        number("max_lag_s", 0.1, 30.0)
        number("max_gap_s", 0.0, 10.0)
        number("detrend_window_s", 0.0, 3600.0)
        if 0 < self.detrend_window_s <= self.max_lag_s:
            fail("detrend_window_s", f"0 (off) or numbers > max_lag_s ({self.max_lag_s})",
                 self.detrend_window_s)
        number("min_lead_s", 0.0, 10.0)
        number("min_duration_s", 0.0, 3600.0)
        if isinstance(self.n_surrogates, bool) or not isinstance(self.n_surrogates, int) \
                or not 99 <= self.n_surrogates <= 100_000:
            fail("n_surrogates", "integers in [99, 100000]", self.n_surrogates)
        number("block_s", self.max_lag_s, 600.0)
        number("window_s", 2 * self.max_lag_s, 3600.0)
        number("alpha", 1e-6, 0.5)
        if isinstance(self.n_bootstrap, bool) or not isinstance(self.n_bootstrap, int) \
                or not 100 <= self.n_bootstrap <= 100_000:
            fail("n_bootstrap", "integers in [100, 100000]", self.n_bootstrap)
        if isinstance(self.seed, bool) or not isinstance(self.seed, int) or self.seed < 0:
            fail("seed", "integers >= 0", self.seed)

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class DyadResult:
    """Lead-lag analysis of two faces.

    Attributes
    ----------
    lags_s : ndarray, shape (2 * m + 1,)
        Lags, seconds; > 0 means the right face follows the left.
    r : ndarray, shape (2 * m + 1,)
        ``corr(left(t), right(t + L))``.
    peak_lag_s, peak_r : float
        Largest ``|r|`` (parabolic refinement); NaN without data.
    peak_at_edge : bool
        The peak is at ``+-max_lag_s``.
    p_value : float
        Circular-shift surrogate p of max over lags of ``|r|``.
    n_surrogates : int
    max_threshold : float
        95th percentile of the surrogates' maximum ``|r|``.
    leader_p_value : float
        Bootstrap p of the sign of the peak lag.
    lag_ci_s : tuple of float
        95% bootstrap interval of the peak lag.
    leader : str or None
        ``"left"`` / ``"right"`` when both p-values are below alpha, else None.
    leader_estimate : str or None
        The side the peak points to, significant or not (None at lag 0).
    dt_s : float
    n_samples : int
        Grid samples where both faces are seen.
    face_frames_pct : tuple of float
        Share of frames with a face, left and right, %.
    windows : dict
        Windowed cross-correlation: ``t_end``, ``peak_lag_s``, ``peak_r`` lists.
    notes : list of str
    """

    lags_s: np.ndarray
    r: np.ndarray
    peak_lag_s: float
    peak_r: float
    peak_at_edge: bool
    p_value: float
    n_surrogates: int
    max_threshold: float
    leader_p_value: float
    lag_ci_s: tuple[float, float]
    leader: str | None
    leader_estimate: str | None
    dt_s: float
    n_samples: int
    face_frames_pct: tuple[float, float]
    long_enough: bool = True
    windows: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)
    config: DyadConfig = field(default_factory=DyadConfig)

    @property
    def lag_s(self) -> float | None:
        """The follower's delay, seconds, when the synchrony is significant; else None."""
        if not (np.isfinite(self.p_value) and self.p_value < self.config.alpha
                and self.long_enough):
            return None
        return abs(self.peak_lag_s)


# --------------------------------------------------------------------------- series

def dyad_series(t_left: np.ndarray, x_left: np.ndarray, t_right: np.ndarray,
                x_right: np.ndarray, config: DyadConfig | None = None):
    """Both faces' channel on one uniform grid, gaps interpolated, drift removed.

    Parameters
    ----------
    t_left, t_right : ndarray, shape (n,), (k,)
        Frame times of each face slot, seconds, increasing.
    x_left, x_right : ndarray
        The channel, NaN where the face was not seen.

    Returns
    -------
    grid : ndarray, shape (g,)
    a, b : ndarray, shape (g,)
        Left and right, NaN in long gaps.
    dt : float
    """
    config = config or DyadConfig()
    dt = frame_period(np.asarray(t_left, float))
    if not np.isfinite(dt) or len(t_left) < 2 or len(t_right) < 2:
        return np.zeros(0), np.zeros(0), np.zeros(0), dt
    t0 = max(float(t_left[0]), float(t_right[0]))
    t1 = min(float(t_left[-1]), float(t_right[-1]))
    if t1 - t0 < 2 * dt:
        return np.zeros(0), np.zeros(0), np.zeros(0), dt
    grid = t0 + dt * np.arange(int(np.floor((t1 - t0) / dt + 1e-6)) + 1)
    gap = max(config.max_gap_s, 1.5 * dt)
    out = []
    for t, x in ((t_left, x_left), (t_right, x_right)):
        y = resample(np.asarray(t, float), np.asarray(x, float), grid, gap)
        if config.detrend_window_s > 0:
            y = y - moving_mean(y, int(round(config.detrend_window_s / (2 * dt))))
        out.append(y)
    return grid, out[0], out[1], dt


def _circular_sums(a: np.ndarray, b: np.ndarray):
    """Pair sums of ``(a[t], b[t + k mod n])`` for every circular offset ``k`` (6 FFTs)."""
    n = a.size
    wa, wb = np.isfinite(a).astype(float), np.isfinite(b).astype(float)
    az, bz = np.where(wa > 0, a, 0.0), np.where(wb > 0, b, 0.0)
    fa = {k: np.fft.rfft(v, n) for k, v in (("w", wa), ("x", az), ("xx", az * az))}
    fb = {k: np.fft.rfft(v, n) for k, v in (("w", wb), ("x", bz), ("xx", bz * bz))}

    def cc(p, q):  # sum_t p[t] q[t+k]
        return np.fft.irfft(np.conj(fa[p]) * fb[q], n)

    return cc("w", "w"), cc("x", "w"), cc("xx", "w"), cc("w", "x"), cc("w", "xx"), cc("x", "x")


def circular_xcorr(a: np.ndarray, b: np.ndarray, min_pairs: int = 10) -> np.ndarray:
    """``corr(a[t], b[t + k mod n])`` for every ``k`` in ``0..n-1`` (NaN-aware).

    Parameters
    ----------
    a, b : ndarray, shape (n,)
        NaN where missing.

    Returns
    -------
    ndarray, shape (n,)
        NaN where fewer than ``min_pairs`` pairs or a side is flat.
    """
    n_p, sa, saa, sb, sbb, sab = _circular_sums(a, b)
    n_p = np.round(n_p)
    with np.errstate(invalid="ignore", divide="ignore"):
        r = _correlations(sa, saa, sab, n_p, sb, sbb)
    r[n_p < min_pairs] = np.nan
    return np.clip(r, -1.0, 1.0)


def _lag_index(m: int, n: int) -> np.ndarray:
    """Circular offsets of lags -m..m."""
    return np.arange(-m, m + 1) % n


def _block_bootstrap_lags(a, b, m, block, n_boot, rng, dt):
    """Peak lags of circular-block-bootstrap resamples of the lag profile."""
    n = a.size
    lags = np.arange(-m, m + 1)
    n_blocks = max(1, n // block)
    # Per block and lag, the six pair sums of (a[t], b[t + L]) (circular, like the test):
    # shape (6, n_blocks, n_lags). One block at a time keeps memory small.
    bsum = np.zeros((6, n_blocks, lags.size))
    for k in range(n_blocks):
        t = np.arange(k * block, n if k == n_blocks - 1 else (k + 1) * block)
        bl = b[(t[:, None] + lags[None, :]) % n]
        al = np.broadcast_to(a[t][:, None], bl.shape)
        ok = np.isfinite(al) & np.isfinite(bl)
        az, bz = np.where(ok, al, 0.0), np.where(ok, bl, 0.0)
        bsum[:, k] = [ok.sum(axis=0), az.sum(axis=0), (az * az).sum(axis=0), bz.sum(axis=0),
                      (bz * bz).sum(axis=0), (az * bz).sum(axis=0)]
    counts = rng.multinomial(n_blocks, np.full(n_blocks, 1.0 / n_blocks), size=n_boot)
    tot = np.einsum("rb,kbl->krl", counts.astype(float), bsum)
    with np.errstate(invalid="ignore", divide="ignore"):
        r = _correlations(tot[1], tot[2], tot[5], tot[0], tot[3], tot[4])
    out = np.full(n_boot, np.nan)
    for i, row in enumerate(r):
        if np.isfinite(row).any():
            j = int(np.nanargmax(np.abs(row)))
            off, _ = parabolic_peak(row, j)
            out[i] = (j - m + off) * dt
    return out


def _phase_surrogate_max(a, b, lag_idx, config) -> np.ndarray:
    """Max over lags of ``|r|`` between ``a`` and phase-randomised copies of ``b``.

    Each surrogate keeps the amplitude spectrum of ``b`` (hence its
    autocorrelation) and draws new Fourier phases (Theiler et al., 1992);
    ``b``'s gaps are filled with its mean first and restored afterwards.
    """
    n = b.size
    wb = np.isfinite(b)
    fill = float(np.mean(b[wb])) if wb.any() else 0.0
    spec = np.fft.rfft(np.where(wb, b, fill) - fill)
    rng = np.random.default_rng([config.seed, 0x70686173])
    out = np.empty(config.n_surrogates)
    wa = np.isfinite(a)
    fa = {k: np.fft.rfft(v, n) for k, v in
          (("w", wa.astype(float)), ("x", np.where(wa, a, 0.0)),
           ("xx", np.where(wa, a, 0.0) ** 2))}
    chunk = 64
    for start in range(0, config.n_surrogates, chunk):
        k = min(chunk, config.n_surrogates - start)
        phases = rng.uniform(0, 2 * np.pi, size=(k, spec.size))
        phases[:, 0] = 0.0
        if n % 2 == 0:
            phases[:, -1] = 0.0
        sur = np.fft.irfft(spec[None, :] * np.exp(1j * phases), n, axis=1) + fill
        sur = np.where(wb[None, :], sur, np.nan)
        w = np.isfinite(sur)
        bz = np.where(w, sur, 0.0)
        fb = {"w": np.fft.rfft(w.astype(float), n, axis=1), "x": np.fft.rfft(bz, n, axis=1),
              "xx": np.fft.rfft(bz * bz, n, axis=1)}

        def cc(p, q):
            return np.fft.irfft(np.conj(fa[p])[None, :] * fb[q], n, axis=1)[:, lag_idx]

        n_p = np.round(cc("w", "w"))
        with np.errstate(invalid="ignore", divide="ignore"):
            r = _correlations(cc("x", "w"), cc("xx", "w"), cc("x", "x"), n_p, cc("w", "x"),
                              cc("w", "xx"))
        r[n_p < 10] = np.nan
        out[start:start + k] = np.nanmax(np.nan_to_num(np.abs(r), nan=0.0), axis=1)
    return out


def analyze_dyad_arrays(t_left, x_left, t_right, x_right, config: DyadConfig | None = None,
                        face_frames_pct=(math.nan, math.nan), notes=()) -> DyadResult:
    """Lead-lag analysis of two faces' channel (see the module docstring).

    Parameters
    ----------
    t_left, x_left, t_right, x_right : ndarray
        Frame times (s) and channel values of the left (face 0) and the right
        (face 1) person, NaN without a face.
    config : DyadConfig | None

    Returns
    -------
    DyadResult
    """
    config = config or DyadConfig()
    notes = list(notes)
    grid, a, b, dt = dyad_series(t_left, x_left, t_right, x_right, config)
    m = int(round(config.max_lag_s / dt)) if np.isfinite(dt) and dt > 0 else 0
    nan = float("nan")

    def empty(note):
        return DyadResult(
            lags_s=dt * np.arange(-m, m + 1) if m else np.zeros(1), r=np.full(2 * m + 1, nan),
            peak_lag_s=nan, peak_r=nan, peak_at_edge=False, p_value=nan, n_surrogates=0,
            max_threshold=nan, leader_p_value=nan, lag_ci_s=(nan, nan), leader=None,
            leader_estimate=None, dt_s=dt, n_samples=0,
            face_frames_pct=tuple(face_frames_pct), notes=notes + [note], config=config)

    n = grid.size
    both = np.isfinite(a) & np.isfinite(b)
    if m == 0 or n < 4 * m or both.sum() < 4 * m:
        return empty(f"The recording is too short for the synchrony analysis: it needs both "
                     f"faces for at least {4 * config.max_lag_s:.0f} s (lags of up to "
                     f"{config.max_lag_s:g} s either way).")
    rc = circular_xcorr(a, b)
    lag_idx = _lag_index(m, n)
    prof = rc[lag_idx]
    if not np.isfinite(prof).any():
        return empty("One of the two faces did not move, so the synchrony is undefined.")
    j = int(np.nanargmax(np.abs(prof)))
    off, val = parabolic_peak(prof, j)
    peak_lag = (j - m + off) * dt
    observed = float(np.nanmax(np.abs(prof)))
    null = _phase_surrogate_max(a, b, lag_idx, config)
    n_sur = int(null.size)
    p = (1.0 + float(np.sum(null >= observed * (1 - 1e-12)))) / (1.0 + n_sur)
    thr = float(np.percentile(null, 95)) if n_sur else nan

    rng = np.random.default_rng([config.seed, 0x64796164])
    block = max(int(round(config.block_s / dt)), 2 * m + 1)
    boot = _block_bootstrap_lags(a, b, m, block, config.n_bootstrap, rng, dt)
    boot = boot[np.isfinite(boot)]
    if boot.size:
        pos = float(np.mean(boot > 0))
        lead_p = min(1.0, 2.0 * min(pos, 1.0 - pos) + 1.0 / (boot.size + 1))
        ci = (float(np.percentile(boot, 2.5)), float(np.percentile(boot, 97.5)))
    else:
        lead_p, ci = nan, (nan, nan)
    estimate = (None if abs(peak_lag) < config.min_lead_s
                else ("left" if peak_lag > 0 else "right"))
    # A second of slack: a one-minute recording loses a frame or two at its ends.
    long_enough = bool((grid[-1] - grid[0]) + dt >= config.min_duration_s - 1.0)
    if not long_enough:
        notes.append(f"The recording is {grid[-1] - grid[0] + dt:.0f} s long; a leader and a "
                     f"delay are only reported from {config.min_duration_s:.0f} s on, because "
                     f"shorter recordings of unrelated people look synchronous too often.")
    leader = (estimate if estimate is not None and p < config.alpha and long_enough
              and np.isfinite(lead_p) and lead_p < config.alpha else None)
    windows = _windows(grid, a, b, dt, m, config)
    return DyadResult(
        lags_s=dt * np.arange(-m, m + 1), r=prof, peak_lag_s=float(peak_lag), peak_r=float(val),
        peak_at_edge=bool(j == 0 or j == 2 * m), p_value=float(p), n_surrogates=n_sur,
        max_threshold=thr, leader_p_value=float(lead_p), lag_ci_s=ci, leader=leader,
        leader_estimate=estimate, dt_s=float(dt), n_samples=int(both.sum()),
        face_frames_pct=tuple(float(v) for v in face_frames_pct), long_enough=long_enough,
        windows=windows, notes=notes,
        config=config)


def _two_sided_profiles(a, b, ends, n_win, m):
    """Window profiles over lags -m..m: ``corr(a(t), b(t + L))`` in each window."""
    pos = _window_profiles(a, b, ends, n_win, m)    # corr(a[j - L], b[j]): b follows a
    neg = _window_profiles(b, a, ends, n_win, m)    # corr(b[j - L], a[j]): a follows b
    return np.concatenate([neg[:, :0:-1], pos], axis=1)


def _peak_rows(prof, m, dt):
    lag = np.full(prof.shape[0], np.nan)
    val = np.full(prof.shape[0], np.nan)
    for i, row in enumerate(prof):
        if np.isfinite(row).any():
            j = int(np.nanargmax(np.abs(row)))
            off, v = parabolic_peak(row, j)
            lag[i], val[i] = (j - m + off) * dt, v
    return lag, val


def _windows(grid, a, b, dt, m, config) -> dict:
    n_win = int(round(config.window_s / dt))
    if grid.size < n_win + m:
        return {"window_s": config.window_s, "t_end": [], "peak_lag_s": [], "peak_r": []}
    step = max(1, n_win // 2)
    ends = np.arange(n_win + m - 1, grid.size, step)
    prof = _two_sided_profiles(a, b, ends, n_win, m)
    lag, val = _peak_rows(prof, m, dt)
    return {"window_s": config.window_s, "t_end": [round(float(v), 3) for v in grid[ends]],
            "peak_lag_s": [_num(v) for v in lag], "peak_r": [_num(v) for v in val]}


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
    lag, val = _peak_rows(prof, m, dt)
    return LagProfile(lags_s, prof[0], float(lag[0]), float(val[0]), float(t[-1]))


# --------------------------------------------------------------------------- sessions

def analyze_dyad_session(frames, config: DyadConfig | None = None) -> DyadResult:
    """The dyad analysis of a two-face session (``frames.csv`` with face slots 0 and 1).

    Parameters
    ----------
    frames : mimicry.io.tables.FramesTable
    config : DyadConfig | None
    """
    config = config or DyadConfig()
    sides = []
    pct = []
    for fid in (0, 1):
        one = frames.face(fid)
        x = np.where(one.face_detected, one.channels[config.channel], np.nan)
        sides.append((one.t, x))
        pct.append(100.0 * float(np.mean(one.face_detected)) if len(one) else 0.0)
    notes = []
    for side, v in zip(SIDES, pct):
        if v < 50:
            notes.append(f"The {side} face was found in only {v:.0f}% of the frames.")
    return analyze_dyad_arrays(sides[0][0], sides[0][1], sides[1][0], sides[1][1], config,
                               face_frames_pct=pct, notes=notes)


def _num(v, digits: int = 4):
    if v is None:
        return None
    v = float(v)
    return round(v, digits) if math.isfinite(v) else None


def dyad_summary_dict(result: DyadResult) -> dict:
    """The ``summary.json`` fields of a two-face session (see docs/analysis.md)."""
    lag = result.lag_s
    return {
        "analysis": "dyad",
        "leader": result.leader,
        "dyad_lag_s": _num(lag),
        "dyad_p_value": _num(result.p_value, 6),
        "leader_p_value": _num(result.leader_p_value, 6),
        "synchrony_r": _num(result.peak_r),
        "summary_text": dyad_plain_summary(result),
        "dyad": {
            "channel": result.config.channel,
            "peak_lag_s": _num(result.peak_lag_s),
            "peak_r": _num(result.peak_r),
            "peak_at_edge": bool(result.peak_at_edge),
            "p_value": _num(result.p_value, 6),
            "n_surrogates": result.n_surrogates,
            "surrogate": "phase_randomised",
            "long_enough": bool(result.long_enough),
            "max_threshold": _num(result.max_threshold),
            "leader_estimate": result.leader_estimate,
            "leader_p_value": _num(result.leader_p_value, 6),
            "lag_ci_s": [_num(v) for v in result.lag_ci_s],
            "lags_s": [_num(v) for v in result.lags_s],
            "r": [_num(v) for v in result.r],
            "dt_s": _num(result.dt_s, 6),
            "n_samples": result.n_samples,
            "face_frames_pct": {s: _num(v, 1) for s, v in zip(SIDES, result.face_frames_pct)},
            "windows": result.windows,
        },
        "notes": list(result.notes),
        "parameters": result.config.as_dict(),
    }


def _one_in(p: float, n_surrogates: int = 0) -> str:
    if n_surrogates and p <= 1.0 / (n_surrogates + 1) + 1e-12:
        return f"fewer than 1 in {n_surrogates}"
    return f"about 1 in {max(2, int(round(1 / p)))}" if p > 0 else "never"


def dyad_plain_summary(result: DyadResult) -> str:
    """A few plain sentences about a dyad session."""
    if not np.isfinite(result.p_value):
        return " ".join(result.notes[-1:]) or "There was not enough data to compare the faces."
    alpha = result.config.alpha
    if result.p_value >= alpha:
        return (f"The two faces did not move together more than chance would give (chance "
                f"gives a link this strong in {_one_in(result.p_value, result.n_surrogates)} recordings). This is "
                f"not distinguishable from chance.")
    lines = [f"The two faces moved together (strongest correlation r = {result.peak_r:+.2f}; "
             f"chance gives this in {_one_in(result.p_value, result.n_surrogates)} recordings)."]
    if not result.long_enough:
        lines.append(f"The recording is too short to say who led: record at least "
                     f"{result.config.min_duration_s:.0f} s.")
    elif result.leader is not None:
        follower = "right" if result.leader == "left" else "left"
        lines.append(f"The {result.leader} person led: the {follower} person's face followed "
                     f"about {abs(result.peak_lag_s):.1f} s later.")
    else:
        lines.append("Neither person clearly led: their faces changed at about the same time, "
                     "or the order varied.")
    # Measured on unrelated simulated pairs (docs/analysis.md, section 10): the
    # surrogate test passes 4-9% of them at 60-120 s and up to 15% at 30 s.
    lines.append("The chance figure for moving together is approximate: two unrelated "
                 "people pass this test in up to 1 of 10 recordings"
                 + (" (up to 1 of 7 this short)." if not result.long_enough else "."))
    return " ".join(lines)


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

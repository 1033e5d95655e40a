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
(:func:`~mimicry.activities.dyad.profiles.recent_dyad_xcorr`);
the summaries are in :mod:`.summary`, the live reading in :mod:`.live`.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

import numpy as np

from mimicry.activities.dyad.profiles import _two_sided_profiles, recent_dyad_xcorr
from mimicry.activities.dyad.surrogates import (_block_bootstrap_lags, _lag_index, _phase_surrogate_max,
                                                circular_xcorr)
from mimicry.analysis.signals import frame_period, moving_mean, parabolic_peak, resample, row_peaks
from mimicry.core.channels import CHANNELS

__all__ = ["SIDES", "DyadConfig", "DyadResult", "analyze_dyad_arrays", "analyze_dyad_session",
           "circular_xcorr", "dyad_series", "recent_dyad_xcorr"]

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
        from mimicry.core.check import check_int, check_option, check_range, invalid  # noqa: PLC0415

        def number(name, lo, hi):
            check_range(name, getattr(self, name), lo, hi)

        check_option("channel", self.channel, CHANNELS)
        number("max_lag_s", 0.1, 30.0)
        number("max_gap_s", 0.0, 10.0)
        number("detrend_window_s", 0.0, 3600.0)
        if 0 < self.detrend_window_s <= self.max_lag_s:
            raise invalid("detrend_window_s", f"0 (off) or a number > max_lag_s ({self.max_lag_s})",
                          self.detrend_window_s)
        number("min_lead_s", 0.0, 10.0)
        number("min_duration_s", 0.0, 3600.0)
        check_int("n_surrogates", self.n_surrogates, 99, 100_000)
        number("block_s", self.max_lag_s, 600.0)
        number("window_s", 2 * self.max_lag_s, 3600.0)
        number("alpha", 1e-6, 0.5)
        check_int("n_bootstrap", self.n_bootstrap, 100, 100_000)
        check_int("seed", self.seed, 0)

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


def _windows(grid, a, b, dt, m, config) -> dict:
    n_win = int(round(config.window_s / dt))
    if grid.size < n_win + m:
        return {"window_s": config.window_s, "t_end": [], "peak_lag_s": [], "peak_r": []}
    step = max(1, n_win // 2)
    ends = np.arange(n_win + m - 1, grid.size, step)
    prof = _two_sided_profiles(a, b, ends, n_win, m)
    lag, val = row_peaks(prof, dt, first_lag=-m)
    return {"window_s": config.window_s, "t_end": [round(float(v), 3) for v in grid[ends]],
            "peak_lag_s": [_num(v) for v in lag], "peak_r": [_num(v) for v in val]}


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

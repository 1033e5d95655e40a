"""Continuous tracking: lagged cross-correlation of stimulus and viewer.

The stimulus's signed expression ``s(t)`` (+intensity on happy trials,
-intensity on sad ones, 0 otherwise; :func:`mimicry.protocol.timeline.signed_stimulus_signal`)
is correlated with the viewer's valence ``r(t)`` at lags ``L`` from 0 to
``max_lag_s``::

    rho(L) = corr( s(t), r(t + L) )

over every time where the viewer's face is seen. A mimic's valence follows the
stimulus, so ``rho`` peaks at the mimicry latency; the peak lag is refined to
sub-frame precision by fitting a parabola through the peak and its two
neighbours. Before correlating, the valence is put on a uniform time grid
(frame period), short gaps without a face (<= ``max_gap_s``) are linearly
interpolated, longer ones left out, and slow drift is removed by subtracting a
centred moving mean (``detrend_window_s``).

Significance (Moulder et al., 2018, argue that synchrony needs a surrogate
null): the happy/sad labels of the trials are shuffled, exactly as for the
trial-level test, and ``rho`` recomputed at every lag. The statistic is the
**maximum over lags**, so looking at many lags is paid for: ``p`` is the
fraction of relabellings whose maximum reaches the observed one. Because the
signal is linear in the labels, each relabelling costs one small matrix
product over per-trial sums, so even thousands of them are cheap. A 95% band
per lag (2.5th and 97.5th percentiles of the relabelled ``rho``) is given for
plotting.

The windowed version (Boker et al., 2002; :mod:`mimicry.analysis.xcorr_windowed`)
correlates the last ``window_s`` of the response with the stimulus shifted by
each lag; the live display uses it over the most recent window.

References
----------
Boker, S. M., Xu, M., Rotondo, J. L., & King, K. (2002). Windowed
cross-correlation and peak picking for the analysis of variability in the
association between behavioral time series. Psychological Methods, 7(3), 338-355.

Moulder, R. G., Boker, S. M., Ramseyer, F., & Tschacher, W. (2018). Determining
synchrony between behavioral time series: An application of surrogate data
generation for establishing falsifiable null-hypotheses. Psychological
Methods, 23(4), 757-773.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from mimicry.protocol.timeline import CONDITION_SIGN, Trial, trial_intensity
from mimicry.analysis.config import AnalysisConfig
from mimicry.analysis.reference import ReferenceOrders
from mimicry.analysis.signals import _correlations, frame_period, moving_mean, parabolic_peak, resample
from mimicry.analysis.stats import permutation_p_values, relabellings


#: Relabellings used for the per-lag band (the p-value uses all of them).
_BAND_ROWS = 4000


@dataclass(frozen=True)
class XcorrResult:
    """Lagged cross-correlation of the stimulus and the viewer's valence.

    Attributes
    ----------
    lags_s : ndarray, shape (n_lags,)
        Lags, seconds (response after stimulus).
    r : ndarray, shape (n_lags,)
        Pearson correlation at each lag.
    peak_lag_s : float
        Lag of the largest ``|r|``, refined by parabolic interpolation; NaN
        without data.
    peak_r : float
        ``r`` at the peak (signed: negative = opposite expression).
    peak_at_edge : bool
        The peak is at lag 0 or ``max_lag_s``, so the true peak may lie outside.
    p_value : float
        One-sided (positive correlation) label-permutation p of max over lags of r.
    p_value_two_sided : float
        Same with max over lags of ``|r|``.
    p_floor : float
        Smallest reachable p.
    n_permutations : int
    method : str
        ``"exact"``, ``"random"`` or ``"none"`` (fewer than one happy and one sad trial).
    band_low, band_high : ndarray, shape (n_lags,)
        2.5th and 97.5th percentiles of ``r`` under relabelling, per lag.
    max_threshold : float
        95th percentile of the relabelled max-over-lags ``r``: a peak above it
        is significant at 5% one-sided.
    dt_s : float
        Grid step (frame period), seconds.
    n_samples : int
        Grid samples with a (possibly interpolated) face.
    null_r : ndarray, shape (n_rows, n_lags)
        Correlograms under relabelling (at most ``_BAND_ROWS`` of them, row 0
        the observed one), for group-level tests across sessions; empty
        without a test.
    """

    lags_s: np.ndarray
    r: np.ndarray
    peak_lag_s: float
    peak_r: float
    peak_at_edge: bool
    p_value: float
    p_value_two_sided: float
    p_floor: float
    n_permutations: int
    method: str
    band_low: np.ndarray = field(repr=False)
    band_high: np.ndarray = field(repr=False)
    max_threshold: float = float("nan")
    dt_s: float = float("nan")
    n_samples: int = 0
    null_r: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)), repr=False)


def _response_grid(t, response, span, dt, config):
    """Valence on a uniform grid over ``span``, detrended; NaN in long gaps."""
    n = int(np.floor((span[1] - span[0]) / dt + 1e-6)) + 1
    grid = span[0] + dt * np.arange(n)
    r = resample(t, response, grid, max(config.max_gap_s, 1.5 * dt))
    if config.detrend_window_s > 0:
        r = r - moving_mean(r, int(round(config.detrend_window_s / (2 * dt))))
    return grid, r


def lagged_xcorr(
    t: np.ndarray,
    response: np.ndarray,
    trials: Sequence[Trial],
    config: AnalysisConfig | None = None,
    orders: ReferenceOrders | None = None,
) -> XcorrResult:
    """Cross-correlate the stimulus with the viewer's response at lags 0..max_lag_s.

    Parameters
    ----------
    t : ndarray, shape (n,)
        Frame times, seconds, increasing.
    response : ndarray, shape (n,)
        The viewer's valence (baseline-corrected or not: correlation ignores a
        constant), NaN where there is no face.
    trials : sequence of Trial
        The stimulus timeline; only happy and sad trials carry a signal.
    config : AnalysisConfig | None
    orders : ReferenceOrders, optional
        Observed and redrawn condition orders of ``trials`` sorted by onset
        (:func:`mimicry.analysis.reference.reference_orders`): the null then
        redraws which trials are happy, sad or neither, as the design could
        have. Without it, the happy/sad labels are shuffled among the happy
        and sad trials.

    Returns
    -------
    XcorrResult
    """
    config = config or AnalysisConfig()
    t = np.asarray(t, dtype=float)
    response = np.asarray(response, dtype=float)
    dt = frame_period(t)
    signed = [tr for tr in trials if CONDITION_SIGN.get(tr.condition, 0.0) != 0.0]
    happy = [tr for tr in signed if CONDITION_SIGN[tr.condition] > 0]
    sad = [tr for tr in signed if CONDITION_SIGN[tr.condition] < 0]
    if orders is not None:
        ordered = sorted(trials, key=lambda tr: tr.onset_s)
        code_sign = np.array([CONDITION_SIGN.get(c, 0.0) for c in orders.conditions])
        sigma_design = code_sign[orders.codes.astype(np.int64)] if orders.codes.size else None
    n_lags_guess = 1 if not np.isfinite(dt) else int(round(config.max_lag_s / dt)) + 1
    empty = XcorrResult(
        lags_s=np.arange(n_lags_guess) * (dt if np.isfinite(dt) else 0.0),
        r=np.full(n_lags_guess, np.nan), peak_lag_s=np.nan, peak_r=np.nan, peak_at_edge=False,
        p_value=np.nan, p_value_two_sided=np.nan, p_floor=np.nan, n_permutations=0,
        method="none", band_low=np.full(n_lags_guess, np.nan),
        band_high=np.full(n_lags_guess, np.nan), dt_s=dt)
    if not np.isfinite(dt) or not signed or not np.isfinite(response).any():
        return empty

    m_lags = int(round(config.max_lag_s / dt))
    lags_s = dt * np.arange(m_lags + 1)
    reach = ordered if orders is not None else signed
    first = min(tr.onset_s for tr in reach)
    last = max(tr.end_s for tr in reach)
    # Align the grid on a frame so that regular frames are used as they are.
    start_t = max(t[0], first - config.max_lag_s)
    i_start = int(np.searchsorted(t, start_t - 1e-9))
    if i_start >= t.size:  # the clip ends before the first stimulus's reach
        return empty
    start_t = t[i_start]
    span = (start_t, min(t[-1], last + config.max_lag_s))
    if span[1] - span[0] < 2 * dt:
        return empty
    grid, r = _response_grid(t, response, span, dt, config)
    k = grid.size
    w = np.isfinite(r)
    rz = np.where(w, r, 0.0)
    wf = w.astype(float)
    # Pad so that lags past the end simply find no face.
    rp = np.concatenate([rz, np.zeros(m_lags + 1)])
    wp = np.concatenate([wf, np.zeros(m_lags + 1)])

    # Per trial: template u_i on the grid and its lagged sums with the response.
    if orders is None:
        ordered = happy + sad
    a_mat = np.zeros((len(ordered), m_lags + 1))   # sum u_i * w(t+L)
    b_mat = np.zeros((len(ordered), m_lags + 1))   # sum u_i^2 * w(t+L)
    c_mat = np.zeros((len(ordered), m_lags + 1))   # sum u_i * r(t+L)
    for i, tr in enumerate(ordered):
        i0 = int(np.clip(np.ceil((tr.onset_s - grid[0]) / dt - 1e-9), 0, k))
        i1 = int(np.clip(np.floor((tr.end_s - grid[0]) / dt + 1e-9) + 1, 0, k))
        if i1 <= i0:
            continue
        u = np.asarray(trial_intensity(tr, grid[i0:i1]), dtype=float)
        seg = i1 - i0
        rw = sliding_window_view(rp, seg)[i0:i0 + m_lags + 1]
        ww = sliding_window_view(wp, seg)[i0:i0 + m_lags + 1]
        a_mat[i] = ww @ u
        b_mat[i] = ww @ (u * u)
        c_mat[i] = rw @ u

    # Sums of the response over the pairs at each lag: samples m..k-1.
    n_pairs = np.cumsum(wf[::-1])[::-1][:m_lags + 1]
    r_sum = np.cumsum(rz[::-1])[::-1][:m_lags + 1]
    r_sq = np.cumsum((rz * rz)[::-1])[::-1][:m_lags + 1]
    if len(n_pairs) < m_lags + 1:  # session shorter than the lags
        return empty

    def profile(sigma: np.ndarray) -> np.ndarray:
        # s = sum_i sigma_i u_i over trials that never overlap, so
        # sum s^2 = sum_i sigma_i^2 * sum u_i^2.
        out = np.empty((sigma.shape[0], m_lags + 1))
        step = max(1, (1 << 18) // max(1, m_lags + 1))
        for r0 in range(0, sigma.shape[0], step):
            sg = sigma[r0:r0 + step]
            out[r0:r0 + step] = _correlations(sg @ a_mat, (sg * sg) @ b_mat, sg @ c_mat,
                                              n_pairs, r_sum, r_sq)
        return out

    if orders is not None and sigma_design is not None and happy and sad:
        sigma = sigma_design
        method = orders.method
    elif happy and sad:
        labels, method = relabellings(len(happy), len(sad), config)
        sigma = np.where(labels, 1.0, -1.0)
    else:
        method = "none"
        sigma = (sigma_design[:1] if orders is not None and sigma_design is not None
                 else np.array([[1.0] * len(happy) + [-1.0] * len(sad)]))
    rho_all = profile(sigma)
    rho = rho_all[0]
    if not np.isfinite(rho).any():
        return empty
    i_pk = int(np.nanargmax(np.abs(rho)))
    off, val = parabolic_peak(rho, i_pk)
    edge = i_pk == 0 or i_pk == m_lags
    if method == "none":
        p = p2 = floor = np.nan
        band_lo = band_hi = np.full(m_lags + 1, np.nan)
        thr = np.nan
        n_perm = 0
        kept = np.zeros((0, m_lags + 1))
    else:
        filled = np.nan_to_num(rho_all, nan=0.0)
        p, p2, _ = permutation_p_values(filled)
        floor = 1.0 / filled.shape[0]
        null = filled[1:]
        if null.shape[0] > _BAND_ROWS:
            # Percentiles of a seeded random subset keep the band cheap for big nulls.
            pick = np.random.default_rng(config.seed).choice(null.shape[0], _BAND_ROWS,
                                                             replace=False)
            null = null[pick]
        band_lo, band_hi = np.percentile(null, [2.5, 97.5], axis=0)
        thr = float(np.percentile(null.max(axis=1), 95))
        n_perm = filled.shape[0] - 1
        kept = np.vstack([filled[:1], null])
    return XcorrResult(
        lags_s=lags_s, r=rho, peak_lag_s=float((i_pk + off) * dt), peak_r=val,
        peak_at_edge=bool(edge), p_value=p, p_value_two_sided=p2, p_floor=floor,
        n_permutations=n_perm, method=method, band_low=band_lo, band_high=band_hi,
        max_threshold=thr, dt_s=dt, n_samples=int(w.sum()), null_r=kept)

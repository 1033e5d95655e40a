"""Per-trial responses: mean, peak and onset latency of every channel.

For one trial and one channel, with ``x(t)`` the channel minus the trial's
pre-stimulus baseline (the median of the face frames in
``onset + pre_stimulus_window_s``):

* **mean**: mean of ``x`` over the face frames of the response window
  ``[onset + response_start_s, offset + response_end_after_offset_s)``;
* **peak**: the largest ``x`` in that window (the most negative for valence on
  sad trials, the largest ``|x|`` for valence on other trials);
* **latency**: the first time after onset at which ``x`` exceeds
  ``threshold_sd`` robust SDs of the *calibration* baseline (so one noisy
  pre-window cannot inflate the threshold) and stays above it for
  ``min_duration_s``; NaN when it never does. Only a rise counts: the run must
  start after a face frame below the threshold and at least ``min_latency_s``
  after onset (no face reacts faster), so a face already above the threshold
  at onset (carry-over from the previous trial, or noise) has not responded. A
  trial "responded" on a channel when its latency is finite ("you smiled
  back" = smile responded on a happy trial).

Frames without a face are left out. A trial whose response window has too few
face frames, or that the session ended before, is marked invalid with a reason,
its numbers are left empty, and it never enters an average.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Collection, Sequence

import numpy as np

from mimicry.protocol.timeline import Trial
from mimicry.analysis.baseline import Baseline
from mimicry.analysis.config import ANALYSIS_CHANNELS, AnalysisConfig

#: Index of the valence column in the channel matrix.
VALENCE = ANALYSIS_CHANNELS.index("valence")


@dataclass(frozen=True)
class TrialResult:
    """The response of one trial.

    Attributes
    ----------
    trial : int
        Trial number.
    condition, stimulus_id : str
    onset_s, offset_s : float
        Stimulus onset and offset, seconds.
    valid : bool
        False when the trial must not be used; see ``invalid_reason``.
    invalid_reason : str
        Plain-language reason; empty when valid.
    face_frames_pct : float
        Percentage of frames in the response window with a face (NaN without frames).
    n_frames, n_face_frames : int
        Frames (rows) and face frames in the response window.
    baseline_source : str
        ``"pre_stimulus"`` or ``"session"`` (the pre-stimulus window had fewer than
        ``min_pre_stimulus_frames`` face frames).
    pre_baseline : ndarray, shape (n_channels,)
        The baseline subtracted from every channel.
    mean, peak, latency_s : ndarray, shape (n_channels,)
        In :data:`ANALYSIS_CHANNELS` order; NaN for invalid trials. Units: channel
        units for mean and peak, seconds after onset for latency.
    """

    trial: int
    condition: str
    stimulus_id: str
    onset_s: float
    offset_s: float
    valid: bool
    invalid_reason: str
    face_frames_pct: float
    n_frames: int
    n_face_frames: int
    baseline_source: str
    pre_baseline: np.ndarray = field(repr=False)
    mean: np.ndarray = field(repr=False)
    peak: np.ndarray = field(repr=False)
    latency_s: np.ndarray = field(repr=False)

    def get(self, measure: str, channel: str) -> float:
        """One number, e.g. ``get("mean", "smile")``."""
        return float(getattr(self, measure)[ANALYSIS_CHANNELS.index(channel)])

    def responded(self, channel: str) -> bool:
        """True when the channel rose above threshold (finite latency) on a valid trial."""
        return self.valid and bool(np.isfinite(self.get("latency_s", channel)))


def response_window(trial: Trial, config: AnalysisConfig) -> tuple[float, float]:
    """``[start, end)`` of the response window, seconds."""
    return (trial.onset_s + config.response_start_s,
            trial.offset_s + config.response_end_after_offset_s)


def trial_span(trial: Trial, config: AnalysisConfig) -> tuple[float, float]:
    """``[start, end)`` of every frame a trial needs (pre-window to response end), seconds."""
    start = trial.onset_s + min(config.pre_stimulus_window_s[0], 0.0)
    return start, max(response_window(trial, config)[1], trial.onset_s)


def directions(condition: str) -> np.ndarray:
    """Direction in which each channel "responds": +1 rises, -1 falls, 0 either.

    Expression channels rise when the expression appears. Valence rises on
    happy trials, falls on sad ones and may go either way otherwise.

    Returns
    -------
    ndarray, shape (n_channels,)
    """
    d = np.ones(len(ANALYSIS_CHANNELS))
    d[VALENCE] = {"happy": 1.0, "sad": -1.0}.get(condition, 0.0)
    return d


def first_run_starts(tt: np.ndarray, above: np.ndarray, min_duration_s: float,
                     max_gap_s: float) -> np.ndarray:
    """Time of the first run of True lasting ``min_duration_s``, per column.

    A run is consecutive rows all True with no time step longer than
    ``max_gap_s`` between them.

    Parameters
    ----------
    tt : ndarray, shape (m,)
        Row times, seconds, increasing.
    above : ndarray, shape (m, k), bool

    Returns
    -------
    ndarray, shape (k,)
        Start time of the first long-enough run; NaN where there is none.
    """
    m, k = above.shape
    out = np.full(k, np.nan)
    if m == 0 or not above.any():
        return out
    # Runs of all columns at once: columns laid end to end with a False between
    # them, and a break wherever consecutive rows are too far apart in time.
    a = np.zeros((k, m + 1), dtype=bool)
    a[:, :m] = above.T
    a = a.ravel()
    brk = np.zeros((k, m + 1), dtype=bool)
    brk[:, 1:m] = (tt[1:] - tt[:-1]) > max_gap_s
    brk = brk.ravel()
    edge = np.empty(a.size + 1, dtype=bool)
    edge[0] = a[0]
    edge[-1] = a[-1]
    np.not_equal(a[1:], a[:-1], out=edge[1:-1])
    edge[:-1] |= a & brk          # a break inside a run ends one run and starts another
    idx = np.flatnonzero(edge[:-1] & a)                       # run starts
    ends = np.flatnonzero((edge[1:] | np.append(brk[1:], False)) & a)  # run ends (inclusive)
    row_s, row_e = idx % (m + 1), ends % (m + 1)
    # A tiny tolerance so that 0.2 s made of frames 1/30 s apart counts as 0.2 s.
    ok = tt[row_e] - tt[row_s] >= min_duration_s - 1e-6
    col = idx[ok] // (m + 1)
    first_col, first_i = np.unique(col, return_index=True)
    out[first_col] = tt[row_s[ok][first_i]]
    return out


def rises_only(tt: np.ndarray, above: np.ndarray, earliest_s: float) -> np.ndarray:
    """``above`` without the runs that are not a rise seen from ``earliest_s`` on.

    A run (consecutive True rows, per column) is kept only when a False row
    comes before it and it starts at or after ``earliest_s``. A run already
    going at the first row, or one that began too early, is cleared whole,
    so its later part cannot pass for a response.

    Parameters
    ----------
    tt : ndarray, shape (m,)
        Row times, seconds, increasing.
    above : ndarray, shape (m, k), bool
    earliest_s : float
        The earliest start time of a kept run, seconds.

    Returns
    -------
    ndarray, shape (m, k), bool
    """
    m = above.shape[0]
    if m == 0 or not above.any():
        return above
    before = np.zeros_like(above)
    before[1:] = above[:-1]
    starts = above & ~before
    bad = starts & ((tt < earliest_s - 1e-9)[:, None] | (np.arange(m) == 0)[:, None])
    rows = np.arange(m)[:, None]
    # For every row, the row where its run started (the latest start so far).
    run_start = np.maximum.accumulate(np.where(starts, rows, 0), axis=0)
    cleared = above & np.take_along_axis(bad, run_start, axis=0)
    return above & ~cleared


def _median(x: np.ndarray) -> np.ndarray:
    """Column medians ignoring NaN (fast path when there is none)."""
    if np.isfinite(x).all():
        return np.median(x, axis=0)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN column -> NaN, on purpose
        return np.nanmedian(x, axis=0)


def _invalid(trial: Trial, reason: str, pct: float, n_rows: int, n_face: int,
             source: str, pre: np.ndarray) -> TrialResult:
    nan = np.full(len(ANALYSIS_CHANNELS), np.nan)
    return TrialResult(trial.trial, trial.condition, trial.stimulus_id, trial.onset_s,
                       trial.offset_s, False, reason, pct, n_rows, n_face, source, pre,
                       nan, nan.copy(), nan.copy())


#: Why a trial interrupted by a pause is left out.
PAUSED_REASON = "the session was paused during this trial"


def paused_during(trial: Trial, pauses: Sequence[float], config: AnalysisConfig) -> bool:
    """True when a pause (session times, see :func:`~mimicry.protocol.timeline.pause_times`)
    falls in the trial's span, from its pre-stimulus window to the end of its response window."""
    s0, s1 = trial_span(trial, config)
    return any(s0 <= p < s1 for p in pauses)


def trial_response(
    t: np.ndarray,
    face: np.ndarray,
    values: np.ndarray,
    trial: Trial,
    baseline: Baseline,
    config: AnalysisConfig,
    complete: bool = True,
    paused: bool = False,
) -> TrialResult:
    """Measure one trial.

    Parameters
    ----------
    t : ndarray, shape (n,)
        Frame times, seconds, increasing. Must include every frame of
        :func:`trial_span`; other frames are ignored.
    face : ndarray, shape (n,), bool
        Whether the frame has a face.
    values : ndarray, shape (n, n_channels)
        Channel values (:func:`~mimicry.analysis.baseline.channel_matrix`).
    trial : Trial
    baseline : Baseline
        The session's neutral baseline (for thresholds and as a fallback).
    config : AnalysisConfig
    complete : bool
        False when the recording stopped before the response window closed.
    paused : bool
        True when the session was paused during the trial's span (the face
        froze on screen for an unknown time): the trial is left out.

    Returns
    -------
    TrialResult
    """
    t = np.asarray(t, dtype=float)
    face = np.asarray(face, dtype=bool) & np.isfinite(values).any(axis=1)
    w0, w1 = response_window(trial, config)
    pre0 = trial.onset_s + config.pre_stimulus_window_s[0]
    pre1 = trial.onset_s + config.pre_stimulus_window_s[1]

    in_win = (t >= w0) & (t < w1)
    n_rows = int(in_win.sum())
    n_face = int((in_win & face).sum())
    pct = 100.0 * n_face / n_rows if n_rows else np.nan

    in_pre = (t >= pre0) & (t < pre1) & face
    if in_pre.sum() >= config.min_pre_stimulus_frames:
        pre = _median(values[in_pre])
        source = "pre_stimulus"
    else:
        pre = baseline.median.copy()
        source = "session"
    # A channel without any value before onset (e.g. a column the tracker did
    # not write) falls back to the session baseline on its own.
    missing = ~np.isfinite(pre)
    pre[missing] = baseline.median[missing]

    if not complete:
        return _invalid(trial, "the recording stopped before this trial's response window "
                        "ended", pct, n_rows, n_face, source, pre)
    if paused:
        return _invalid(trial, PAUSED_REASON, pct, n_rows, n_face, source, pre)
    if n_rows == 0:
        return _invalid(trial, "no frames in the response window", pct, n_rows, n_face,
                        source, pre)
    if n_face < config.min_face_fraction * n_rows or n_face == 0:
        return _invalid(trial, f"only {pct:.0f}% of frames in the response window had a face "
                        f"(need {100 * config.min_face_fraction:.0f}%)", pct, n_rows, n_face,
                        source, pre)
    measured = np.isfinite(values[in_win & face]).any(axis=0)
    if not np.isfinite(pre[measured]).any():
        return _invalid(trial, "no face before the stimulus and no neutral baseline to "
                        "compare with", pct, n_rows, n_face, source, pre)

    x_win = values[in_win & face] - pre
    d = directions(trial.condition)
    key = np.where(d == 0, np.abs(x_win), x_win * d)
    if np.isfinite(x_win).all():
        mean = x_win.mean(axis=0)
    else:  # a missing cell (or column) leaves out that value only
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN column -> NaN, on purpose
            mean = np.nanmean(x_win, axis=0)
        key = np.where(np.isfinite(key), key, -np.inf)
    peak = x_win[key.argmax(axis=0), np.arange(x_win.shape[1])]

    # Latency: from onset (a fast responder may start before response_start_s),
    # counting only a rise that begins min_latency_s or more after it.
    in_lat = (t >= trial.onset_s) & (t < w1) & face
    tt = t[in_lat]
    x_lat = values[in_lat] - pre
    thr = config.threshold_sd * baseline.robust_sd
    above = np.where(d == 0, np.abs(x_lat), d * x_lat) > thr
    above = rises_only(tt, above, trial.onset_s + config.min_latency_s)
    latency = first_run_starts(tt, above, config.min_duration_s, config.max_gap_s) - trial.onset_s
    return TrialResult(trial.trial, trial.condition, trial.stimulus_id, trial.onset_s,
                       trial.offset_s, True, "", pct, n_rows, n_face, source, pre,
                       mean, peak, latency)


def trial_responses(
    t: np.ndarray,
    face: np.ndarray,
    values: np.ndarray,
    trials: list[Trial],
    baseline: Baseline,
    config: AnalysisConfig,
    unfinished: Collection[int] = (),
    pauses: Sequence[float] = (),
) -> list[TrialResult]:
    """Measure every trial of a recording (see :func:`trial_response`).

    Parameters
    ----------
    t : ndarray, shape (n,)
        Frame times of one face slot, seconds, increasing.
    face : ndarray, shape (n,), bool
    values : ndarray, shape (n, n_channels)
    trials : list of Trial
    unfinished : collection of int
        Trial numbers whose stimulus never ended (no ``stimulus_offset``: the
        recording stopped); they are marked invalid.
    pauses : sequence of float
        Session times of pauses; trials they interrupt are marked invalid.

    Returns
    -------
    list of TrialResult, one per trial, in the order given
    """
    t_last = t[-1] if len(t) else -np.inf
    out = []
    for tr in trials:
        s0, s1 = trial_span(tr, config)
        i0, i1 = np.searchsorted(t, [s0, s1], side="left")
        # A trial is complete once a frame at or after the end of its window exists.
        out.append(trial_response(t[i0:i1], face[i0:i1], values[i0:i1], tr, baseline, config,
                                  complete=bool(t_last >= s1) and tr.trial not in unfinished,
                                  paused=paused_during(tr, pauses, config)))
    return out


def responded_counts(trials: Sequence[TrialResult], channel: str) -> dict[str, tuple[int, int]]:
    """Per condition: (valid trials where ``channel`` responded, valid trials)."""
    out = {}
    for cond in ("happy", "sad", "neutral"):
        valid = [r for r in trials if r.valid and r.condition == cond]
        out[cond] = (sum(r.responded(channel) for r in valid), len(valid))
    return out

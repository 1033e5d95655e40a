"""Trial-averaged response curves per condition, time-locked to stimulus onset.

For every trial, each channel minus that trial's pre-stimulus baseline (the
median of the face frames in the analysis's pre-stimulus window, as
:mod:`mimicry.analysis.trials` does) is resampled on a common grid of seconds
from stimulus onset; the trials of each condition are averaged, with a 95%
confidence interval over trials (Student's t). The app's results screen and
the HTML reports draw these; the numbers that are reported come from
:mod:`mimicry.analysis`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import numpy as np

#: Channels drawn by default: the smile and the sad composite the index uses.
CURVE_CHANNELS: tuple[str, ...] = ("smile", "sad_composite")
#: Curve sampling step, seconds.
GRID_STEP_S = 1.0 / 30.0
#: Seconds drawn after the stimulus has returned to neutral.
AFTER_END_S = 1.0
#: Conditions, in drawing order.
CONDITIONS: tuple[str, ...] = ("happy", "sad", "neutral")


@dataclass(frozen=True)
class ResponseCurves:
    """Average response of each condition, time-locked to stimulus onset.

    Attributes
    ----------
    t_s : ndarray, shape (n_samples,)
        Seconds from stimulus onset (negative: before the face began to change).
    mean : dict of (condition, channel) to ndarray, shape (n_samples,)
        Mean over trials of the channel minus its pre-stimulus baseline
        (channel units); NaN where no trial had a face.
    ci_low, ci_high : dict of (condition, channel) to ndarray, shape (n_samples,)
        95% confidence interval of the mean over trials (t distribution); NaN
        where fewer than 2 trials had a face.
    n : dict of (condition, channel) to ndarray, shape (n_samples,), int
        Trials with a value at each sample.
    n_trials : dict of str to int
        Trials averaged per condition.
    stimulus_s : float
        Typical onset-to-offset duration, seconds (for shading).
    morph_s : float
        Typical morph duration, seconds.
    channels : tuple of str
    """

    t_s: np.ndarray
    mean: dict = field(repr=False)
    n_trials: dict
    stimulus_s: float
    morph_s: float
    ci_low: dict = field(default_factory=dict, repr=False)
    ci_high: dict = field(default_factory=dict, repr=False)
    n: dict = field(default_factory=dict, repr=False)
    channels: tuple = CURVE_CHANNELS


def mean_and_ci(rows: np.ndarray, level: float = 0.95):
    """Column-wise mean and t-based confidence interval, ignoring NaN.

    Parameters
    ----------
    rows : ndarray, shape (n_rows, n_samples)
    level : float

    Returns
    -------
    mean, low, high : ndarray, shape (n_samples,)
        NaN where no row (mean) or fewer than 2 rows (interval) have a value.
    n : ndarray, shape (n_samples,), int
    """
    from scipy.stats import t as student_t  # noqa: PLC0415

    rows = np.atleast_2d(np.asarray(rows, dtype=float))
    ok = np.isfinite(rows)
    n = ok.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(n > 0, np.where(ok, rows, 0.0).sum(axis=0) / np.maximum(n, 1), np.nan)
        dev = np.where(ok, rows - mean, 0.0)
        sd = np.sqrt((dev ** 2).sum(axis=0) / np.maximum(n - 1, 1))
        half = student_t.ppf(0.5 + level / 2, np.maximum(n - 1, 1)) * sd / np.sqrt(np.maximum(n, 1))
    half = np.where(n >= 2, half, np.nan)
    return mean, mean - half, mean + half, n


def response_curves(frames, events, config=None, channels: Sequence[str] = CURVE_CHANNELS,
                    end_s: float | None = None) -> ResponseCurves | None:
    """Compute the curves of a session.

    Parameters
    ----------
    frames : FramesTable
        The session's frames (face slot ``config.face_id`` is used).
    events : sequence of StimulusEvent
    config : mimicry.analysis.config.AnalysisConfig, optional
    channels : sequence of str
        Analysis channels (:data:`mimicry.analysis.config.ANALYSIS_CHANNELS`).
    end_s : float, optional
        Last grid time, seconds after onset (default: the typical stimulus
        plus its morph back plus :data:`AFTER_END_S`). Give the same value to
        put several sessions on one grid.

    Returns
    -------
    ResponseCurves or None
        None when the session has no trial with a face.
    """
    from mimicry.analysis.baseline import channel_matrix  # noqa: PLC0415
    from mimicry.analysis.config import ANALYSIS_CHANNELS, AnalysisConfig  # noqa: PLC0415
    from mimicry.analysis.signals import resample  # noqa: PLC0415
    from mimicry.protocol.timeline import trials_from_events  # noqa: PLC0415

    config = config or AnalysisConfig()
    frames = frames.face(config.face_id)
    trials = trials_from_events(events)
    if not trials or len(frames) == 0:
        return None
    t = frames.t
    order = np.argsort(t, kind="stable")
    t = t[order]
    face = frames.face_detected[order]
    values = channel_matrix({k: v[order] for k, v in frames.channels.items()}, n=t.size)
    cols = [ANALYSIS_CHANNELS.index(ch) for ch in channels]

    stimulus_s = float(np.median([tr.offset_s - tr.onset_s for tr in trials]))
    morph_s = float(np.median([tr.morph_s for tr in trials]))
    pre0, pre1 = config.pre_stimulus_window_s
    if end_s is None:
        end_s = stimulus_s + morph_s + AFTER_END_S
    grid_rel = np.arange(pre0, end_s + 1e-9, GRID_STEP_S)
    stacks: dict[tuple[str, str], list[np.ndarray]] = {}
    counts: dict[str, int] = {}
    for tr in trials:
        pre = face & (t >= tr.onset_s + pre0) & (t < tr.onset_s + pre1)
        if pre.sum() < config.min_pre_stimulus_frames:
            continue  # no neutral reference for this trial: leave it out
        span = (t >= tr.onset_s + grid_rel[0] - 0.5) & (t <= tr.onset_s + grid_rel[-1] + 0.5)
        if not (face & span).any():
            continue
        counts[tr.condition] = counts.get(tr.condition, 0) + 1
        for ch, j in zip(channels, cols):
            x = np.where(face, values[:, j], np.nan)
            base = float(np.median(x[pre]))
            stacks.setdefault((tr.condition, ch), []).append(
                resample(t[span], x[span] - base, tr.onset_s + grid_rel, config.max_gap_s))
    if not counts:
        return None
    mean, low, high, n = {}, {}, {}, {}
    for key, rows in stacks.items():
        mean[key], low[key], high[key], n[key] = mean_and_ci(np.vstack(rows))
    return ResponseCurves(t_s=grid_rel, mean=mean, n_trials=counts, stimulus_s=stimulus_s,
                          morph_s=morph_s, ci_low=low, ci_high=high, n=n,
                          channels=tuple(channels))


def session_response_curves(folder: str | os.PathLike, config=None) -> ResponseCurves | None:
    """:func:`response_curves` of a session folder (``frames.csv`` and ``events.csv``).

    Raises :class:`~mimicry.core.errors.InputError` when a file is missing or unreadable.
    """
    from mimicry.io.tables import read_events, read_frames  # noqa: PLC0415

    folder = Path(folder)
    return response_curves(read_frames(folder / "frames.csv"),
                           read_events(folder / "events.csv"), config)


def group_curves(analyses: Sequence):
    """Response curves averaged over sessions: each session's per-condition mean, then mean ± CI.

    Every session is put on the grid of the shortest one, so each point
    averages the same people.
    """
    from mimicry.protocol.timeline import trials_from_events  # noqa: PLC0415

    if not analyses:
        return None
    ends = []
    for a in analyses:
        trials = trials_from_events(a.session.events)
        ends.append(float(np.median([tr.offset_s - tr.onset_s + tr.morph_s for tr in trials])))
    end_s = min(ends) + AFTER_END_S
    per = [c for c in (response_curves(a.session.frames, a.session.events, a.result.config,
                                       end_s=end_s) for a in analyses) if c is not None]
    if not per:
        return None
    stacks: dict = {}
    for c in per:
        for key, y in c.mean.items():
            stacks.setdefault(key, []).append(y)
    mean, low, high, n = {}, {}, {}, {}
    for key, rows in stacks.items():
        mean[key], low[key], high[key], n[key] = mean_and_ci(np.vstack(rows))
    n_sessions = {cond: len(stacks.get((cond, per[0].channels[0]), []))
                  for cond in ("happy", "sad", "neutral")}
    return ResponseCurves(t_s=per[0].t_s, mean=mean, n_trials=n_sessions,
                          stimulus_s=float(np.median([c.stimulus_s for c in per])),
                          morph_s=float(np.median([c.morph_s for c in per])),
                          ci_low=low, ci_high=high, n=n, channels=per[0].channels)

"""Trial-averaged response curves per condition, for the results screen.

Qt-free. For every trial, each channel minus that trial's pre-stimulus
baseline (the median of the face frames in the analysis's pre-stimulus window,
as :mod:`mimicry.analysis.trials` does) is resampled on a common grid of
seconds from stimulus onset, and the trials of each condition are averaged.
What the results screen draws, nothing more; the numbers that are reported
come from :mod:`mimicry.analysis`.

This belongs next to the trial analysis in the core (the HTML report will
want the same curves); it lives here until the core grows it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

#: Channels drawn on the results screen.
CURVE_CHANNELS: tuple[str, ...] = ("smile", "sad_composite")
#: Curve sampling step, seconds.
GRID_STEP_S = 1.0 / 30.0
#: Seconds drawn after the stimulus has returned to neutral.
AFTER_END_S = 1.0


@dataclass(frozen=True)
class ResponseCurves:
    """Average response of each condition, time-locked to stimulus onset.

    Attributes
    ----------
    t_s : ndarray, shape (n_samples,)
        Seconds from stimulus onset.
    mean : dict of (condition, channel) to ndarray, shape (n_samples,)
        Mean over trials of the channel minus its pre-stimulus baseline; NaN
        where no trial had a face.
    n_trials : dict of str to int
        Trials averaged per condition.
    stimulus_s : float
        Typical onset-to-offset duration, seconds (for shading).
    morph_s : float
        Typical morph duration, seconds.
    """

    t_s: np.ndarray
    mean: dict = field(repr=False)
    n_trials: dict
    stimulus_s: float
    morph_s: float


def response_curves(folder: str | Path, config=None) -> ResponseCurves | None:
    """Compute the curves of a recorded session folder.

    Parameters
    ----------
    folder : path
        A session folder with ``frames.csv`` and ``events.csv``.
    config : mimicry.analysis.config.AnalysisConfig, optional

    Returns
    -------
    ResponseCurves or None
        None when the session has no trial with a face.
    """
    from mimicry.analysis.baseline import channel_matrix  # noqa: PLC0415
    from mimicry.analysis.config import ANALYSIS_CHANNELS, AnalysisConfig  # noqa: PLC0415
    from mimicry.analysis.xcorr import resample  # noqa: PLC0415
    from mimicry.tables import read_events, read_frames  # noqa: PLC0415
    from mimicry.timeline import trials_from_events  # noqa: PLC0415

    config = config or AnalysisConfig()
    folder = Path(folder)
    frames = read_frames(folder / "frames.csv").face(config.face_id)
    trials = trials_from_events(read_events(folder / "events.csv"))
    if not trials or len(frames) == 0:
        return None
    t = frames.t
    order = np.argsort(t, kind="stable")
    t = t[order]
    face = frames.face_detected[order]
    values = channel_matrix({k: v[order] for k, v in frames.channels.items()}, n=t.size)
    cols = [ANALYSIS_CHANNELS.index(ch) for ch in CURVE_CHANNELS]

    stimulus_s = float(np.median([tr.offset_s - tr.onset_s for tr in trials]))
    morph_s = float(np.median([tr.morph_s for tr in trials]))
    pre0, pre1 = config.pre_stimulus_window_s
    grid_rel = np.arange(pre0, stimulus_s + morph_s + AFTER_END_S + 1e-9, GRID_STEP_S)
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
        for ch, j in zip(CURVE_CHANNELS, cols):
            x = np.where(face, values[:, j], np.nan)
            base = float(np.median(x[pre]))
            stacks.setdefault((tr.condition, ch), []).append(
                resample(t[span], x[span] - base, tr.onset_s + grid_rel, config.max_gap_s))
    if not counts:
        return None
    mean = {}
    for key, rows in stacks.items():
        arr = np.vstack(rows)
        with np.errstate(invalid="ignore"):
            n_ok = np.isfinite(arr).sum(axis=0)
            m = np.where(n_ok > 0, np.nansum(arr, axis=0) / np.maximum(n_ok, 1), np.nan)
        mean[key] = m
    return ResponseCurves(t_s=grid_rel, mean=mean, n_trials=counts, stimulus_s=stimulus_s,
                          morph_s=morph_s)

"""Offline analysis of a whole session: frames and events in, a :class:`SessionResult` out.

:func:`analyze_session` turns frames and events into a :class:`SessionResult`;
:mod:`mimicry.analysis.outputs` writes it as ``summary.json`` and ``trials.csv``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Collection, Sequence

import numpy as np

from mimicry.core.messages import StimulusEvent
from mimicry.io.tables import FramesTable
from mimicry.protocol.design import Design
from mimicry.protocol.timeline import Trial, pause_times, trials_from_events
from mimicry.analysis.baseline import (MAX_CALIBRATION_S, Baseline, calibration_period,
                                      channel_matrix, choose_baseline, expression_periods,
                                      expression_ranges)
from mimicry.analysis.config import ANALYSIS_CHANNELS, AnalysisConfig
from mimicry.analysis.frame_rate import MIN_TRUSTED_FPS, slow_tracking_note, tracked_rate
from mimicry.protocol.groups import Groups
from mimicry.analysis.groups import GroupDifference, group_difference, groups_from_events
from mimicry.analysis.primary import PrimaryResult, primary_test
from mimicry.analysis.reference import design_from_events, reference_orders
from mimicry.analysis.stats import CongruenceResult, conclude, congruence_test
from mimicry.analysis.trials import TrialResult, trial_responses
from mimicry.analysis.xcorr import XcorrResult, lagged_xcorr

@dataclass(frozen=True)
class SessionResult:
    """Everything the analysis found in one session.

    Attributes
    ----------
    trials : list of TrialResult
    baseline : Baseline
    congruence : CongruenceResult
        The two-channel mimicry index (secondary; reported, not concluded on).
    xcorr : XcorrResult
    conclusion : str
        One of :data:`mimicry.analysis.stats.CONCLUSIONS`.
    face_frames_pct : float
        Percentage of frames of the analysed face slot with a face.
    config : AnalysisConfig
    notes : list of str
        Plain-language remarks (baseline fallback, extra faces, ...).
    session_status : str
        From ``session.json`` (``"complete"``, ``"incomplete"``, ...), or
        ``"unknown"`` without one.
    primary : PrimaryResult or None
        The primary test (the conclusion rests on it) and the secondary channels.
    ranges : dict of str to float
        The person's own range of a channel (its widest posed expression minus
        the neutral baseline), from the optional expression calibration.
    tracked_fps : float
        Frames tracked per second over the recording (NaN with fewer than 2).
    n_frames : int
        Frames of the analysed face slot.
    group_difference : GroupDifference or None
        Own minus other group (:mod:`mimicry.analysis.groups`), in a session
        with group labels.
    trial_groups : dict of int to str
        Each trial's group label (``own``/``other``; empty without groups).
    """

    trials: list[TrialResult]
    baseline: Baseline
    congruence: CongruenceResult
    xcorr: XcorrResult
    conclusion: str
    face_frames_pct: float
    config: AnalysisConfig
    notes: list[str] = field(default_factory=list)
    session_status: str = "unknown"
    primary: PrimaryResult | None = None
    ranges: dict = field(default_factory=dict)
    tracked_fps: float = float("nan")
    n_frames: int = 0
    group_difference: "GroupDifference | None" = None
    trial_groups: dict = field(default_factory=dict)

    def range_of(self, channel: str) -> float | None:
        """The person's own range of ``channel``, or None without a calibration of it."""
        v = self.ranges.get(channel)
        return float(v) if v is not None and np.isfinite(v) and v > 0 else None

    @property
    def n_valid(self) -> int:
        return sum(r.valid for r in self.trials)


def prepare_frames(t, face, channels):
    """Sorted frame times, face mask and channel matrix of one face slot.

    Parameters
    ----------
    t : ndarray, shape (n,)
    face : ndarray, shape (n,), bool
    channels : dict of str to ndarray, shape (n,)

    Returns
    -------
    t : ndarray, shape (n,)
    face : ndarray, shape (n,), bool
        Face detected and at least one finite channel.
    values : ndarray, shape (n, n_channels)
        :func:`~mimicry.analysis.baseline.channel_matrix` order.
    """
    t = np.asarray(t, dtype=float)
    face = np.asarray(face, dtype=bool)
    values = channel_matrix(channels, n=t.size)
    if t.size > 1 and np.any(np.diff(t) < 0):
        order = np.argsort(t, kind="stable")
        t, face, values = t[order], face[order], values[order]
    return t, face & np.isfinite(values).any(axis=1), values


def session_baseline(t, face, values, trials, calibration, config) -> Baseline:
    """The neutral baseline of a recording (see :func:`~.baseline.choose_baseline`).

    Parameters
    ----------
    t, face, values : as returned by :func:`prepare_frames`
    trials : sequence of Trial, sorted by onset
    calibration : (float, float) | None
    config : AnalysisConfig
    """
    first_onset = trials[0].onset_s if trials else None
    cal_vals = None
    if calibration is not None:
        end = min(calibration[1], calibration[0] + MAX_CALIBRATION_S)
        cal_vals = values[face & (t >= calibration[0]) & (t <= end)]
    pre_vals = np.zeros((0, values.shape[1]))
    if first_onset is not None:
        pre_vals = values[face & (t >= first_onset - config.fallback_baseline_s)
                          & (t < first_onset)]
    return choose_baseline(cal_vals, calibration, pre_vals, first_onset, config)


def analyze_trials(
    t: np.ndarray,
    face: np.ndarray,
    channels: dict[str, np.ndarray],
    trials: Sequence[Trial],
    calibration: tuple[float, float] | None,
    config: AnalysisConfig | None = None,
    design: Design | None = None,
) -> tuple[Baseline, list[TrialResult], CongruenceResult, PrimaryResult]:
    """The trial-level part of the analysis: baseline, trial responses, mimicry index.

    Parameters are as for :func:`analyze_arrays`. This is what the streaming
    analysis reproduces, and it is fast enough for calibration runs of
    thousands of simulated sessions.

    Returns
    -------
    baseline : Baseline
    results : list of TrialResult
    congruence : CongruenceResult
    primary : PrimaryResult
    """
    config = config or AnalysisConfig()
    t, face, values = prepare_frames(t, face, channels)
    trials = sorted(trials, key=lambda tr: tr.onset_s)
    baseline = session_baseline(t, face, values, trials, calibration, config)
    results = trial_responses(t, face, values, trials, baseline, config)
    orders = reference_orders(trials, design, config.n_permutations, config.seed)
    return (baseline, results, congruence_test(results, config),
            primary_test(results, orders, config))


def analyze_arrays(
    t: np.ndarray,
    face: np.ndarray,
    channels: dict[str, np.ndarray],
    trials: Sequence[Trial],
    calibration: tuple[float, float] | None,
    config: AnalysisConfig | None = None,
    notes: Sequence[str] = (),
    session_status: str = "unknown",
    unfinished: Collection[int] = (),
    design: Design | None = None,
    expressions: Sequence[tuple[str, float, float]] = (),
    secondary: bool = True,
    pauses: Sequence[float] = (),
    groups: "Groups | None" = None,
    groups_recorded: bool = True,
) -> SessionResult:
    """Analyse one face's frames against a stimulus timeline.

    Parameters
    ----------
    t : ndarray, shape (n,)
        Frame times, seconds (sorted here if needed).
    face : ndarray, shape (n,), bool
        Face detected.
    channels : dict of str to ndarray, shape (n,)
        Channel values, NaN where no face.
    trials : sequence of Trial
    calibration : (float, float) | None
        Calibration period, seconds.
    config : AnalysisConfig | None
    notes : sequence of str
        Extra remarks to carry into the result.
    session_status : str
    unfinished : collection of int
        Trials whose stimulus never ended (no offset event); marked invalid.
    design : Design, optional
        The randomisation design that drew the trial order; the tests redraw
        orders from it (:mod:`mimicry.analysis.reference`). Without it the
        observed conditions are shuffled.
    expressions : sequence of (str, float, float)
        The posed-expression steps (:func:`~.baseline.expression_periods`),
        giving the person's own range of each channel.
    secondary : bool
        False skips the secondary channels' tests (for simulation studies).
    pauses : sequence of float
        Session times the session was paused at (:func:`~mimicry.protocol.timeline.pause_times`);
        the trials they interrupt are left out.
    groups : Groups, optional
        The session's group labels: the own-minus-other test
        (:func:`~mimicry.analysis.groups.group_difference`) is added.
    groups_recorded : bool
        Whether the group design was recorded (else the labels are shuffled).

    Returns
    -------
    SessionResult
    """
    config = config or AnalysisConfig()
    t, face, values = prepare_frames(t, face, channels)
    trials = sorted(trials, key=lambda tr: tr.onset_s)
    notes = list(notes)
    baseline = session_baseline(t, face, values, trials, calibration, config)
    if baseline.note:
        notes.append(baseline.note)
    results = trial_responses(t, face, values, trials, baseline, config, unfinished, pauses)
    cong = congruence_test(results, config)
    orders = reference_orders(trials, design, config.n_permutations, config.seed)
    if orders.method != "design" and trials:
        notes.append("No randomisation design was recorded with this session, so the tests "
                     "shuffle the trial conditions, which assumes their order was random.")
    prim = primary_test(results, orders, config, secondary)
    valence = values[:, ANALYSIS_CHANNELS.index("valence")]
    med = baseline.median[ANALYSIS_CHANNELS.index("valence")]
    response = np.where(face, valence - (med if np.isfinite(med) else 0.0), np.nan)
    xc = lagged_xcorr(t, response, trials, config, orders)
    pct = 100.0 * face.mean() if t.size else float("nan")
    ranges = expression_ranges(t, face, values, expressions, baseline)
    fps = tracked_rate(t)
    if np.isfinite(fps) and fps < MIN_TRUSTED_FPS:
        notes.append(slow_tracking_note(fps))
    gd = None
    if groups is not None and trials:
        gd = group_difference(results, trials, groups, orders, config, groups_recorded)
    return SessionResult(results, baseline, cong, xc, conclude(prim.primary, config),
                         float(pct), config, notes, session_status, prim, ranges, fps,
                         int(t.size), gd, {tr.trial: tr.group for tr in trials})


def analyze_session(
    frames: FramesTable,
    events: Sequence[StimulusEvent],
    config: AnalysisConfig | None = None,
    session_status: str = "unknown",
) -> SessionResult:
    """Analyse a recorded session.

    Parameters
    ----------
    frames : FramesTable
        As read by :func:`mimicry.io.tables.read_frames`. Face slot
        ``config.face_id`` is analysed; other faces are noted and ignored.
    events : sequence of StimulusEvent
    config : AnalysisConfig | None
    session_status : str
        ``status`` of ``session.json`` when known.

    Returns
    -------
    SessionResult
    """
    config = config or AnalysisConfig()
    notes = []
    ids = sorted(set(int(i) for i in np.unique(frames.face_id))) if len(frames) else []
    others = [i for i in ids if i != config.face_id]
    if others:
        extra = frames.select((frames.face_id != config.face_id) & frames.face_detected)
        if len(extra):
            notes.append(f"More than one face was seen; only face {config.face_id} was analysed "
                         f"(faces {', '.join(map(str, others))} were ignored).")
    one = frames.face(config.face_id)
    trials = trials_from_events(events)
    groups, recorded = groups_from_events(events, trials)
    return analyze_arrays(one.t, one.face_detected, one.channels, trials,
                          calibration_period(events), config, notes, session_status,
                          unfinished_trials(events), design_from_events(events, trials),
                          expression_periods(events), pauses=pause_times(events),
                          groups=groups, groups_recorded=recorded)


def unfinished_trials(events: Sequence[StimulusEvent]) -> set[int]:
    """Trials with a ``stimulus_onset`` but no ``stimulus_offset`` (recording cut short)."""
    onsets = {e.trial for e in events if e.event == "stimulus_onset" and e.trial is not None}
    offsets = {e.trial for e in events if e.event == "stimulus_offset"}
    return onsets - offsets


# The written forms live in :mod:`mimicry.analysis.outputs`; kept importable from here.
from mimicry.analysis.outputs import (TRIAL_CSV_CHANNELS, TRIAL_CSV_COLUMNS,  # noqa: E402
                                      summary_dict, trial_rows)

__all__ = ["SessionResult", "analyze_arrays", "analyze_session", "analyze_trials",
           "prepare_frames", "session_baseline", "summary_dict", "trial_rows",
           "unfinished_trials", "TRIAL_CSV_CHANNELS", "TRIAL_CSV_COLUMNS"]

"""Offline analysis of a whole session, and its outputs.

:func:`analyze_session` turns frames and events into a :class:`SessionResult`;
:func:`summary_dict` and :func:`trial_rows` give ``summary.json`` and
``trials.csv``; :func:`plain_summary` the text a student reads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Collection, Sequence

import numpy as np

from mimicry._version import __version__
from mimicry.core import channels as _channels
from mimicry.core.messages import StimulusEvent
from mimicry.io.tables import FramesTable
from mimicry.protocol.timeline import Trial, trials_from_events
from mimicry.analysis.baseline import (MAX_CALIBRATION_S, Baseline, calibration_period, channel_matrix,
                       choose_baseline)
from mimicry.analysis.config import ANALYSIS_CHANNELS, ANALYSIS_VERSION, AnalysisConfig
from mimicry.analysis.stats import CongruenceResult, conclude, congruence_test
from mimicry.analysis.trials import TrialResult, responded_counts, trial_responses
from mimicry.analysis.xcorr import XcorrResult, lagged_xcorr

#: Channels written to trials.csv, in column order (from the channel registry).
TRIAL_CSV_CHANNELS: tuple[str, ...] = _channels.TRIAL_CSV_CHANNELS
TRIAL_CSV_COLUMNS: tuple[str, ...] = (
    ("trial", "condition", "stimulus_id", "onset_s", "offset_s", "valid", "invalid_reason",
     "face_frames_pct", "baseline_source")
    + tuple(f"{ch}_{m}" for ch in TRIAL_CSV_CHANNELS for m in ("mean", "peak", "latency_s")))


@dataclass(frozen=True)
class SessionResult:
    """Everything the analysis found in one session.

    Attributes
    ----------
    trials : list of TrialResult
    baseline : Baseline
    congruence : CongruenceResult
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
) -> tuple[Baseline, list[TrialResult], CongruenceResult]:
    """The trial-level part of the analysis: baseline, trial responses, mimicry index.

    Parameters are as for :func:`analyze_arrays`. This is what the streaming
    analysis reproduces, and it is fast enough for calibration runs of
    thousands of simulated sessions.

    Returns
    -------
    baseline : Baseline
    results : list of TrialResult
    congruence : CongruenceResult
    """
    config = config or AnalysisConfig()
    t, face, values = prepare_frames(t, face, channels)
    trials = sorted(trials, key=lambda tr: tr.onset_s)
    baseline = session_baseline(t, face, values, trials, calibration, config)
    results = trial_responses(t, face, values, trials, baseline, config)
    return baseline, results, congruence_test(results, config)


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
    results = trial_responses(t, face, values, trials, baseline, config, unfinished)
    cong = congruence_test(results, config)
    valence = values[:, ANALYSIS_CHANNELS.index("valence")]
    med = baseline.median[ANALYSIS_CHANNELS.index("valence")]
    response = np.where(face, valence - (med if np.isfinite(med) else 0.0), np.nan)
    xc = lagged_xcorr(t, response, trials, config)
    pct = 100.0 * face.mean() if t.size else float("nan")
    return SessionResult(results, baseline, cong, xc, conclude(cong, config), float(pct),
                         config, notes, session_status)


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
    return analyze_arrays(one.t, one.face_detected, one.channels, trials,
                          calibration_period(events), config, notes, session_status,
                          unfinished_trials(events))


def unfinished_trials(events: Sequence[StimulusEvent]) -> set[int]:
    """Trials with a ``stimulus_onset`` but no ``stimulus_offset`` (recording cut short)."""
    onsets = {e.trial for e in events if e.event == "stimulus_onset" and e.trial is not None}
    offsets = {e.trial for e in events if e.event == "stimulus_offset"}
    return onsets - offsets


def _num(v, digits: int = 6):
    """JSON number: NaN/inf become None."""
    if v is None:
        return None
    v = float(v)
    return round(v, digits) if np.isfinite(v) else None


def trial_rows(result: SessionResult) -> list[dict]:
    """One dict per trial with the :data:`TRIAL_CSV_COLUMNS` keys (NaN kept as NaN)."""
    rows = []
    for r in result.trials:
        row = {"trial": r.trial, "condition": r.condition, "stimulus_id": r.stimulus_id,
               "onset_s": r.onset_s, "offset_s": r.offset_s, "valid": bool(r.valid),
               "invalid_reason": r.invalid_reason, "face_frames_pct": r.face_frames_pct,
               "baseline_source": r.baseline_source}
        for ch in TRIAL_CSV_CHANNELS:
            for m in ("mean", "peak", "latency_s"):
                row[f"{ch}_{m}"] = r.get(m, ch)
        rows.append(row)
    return rows


def summary_dict(result: SessionResult) -> dict:
    """The content of ``summary.json`` (plain JSON types; NaN as null)."""
    from mimicry.analysis.summary import plain_summary

    cong, xc, cfg = result.congruence, result.xcorr, result.config
    channels = {}
    for j, ch in enumerate(ANALYSIS_CHANNELS):
        means = {}
        for cond in ("happy", "sad", "neutral"):
            v = [r.mean[j] for r in result.trials if r.valid and r.condition == cond]
            means[cond] = _num(np.mean(v)) if v else None
        counts = responded_counts(result.trials, ch)
        lat = [r.latency_s[j] for r in result.trials
               if r.valid and np.isfinite(r.latency_s[j])
               and r.condition == ("sad" if ch in _channels.SAD_LATENCY_CHANNELS
                                   else "happy")]
        channels[ch] = {
            "g_happy_vs_sad": _num(cong.channel_g[ch]["happy_vs_sad"]),
            "g_happy_vs_neutral": _num(cong.channel_g[ch]["happy_vs_neutral"]),
            "g_sad_vs_neutral": _num(cong.channel_g[ch]["sad_vs_neutral"]),
            "mean_response": means,
            "responded": {c: {"n": k, "of": n} for c, (k, n) in counts.items()},
            "median_latency_s": _num(np.median(lat)) if lat else None,
        }
    n_by = {c: sum(r.condition == c for r in result.trials) for c in ("happy", "sad", "neutral")}
    return {
        "mimicry_version": __version__,
        "analysis_version": ANALYSIS_VERSION,
        "session_status": result.session_status,
        "conclusion": result.conclusion,
        "summary_text": plain_summary(result),
        "mimicry_index": _num(cong.index),
        "effect_size": _num(cong.index),
        "effect_size_kind": ("mean of Hedges' g: smile happy>sad and sad_composite sad>happy "
                             "(SD units; positive = mimicry)"),
        "p_value": _num(cong.p_value),
        "p_value_two_sided": _num(cong.p_value_two_sided),
        "p_value_opposite": _num(cong.p_value_opposite),
        "p_floor": _num(cong.p_floor),
        "n_permutations": int(cong.n_permutations),
        "permutation_method": cong.method,
        "alpha": cfg.alpha,
        # The delay means something only when the stimulus and face are related.
        "lag_s": (_num(xc.peak_lag_s) if np.isfinite(xc.p_value_two_sided)
                  and xc.p_value_two_sided < cfg.alpha else None),
        "n_trials": len(result.trials),
        "n_valid_trials": result.n_valid,
        "n_trials_by_condition": n_by,
        "n_valid_by_condition": dict(cong.n_valid),
        "invalid_trials": [{"trial": r.trial, "condition": r.condition,
                            "reason": r.invalid_reason}
                           for r in result.trials if not r.valid],
        "face_frames_pct": _num(result.face_frames_pct, 2),
        "valence_g_happy_vs_sad": _num(cong.channel_g["valence"]["happy_vs_sad"]),
        "channels": channels,
        "xcorr": {
            "peak_lag_s": _num(xc.peak_lag_s),
            "peak_r": _num(xc.peak_r),
            "peak_at_edge": bool(xc.peak_at_edge),
            "p_value": _num(xc.p_value),
            "p_value_two_sided": _num(xc.p_value_two_sided),
            "p_floor": _num(xc.p_floor),
            "n_permutations": int(xc.n_permutations),
            "method": xc.method,
            "null": "happy/sad label permutation, max over lags",
            "dt_s": _num(xc.dt_s),
            "lags_s": [_num(v, 4) for v in xc.lags_s],
            "r": [_num(v, 4) for v in xc.r],
            "band_low": [_num(v, 4) for v in xc.band_low],
            "band_high": [_num(v, 4) for v in xc.band_high],
            "max_threshold": _num(xc.max_threshold, 4),
        },
        "baseline": result.baseline.as_dict(),
        "notes": list(result.notes),
        "parameters": cfg.as_dict(),
    }

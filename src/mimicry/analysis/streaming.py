"""Streaming analysis: the same trial-level results as offline, one frame at a time.

:class:`StreamingAnalyzer` is fed frames and events as they happen. Each frame
costs amortised O(1): it is appended to the buffers of the (at most two) open
trials that need it, to a short ring of recent frames and to the ring of the
live cross-correlation. When a trial's response window has closed (a frame at
or after its end arrives), that trial is measured with the same function as
the offline analysis (:func:`mimicry.analysis.trials.trial_response`), its
frames are dropped, and the permutation test reruns over the trial-level
numbers only. Memory is bounded over any session length: one summary per trial
plus rings of a few seconds.

Feed frames in time order. Events may arrive a little late (up to
``history_s``, default 3 s): a trial's pre-stimulus frames are taken from the
ring of recent frames when its onset event arrives.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass
from typing import Mapping

import numpy as np

from mimicry.core.messages import StimulusEvent
from mimicry.protocol.timeline import (CONDITION_SIGN, Trial, is_pause, trial_intensity,
                                       trials_from_events)
from mimicry.analysis.baseline import MAX_CALIBRATION_S, Baseline, choose_baseline
from mimicry.analysis.config import ANALYSIS_CHANNELS, AnalysisConfig
from mimicry.analysis.primary import ContrastResult, contrast_test
from mimicry.analysis.reference import design_from_events, reference_orders
from mimicry.analysis.stats import CongruenceResult, conclude, congruence_test
from mimicry.analysis.trials import (TrialResult, paused_during, responded_counts, trial_response,
                                     trial_span)
from mimicry.analysis.live_lag import lag_gate_for
from mimicry.analysis.xcorr_windowed import LagProfile, recent_xcorr

_BRI = ANALYSIS_CHANNELS.index("brow_raise_inner")
_FROWN = ANALYSIS_CHANNELS.index("frown")
_VALENCE = ANALYSIS_CHANNELS.index("valence")

#: Reference orders of the running estimate before the planned end.
LIVE_REFERENCE = 1000

#: Ceiling on the frame rate assumed when sizing rings (frames per second).
MAX_FPS = 240


@dataclass(frozen=True)
class TrialUpdate:
    """What the streaming analysis knows after a trial is complete.

    Attributes
    ----------
    trial : TrialResult
        The trial that just completed.
    congruence : CongruenceResult
        Mimicry index and permutation test over every completed trial so far.
    conclusion : str
        What offline would conclude from the trials so far
        (:func:`mimicry.analysis.stats.conclude`). It holds its 5% only at the
        planned end: a display shows it when :attr:`final` is true.
    baseline : Baseline
    n_trials : int
        Completed trials so far.
    primary : ContrastResult or None
        The primary test over the trials so far (running estimate and interval).
    planned_trials : int or None
        Trials the session's design plans (None when no design was recorded).
    responded : dict or None
        For smile and brow_raise_inner: per condition, (valid trials where the
        channel rose, valid trials) so far, so a count at the matching faces
        can be shown beside the same count at the control faces.
    """

    trial: TrialResult
    congruence: CongruenceResult
    conclusion: str
    baseline: Baseline
    n_trials: int
    primary: ContrastResult | None = None
    planned_trials: int | None = None
    responded: dict | None = None

    @property
    def final(self) -> bool:
        """True once every planned trial is complete: the verdict may be shown."""
        return self.planned_trials is not None and self.n_trials >= self.planned_trials


class _OpenTrial:
    __slots__ = ("onset", "offset", "t", "face", "values", "provisional", "final", "start",
                 "end", "sign")

    def __init__(self, onset: StimulusEvent, config: AnalysisConfig):
        self.onset = onset
        self.offset: StimulusEvent | None = None
        self.t: list[float] = []
        self.face: list[bool] = []
        self.values: list[np.ndarray] = []
        p = trials_from_events([onset])[0]
        # Offset not known yet: the stimulus is assumed to hold (for the live signal).
        self.provisional = Trial(p.trial, p.condition, p.stimulus_id, p.onset_s, math.inf,
                                 p.intensity, p.morph_s, p.block)
        self.final: Trial | None = None
        self.start = trial_span(self.provisional, config)[0]
        self.end = math.inf
        self.sign = CONDITION_SIGN.get(onset.condition, 0.0)

    def close(self, offset: StimulusEvent, config: AnalysisConfig) -> None:
        self.offset = offset
        self.final = self.trial(offset.t)
        self.end = trial_span(self.final, config)[1]

    def trial(self, last_event_t: float) -> Trial:
        events = [self.onset] + ([self.offset] if self.offset is not None else [])
        if self.offset is None:
            # Same rule as trials_from_events: no offset -> ends at the last event.
            events.append(StimulusEvent(last_event_t, "marker"))
        return trials_from_events(events)[0]


class StreamingAnalyzer:
    """Trial-by-trial mimicry analysis of a live session.

    Parameters
    ----------
    config : AnalysisConfig | None
    history_s : float
        How late an event may arrive relative to the frames, seconds.

    Examples
    --------
    >>> sa = StreamingAnalyzer()
    >>> sa.add_event(event)                                  # doctest: +SKIP
    >>> for update in sa.add_frame(t, True, channels):       # doctest: +SKIP
    ...     print(update.trial.trial, update.congruence.p_value)
    """

    def __init__(self, config: AnalysisConfig | None = None, history_s: float = 3.0):
        self.config = config or AnalysisConfig()
        cfg = self.config
        self._history_s = max(0.0, -cfg.pre_stimulus_window_s[0]) + history_s
        self._recent: deque = deque(maxlen=int(self._history_s * MAX_FPS) + 1)
        ring_s = cfg.windowed_xcorr_s + cfg.max_lag_s + 1.0
        self._ring_s = ring_s
        self._ring: deque = deque(maxlen=int(ring_s * MAX_FPS) + 1)
        self._cal_start: float | None = None
        self._cal_end: float | None = None
        self._cal_rows: list[tuple[float, np.ndarray]] = []
        self._pre_rows: deque = deque(
            maxlen=int((cfg.fallback_baseline_s + self._history_s) * MAX_FPS) + 1)
        self._first_onset: float | None = None
        self._baseline: Baseline | None = None
        self._open: dict[int, _OpenTrial] = {}
        self._pauses: list[float] = []
        self._results: list[TrialResult] = []
        self._congruence: CongruenceResult | None = None
        self._primary: ContrastResult | None = None
        self._start_events: list[StimulusEvent] = []
        self._lag_gate = None  # a LiveLagGate once the design is known
        self._lag_signs: np.ndarray | None = None
        self._gate_trials: list[Trial] = []
        self._gate_index: dict[int, int] = {}
        self._last_event_t = -math.inf
        self._last_t = -math.inf
        self.n_frames = 0
        self.n_face_frames = 0

    # -- input ---------------------------------------------------------------
    def add_event(self, event: StimulusEvent) -> None:
        """Take one event (``stimulus_onset``/``offset``, ``calibration_*``, pauses; others ignored)."""
        self._last_event_t = max(self._last_event_t, event.t)
        if event.event == "session_start":
            self._start_events = [event]
            self._start_lag_gate(event)
        elif event.event == "calibration_start" and self._cal_start is None:
            self._cal_start = event.t
            self._cal_rows = [(t, v) for (t, f, v) in self._recent if f and t >= event.t]
        elif (event.event == "calibration_end" and self._cal_start is not None
              and self._cal_end is None):
            self._cal_end = event.t
        elif is_pause(event):
            self._pauses.append(event.t)
        elif event.event == "stimulus_onset" and event.trial is not None:
            ot = _OpenTrial(event, self.config)
            for t, f, v in self._recent:
                if t >= ot.start:
                    ot.t.append(t)
                    ot.face.append(f)
                    ot.values.append(v)
            self._open[event.trial] = ot
            self._gate_index[event.trial] = len(self._gate_trials)
            self._gate_trials.append(ot.provisional)
            if self._lag_signs is not None and len(self._gate_trials) <= self._lag_signs.shape[1]:
                self._lag_signs[0, len(self._gate_trials) - 1] = ot.sign
            if self._first_onset is None or event.t < self._first_onset:
                self._first_onset = event.t
        elif event.event == "stimulus_offset" and event.trial in self._open:
            self._open[event.trial].close(event, self.config)
            if event.trial in self._gate_index:
                self._gate_trials[self._gate_index[event.trial]] = self._open[event.trial].final

    def add_frame(self, t: float, face_detected: bool,
                  channels: Mapping[str, float] | None) -> list[TrialUpdate]:
        """Take one frame; returns an update for every trial that just completed.

        Parameters
        ----------
        t : float
            Seconds, not earlier than the previous frame.
        face_detected : bool
        channels : dict of str to float | None
            Channel values (:data:`mimicry.core.channels.CHANNELS`); None without a face.

        Returns
        -------
        list of TrialUpdate
            Usually empty; one entry per trial whose response window just closed.
        """
        t = float(t)
        if t < self._last_t:
            raise ValueError(f"frames must come in time order: t={t} after t={self._last_t}")
        self._last_t = t
        values = np.full(len(ANALYSIS_CHANNELS), np.nan)
        if face_detected and channels is not None:
            for j, ch in enumerate(ANALYSIS_CHANNELS[:-1]):
                v = channels.get(ch)
                values[j] = np.nan if v is None else float(v)
            values[-1] = min(max(values[_BRI] + values[_FROWN], 0.0), 1.0) \
                if np.isfinite(values[_BRI] + values[_FROWN]) else np.nan
        face = bool(face_detected) and bool(np.isfinite(values).any())
        self.n_frames += 1
        self.n_face_frames += face

        self._recent.append((t, face, values))
        while self._recent and self._recent[0][0] < t - self._history_s:
            self._recent.popleft()
        self._collect_baseline_frames(t, face, values)

        stim = 0.0
        for ot in self._open.values():
            if t >= ot.start:
                ot.t.append(t)
                ot.face.append(face)
                ot.values.append(values)
            if ot.sign:
                stim += ot.sign * float(trial_intensity(ot.final or ot.provisional, t))
        self._ring.append((t, stim, values[_VALENCE] if face else np.nan))
        while self._ring and self._ring[0][0] < t - self._ring_s:
            self._ring.popleft()

        done = []
        for n, ot in list(self._open.items()):
            if t >= ot.end:
                done.append(self._finalize(n, ot.final, complete=True))
        return done

    def finish(self) -> list[TrialUpdate]:
        """End of session: measure the trials still open (usually marked invalid)."""
        out = []
        for n, ot in sorted(self._open.items(), key=lambda kv: kv[1].onset.t):
            tr = ot.final or ot.trial(self._last_event_t)
            # No offset event: the recording stopped while the stimulus was on.
            complete = ot.final is not None and self._last_t >= trial_span(tr, self.config)[1]
            out.append(self._finalize(n, tr, complete=complete))
        return out

    # -- internals -------------------------------------------------------------
    def _collect_baseline_frames(self, t: float, face: bool, values: np.ndarray) -> None:
        if self._baseline is not None or not face:
            return
        if (self._cal_start is not None and t >= self._cal_start
                and (self._cal_end is None or t <= self._cal_end)
                and t <= self._cal_start + MAX_CALIBRATION_S):
            self._cal_rows.append((t, values))
        if self._first_onset is None or t < self._first_onset:
            self._pre_rows.append((t, values))
            # Until the first onset is known it may still arrive late (by up to
            # history_s), so keep that much more.
            if self._first_onset is not None:
                limit = self._first_onset - self.config.fallback_baseline_s
            else:
                limit = t - self.config.fallback_baseline_s - self._history_s
            while self._pre_rows and self._pre_rows[0][0] < limit:
                self._pre_rows.popleft()

    def _resolve_baseline(self) -> Baseline:
        if self._baseline is None:
            cfg = self.config
            cal = None
            cal_vals = None
            if self._cal_start is not None and self._cal_end is not None:
                cal = (self._cal_start, self._cal_end)
                # The end event may have come after frames past the end: keep the period only.
                cal_vals = np.array([v for (tt, v) in self._cal_rows if tt <= self._cal_end])
                cal_vals = cal_vals.reshape(-1, len(ANALYSIS_CHANNELS))
            first = self._first_onset
            pre = np.array([v for (tt, v) in self._pre_rows
                            if first is not None and first - cfg.fallback_baseline_s <= tt < first])
            pre = pre.reshape(-1, len(ANALYSIS_CHANNELS))
            self._baseline = choose_baseline(cal_vals, cal, pre, first, cfg)
            self._cal_rows = []
            self._pre_rows.clear()
        return self._baseline

    def _finalize(self, n: int, trial: Trial, complete: bool) -> TrialUpdate:
        ot = self._open.pop(n)
        baseline = self._resolve_baseline()
        m = len(ot.t)
        res = trial_response(np.array(ot.t, dtype=float), np.array(ot.face, dtype=bool),
                             np.array(ot.values).reshape(m, len(ANALYSIS_CHANNELS)), trial,
                             baseline, self.config, complete=complete,
                             paused=paused_during(trial, self._pauses, self.config))
        self._results.append(res)
        self._results.sort(key=lambda r: (r.onset_s, r.trial))
        self._congruence = congruence_test(self._results, self.config)
        design = design_from_events(self._start_events, self._results)
        orders = reference_orders(self._results, design, self.config.n_permutations,
                                  self.config.seed)
        final = design is not None and len(self._results) >= design.n_trials
        # Before the planned end the estimate is only shown, so fewer orders do;
        # at the end the test is the offline one exactly.
        self._primary = contrast_test(self._results, orders, self.config.primary_channel,
                                      "happy", self.config, None if final else LIVE_REFERENCE)
        responded = {ch: responded_counts(self._results, ch)
                     for ch in ("smile", "brow_raise_inner")}
        return TrialUpdate(res, self._congruence, conclude(self._primary, self.config),
                           baseline, len(self._results), self._primary,
                           design.n_trials if design is not None else None, responded)

    # -- output ----------------------------------------------------------------
    @property
    def results(self) -> list[TrialResult]:
        """Completed trials, in onset order."""
        return list(self._results)

    @property
    def congruence(self) -> CongruenceResult | None:
        """The latest mimicry index and test (None before the first trial completes)."""
        return self._congruence

    @property
    def primary(self) -> ContrastResult | None:
        """The latest primary test (None before the first trial completes)."""
        return self._primary

    @property
    def baseline(self) -> Baseline | None:
        """The neutral baseline (known once the first trial completes)."""
        return self._baseline

    @property
    def face_frames_pct(self) -> float:
        """Percentage of frames so far with a face."""
        return 100.0 * self.n_face_frames / self.n_frames if self.n_frames else float("nan")

    def _start_lag_gate(self, start: StimulusEvent) -> None:
        """The live lag test over the orders the session's design could have drawn."""
        made = lag_gate_for(design_from_events([start], []), self.config, LIVE_REFERENCE)
        if made is not None:
            self._lag_signs, self._lag_gate = made

    def lag_reading(self):
        """The live lag, when it passes the live lag test's boundary; else None.

        The test (:class:`~mimicry.analysis.live_lag.LiveLagGate`) spends
        ``alpha`` over the planned trials, so someone who watches after every
        trial sees a lag in a null session at most ``alpha`` of the time. Call
        it once per batch of trial updates. None without a recorded design.
        """
        if self._lag_gate is None or len(self._ring) < 3 or not self._gate_trials:
            return None
        if len(self._gate_trials) > self._lag_signs.shape[1]:
            return None  # more trials than planned: the test has spent its alpha
        arr = np.array(self._ring, dtype=float)
        return self._lag_gate.update(arr[:, 0], arr[:, 2], self._gate_trials, self._lag_signs)

    def lag_profile(self) -> LagProfile:
        """Windowed lagged cross-correlation over the last ``windowed_xcorr_s``.

        The stimulus signal of a trial whose offset has not arrived yet is
        taken as holding; cost is O(window), so call it at display rate, not per frame.
        """
        if len(self._ring) < 3:
            return LagProfile(np.zeros(1), np.full(1, np.nan), np.nan, np.nan, self._last_t)
        arr = np.array(self._ring, dtype=float)
        return recent_xcorr(arr[:, 0], arr[:, 1], arr[:, 2], self.config.windowed_xcorr_s,
                            self.config.max_lag_s, self.config.max_gap_s)

    def memory_items(self) -> int:
        """Rows held in all buffers (for tests of bounded memory)."""
        return (len(self._recent) + len(self._ring) + len(self._cal_rows) + len(self._pre_rows)
                + sum(len(ot.t) for ot in self._open.values()))

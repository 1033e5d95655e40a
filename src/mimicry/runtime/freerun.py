"""Free-run mode's timeline: no protocol; the operator shows a face with a key (H, S, N).

:class:`FreeRunTimeline` turns key presses into ordinary
:class:`~mimicry.protocol.timeline.Trial` objects (numbered, timed on the session clock,
with the same morph and hold as the ``classroom`` protocol), so each key press
is logged, recorded and analysed exactly like a protocol trial.
:class:`mimicry.stimulus.freerun_track.FreeRunTrack` draws the stimulus screen
for them: the calm calibration screen first, then the next face waiting with a
neutral expression, morphing when a key is pressed.
"""

from __future__ import annotations

import threading

import numpy as np

#: Neutral calibration at the start of a free run, seconds.
FREE_RUN_CALIBRATION_S = 6.0
#: Key press to stimulus onset, seconds: the worker thread learns about the
#: trial before its onset frame, so that frame is already annotated.
FREE_RUN_LEAD_S = 0.15
#: Shortest time from the end of one face's expression to the next onset,
#: seconds. Longer than the analysis's 1 s pre-stimulus window, so every trial
#: starts from a neutral face that has been on screen for a moment.
MIN_GAP_S = 1.5
#: The protocol whose timing and display the free run borrows.
TEMPLATE_PROTOCOL = "classroom"
#: Keys and the condition they show.
KEY_CONDITIONS: dict[str, str] = {"H": "happy", "S": "sad", "N": "neutral"}


class FreeRunTimeline:
    """Trials made from key presses, on the session clock.

    Parameters
    ----------
    protocol : mimicry.protocol.model.Protocol
        Timing (``stimulus_s``, ``morph_s``, ``intensity``) and display options.
    seed : int
        Seeds the order of the stimulus identities.
    calibration_s : float
        Neutral calibration at the start, seconds.

    Notes
    -----
    Thread-safe: the UI thread adds trials while the stimulus renderer and the
    worker read them.
    """

    def __init__(self, protocol, seed: int = 0,
                 calibration_s: float = FREE_RUN_CALIBRATION_S) -> None:
        from mimicry.stimulus.face import IDENTITIES, PARTICIPANT_IDENTITY  # noqa: PLC0415

        self.protocol = protocol
        self.seed = int(seed)
        self.calibration = (0.0, float(calibration_s))
        pool = [i for i in (protocol.identities or IDENTITIES) if i != PARTICIPANT_IDENTITY]
        rng = np.random.default_rng([self.seed, 0xF4EE])
        self._identities = [pool[i] for i in rng.permutation(len(pool))]
        self._lock = threading.Lock()
        self._trials: list = []

    @property
    def trials(self) -> list:
        """The trials so far (a copy), in onset order."""
        with self._lock:
            return list(self._trials)

    def identity_for(self, n: int) -> str:
        """The stimulus identity of trial ``n`` (1-based): a shuffled cycle, no repeats in a row."""
        return self._identities[(n - 1) % len(self._identities)]

    def initial_events(self) -> list:
        """``session_start`` and the calibration events that open a free run."""
        from mimicry.io.formats import format_detail  # noqa: PLC0415
        from mimicry.core.messages import StimulusEvent  # noqa: PLC0415

        c0, c1 = self.calibration
        return [StimulusEvent(t=0.0, event="session_start", detail=format_detail(
                    {"protocol": "free-run", "seed": self.seed,
                     "timing": self.protocol.name})),
                StimulusEvent(t=c0, event="calibration_start"),
                StimulusEvent(t=c1, event="calibration_end")]

    def earliest_onset_s(self, now_s: float) -> float:
        """When a key pressed at session time ``now_s`` would start its trial."""
        with self._lock:
            last = self._trials[-1] if self._trials else None
        start = max(now_s + FREE_RUN_LEAD_S, self.calibration[1])
        if last is not None:
            start = max(start, last.end_s + MIN_GAP_S)
        return start

    def pending(self, now_s: float) -> bool:
        """True while a trial is shown or waiting to start at ``now_s``."""
        with self._lock:
            return bool(self._trials) and now_s < self._trials[-1].end_s

    def add(self, condition: str, now_s: float):
        """A new trial for a key press at session time ``now_s``.

        Parameters
        ----------
        condition : {"happy", "sad", "neutral"}
        now_s : float
            The session time of the key press, seconds.

        Returns
        -------
        Trial
            Starting :data:`FREE_RUN_LEAD_S` after the press, or later when the
            previous face has not been neutral for :data:`MIN_GAP_S` yet.
        """
        from mimicry.core.check import check_option  # noqa: PLC0415
        from mimicry.protocol.timeline import Trial  # noqa: PLC0415

        check_option("condition", condition, tuple(KEY_CONDITIONS.values()))
        p = self.protocol
        onset = round(self.earliest_onset_s(now_s), 3)
        with self._lock:
            n = len(self._trials) + 1
            trial = Trial(trial=n, condition=condition, stimulus_id=self.identity_for(n),
                          onset_s=onset, offset_s=round(onset + p.stimulus_s, 3),
                          intensity=p.intensity, morph_s=p.morph_s, block=1)
            self._trials.append(trial)
        return trial

    def phase(self, t_s: float):
        """What is on screen at ``t_s``: ``(kind, trial)``.

        ``kind`` is ``"calibration"``, ``"trial"`` (that trial) or
        ``"waiting"`` (the next trial's face, neutral; trial None when no key
        has been pressed for it yet).
        """
        if t_s < self.calibration[1]:
            return "calibration", None
        with self._lock:
            trials = list(self._trials)
        for tr in trials:
            if t_s < tr.onset_s:
                return "waiting", tr
            if t_s < tr.end_s:
                return "trial", tr
        return "waiting", None

    def waiting_identity(self, t_s: float) -> str:
        """The identity shown neutral at ``t_s`` between trials."""
        kind, trial = self.phase(t_s)
        if trial is not None:
            return trial.stimulus_id
        return self.identity_for(len(self.trials) + 1)

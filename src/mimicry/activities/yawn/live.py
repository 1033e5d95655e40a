"""The yawn demo's live state: yawn counts so far, by the same rules as the offline analysis."""

from __future__ import annotations

import numpy as np

from mimicry.activities.yawn.analysis import YawnConfig, YawnResult, analyze_yawns
from mimicry.protocol.timeline import Trial


class LiveYawns:
    """Yawn counts so far, for the live display (the same rules as :func:`analyze_yawns`).

    Feed :meth:`add_event` and :meth:`add_sample` (``t``, ``jaw_open``, NaN
    without a face); :meth:`result` reanalyses the buffer (a few thousand
    samples: about a millisecond), so call it about once a second.
    """

    def __init__(self, config: YawnConfig | None = None) -> None:
        self.config = config or YawnConfig()
        self._t: list[float] = []
        self._jaw: list[float] = []
        self._onsets: dict[int, object] = {}  # trial -> its stimulus_onset event
        self._trials: dict[int, Trial] = {}
        self._calib_start: float | None = None
        self._calibration: tuple[float, float] | None = None

    def add_event(self, event) -> None:
        if event.event == "calibration_start":
            self._calib_start = float(event.t)
        elif event.event == "calibration_end" and self._calib_start is not None:
            self._calibration = (self._calib_start, float(event.t))
        elif event.event == "stimulus_onset" and event.trial is not None:
            self._onsets[int(event.trial)] = event
        elif event.event == "stimulus_offset" and event.trial in self._onsets:
            on = self._onsets[int(event.trial)]
            self._trials[int(event.trial)] = Trial(
                trial=int(event.trial), condition=str(on.condition or ""),
                stimulus_id=str(on.stimulus_id or ""), onset_s=float(on.t),
                offset_s=float(event.t), intensity=1.0, morph_s=0.0, block=1)

    def add_sample(self, t: float, jaw: float) -> None:
        self._t.append(float(t))
        self._jaw.append(float(jaw))

    def result(self) -> YawnResult | None:
        if len(self._t) < 2:
            return None
        now = self._t[-1]
        trials = list(self._trials.values())
        # Trials still on screen count once their response window has begun.
        for n, on in self._onsets.items():
            if n not in self._trials and on.t <= now:
                trials.append(Trial(trial=n, condition=str(on.condition or ""),
                                    stimulus_id=str(on.stimulus_id or ""), onset_s=float(on.t),
                                    offset_s=max(float(on.t), now), intensity=1.0, morph_s=0.0,
                                    block=1))
        return analyze_yawns(np.asarray(self._t), np.asarray(self._jaw), trials,
                             self._calibration, self.config)

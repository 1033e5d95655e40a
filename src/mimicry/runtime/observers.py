"""Runner observers for a live session: :class:`SessionControl` (operator commands) and :class:`LiveAnalysis`.

Operator commands from the UI (marker, free-run trial, stimulus shown) are put
on a queue that :class:`SessionControl` drains on the runner's thread, so every
write to the session files happens on one thread.
"""

from __future__ import annotations

import queue
import sys
import traceback
from typing import Callable, Sequence

from mimicry.runtime.pause import PausableSource


# --------------------------------------------------------------------------- observers

class SessionControl:
    """Operator commands, executed on the worker thread (an observer of the runner).

    The UI puts commands on a queue; they run at the next frame, so markers,
    free-run trials and "stimulus shown" notes are written by the same thread
    that writes everything else.
    """

    def __init__(self) -> None:
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self.runner = None
        self.recorder = None
        self.source: PausableSource | None = None
        self._trials: list = []
        self._pending: list = []

    def attach(self, runner, recorder, source: PausableSource) -> None:
        self.runner, self.recorder, self.source = runner, recorder, source

    def put(self, kind: str, payload=None) -> None:
        self._queue.put((kind, payload))

    def on_frame(self, frame, observations) -> None:
        from mimicry.io.formats import format_detail  # noqa: PLC0415
        from mimicry.core.messages import StimulusEvent  # noqa: PLC0415

        runner = self.runner
        while True:
            try:
                kind, payload = self._queue.get_nowait()
            except queue.Empty:
                break
            if kind == "marker":
                runner.marker(payload)
            elif kind == "trial":
                self._trials.append(payload)
                if self.recorder is not None:
                    self.recorder.set_trials(self._trials)
                self._pending += [payload.onset_event(), payload.offset_event()]
                self._pending.sort(key=lambda e: e.t)
            elif kind == "displayed":
                trial, shown_t = payload
                runner.log(StimulusEvent(
                    t=shown_t, event="marker", trial=trial.trial, condition=trial.condition,
                    stimulus_id=trial.stimulus_id, detail=format_detail(
                        {"label": "stimulus_displayed",
                         "delay_s": round(shown_t - trial.onset_s, 4)})))
        paused_s = self.source.take_pause_report() if self.source is not None else None
        if paused_s is not None:
            from mimicry.protocol.timeline import pause_marker  # noqa: PLC0415

            runner.log(pause_marker(frame.t, paused_s))
        while self._pending and self._pending[0].t <= frame.t:
            runner.log(self._pending.pop(0))


class LiveAnalysis:
    """The streaming mimicry analysis as a runner observer (worker thread).

    Parameters
    ----------
    publish : callable
        Called with a :class:`~mimicry.runtime.readings.MeterReading` after every
        completed trial.
    warn : callable
        Called with one line if the live analysis fails; the recording goes on
        (the saved session is analysed again at the end).
    """

    def __init__(self, publish: Callable, warn: Callable[[str], None]) -> None:
        from mimicry.analysis.streaming import StreamingAnalyzer  # noqa: PLC0415

        self.analyzer = StreamingAnalyzer()
        self._publish = publish
        self._warn = warn
        self.failed = False
        self.last_reading = None

    def _guard(self, fn, *args):
        if self.failed:
            return None
        try:
            return fn(*args)
        except Exception as exc:  # a bug in the live meter must not end the recording
            self.failed = True
            traceback.print_exc(file=sys.stderr)
            self._warn(f"live meter stopped ({exc.__class__.__name__}: {exc}); the session is "
                       f"still recorded and analysed at the end")
            return None

    def on_event(self, event) -> None:
        self._guard(self.analyzer.add_event, event)

    def on_frame(self, frame, observations) -> None:
        o = observations[0] if observations else None
        detected = bool(o is not None and o.detected)
        updates = self._guard(self.analyzer.add_frame, frame.t, detected,
                              o.channels if detected else None)
        if updates:
            self._guard(self._publish_updates, updates)

    def finish(self) -> None:
        updates = self._guard(self.analyzer.finish)
        if updates:
            self._guard(self._publish_updates, updates)

    def _publish_updates(self, updates: Sequence) -> None:
        from mimicry.runtime.readings import reading_from_update  # noqa: PLC0415

        lag = self.analyzer.lag_reading()  # None unless it passed the live lag test
        for u in updates:
            self.last_reading = reading_from_update(u, lag, self.analyzer.config)
            self._publish(self.last_reading)

"""The Qt-free parts of a live session: the request, the plan, pause, the clock, observers.

Everything here runs without Qt and is driven by :mod:`mimicry_app.worker`:

* :class:`SessionRequest` and :func:`plan_session`: what the operator chose,
  validated into a :class:`SessionPlan` (a protocol's schedule, or a free run);
* :class:`PausableSource`: the opened source with pause, which cuts the pause
  out of the session clock, and the capture time of every frame;
* :class:`SessionClock`: the session time now, for the stimulus display;
* :class:`SessionControl` and :class:`LiveAnalysis`: observers of
  :class:`mimicry.runtime.recorder.LiveRunner` on the worker thread (operator
  commands; the streaming mimicry analysis).

Operator commands from the UI (marker, free-run trial, stimulus shown) are put
on a queue that :class:`SessionControl` drains on the worker thread, so every
write to the session files happens on one thread.
"""

from __future__ import annotations

import queue
import sys
import threading
import time
import traceback
from dataclasses import dataclass, field
from typing import Callable, Sequence

from .settings import CAPTURE, DYAD, FREE_RUN

#: How far the stimulus clock may run ahead of the newest frame, seconds. Keeps
#: the stimulus moving smoothly between frames without running away when the
#: source stalls.
MAX_EXTRAPOLATION_S = 0.5


# --------------------------------------------------------------------------- requests and plans

@dataclass(frozen=True)
class SessionRequest:
    """What the operator asked for.

    Attributes
    ----------
    source : str
        Camera index, ``"demo"`` or a video path (as ``--source``).
    protocol : str
        Shipped protocol name, TOML path, or :data:`~mimicry_app.settings.FREE_RUN`.
    participant : str
    out_dir : str
        Folder for session folders; empty for the default.
    record : bool
        Save frames.csv/events.csv/session.json (numbers only).
    paced : bool
        Play a video source at its frame rate (a stand-in camera). False reads
        it as fast as tracking allows (tests); cameras and the demo are always paced.
    model : str or None
        Face model path (``--model``).
    seed : int or None
        Protocol seed override.
    """

    source: str
    protocol: str
    participant: str = "anonymous"
    out_dir: str = ""
    record: bool = True
    paced: bool = True
    model: str | None = None
    seed: int | None = None


@dataclass
class SessionPlan:
    """A validated session, ready to run (built on the UI thread, cheap).

    Attributes
    ----------
    request : SessionRequest
    protocol : mimicry.protocol.model.Protocol
        The protocol, or the free run's timing template.
    schedule : Schedule or None
        None in free-run mode.
    freerun : FreeRunTimeline or None
    calibration : (float, float)
        Seconds.
    duration_s : float or None
        Planned end (None: until stopped).
    events : list of StimulusEvent
        The timeline the runner logs as the session clock reaches each event.
    dyad : bool
        Two-person synchrony: two face slots, no stimulus (a free run in which
        no face is shown; the calm start lets both settle).
    capture : tuple of CapturePhase or None
        The teacher-as-stimulus capture: its prompts (no stimulus is shown).
    """

    request: SessionRequest
    protocol: object
    schedule: object | None
    freerun: object | None
    calibration: tuple[float, float]
    duration_s: float | None
    events: list = field(default_factory=list)
    dyad: bool = False
    capture: tuple | None = None

    @property
    def faces(self) -> int:
        """Face slots tracked and recorded."""
        return 2 if self.dyad else 1

    @property
    def demo_mode(self) -> str | None:
        """The classroom demo this plan runs: ``"dyad"``, ``"yawn"``, ``"no_smile"`` or None."""
        if self.dyad:
            return "dyad"
        if self.capture is not None:
            return "capture"
        if self.schedule is not None:
            conditions = {tr.condition for tr in self.schedule.trials}
            if conditions & {"yawn", "talk"}:
                return "yawn"
            if self.protocol.name == "no_smile":
                return "no_smile"
        return None

    @property
    def free_run(self) -> bool:
        return self.freerun is not None

    @property
    def n_trials(self) -> int | None:
        return None if self.schedule is None else len(self.schedule.trials)

    @property
    def trials(self) -> list:
        """Trials known so far (the whole schedule, or the free-run keys so far)."""
        if self.schedule is not None:
            return list(self.schedule.trials)
        return self.freerun.trials

    @property
    def protocol_label(self) -> str:
        if self.dyad:
            return DYAD
        if self.capture is not None:
            return CAPTURE
        return FREE_RUN if self.free_run else self.protocol.name


def plan_session(request: SessionRequest) -> SessionPlan:
    """Load and validate the protocol (raises :class:`~mimicry.core.errors.MimicryError`)."""
    from mimicry.protocol.model import build_schedule, load_protocol  # noqa: PLC0415

    from . import freerun  # noqa: PLC0415

    if request.protocol == CAPTURE:
        return _capture_plan(request)
    if request.protocol in (FREE_RUN, DYAD):
        proto = load_protocol(freerun.TEMPLATE_PROTOCOL)
        seed = proto.seed if request.seed is None else request.seed
        timeline = freerun.FreeRunTimeline(proto, seed=seed,
                                           calibration_s=freerun.FREE_RUN_CALIBRATION_S)
        return SessionPlan(request, proto, None, timeline, timeline.calibration, None,
                           timeline.initial_events(), dyad=request.protocol == DYAD)
    proto = load_protocol(request.protocol)
    schedule = build_schedule(proto, request.seed)
    return SessionPlan(request, proto, schedule, None, schedule.calibration,
                       schedule.duration_s, schedule.events())


def _capture_plan(request: SessionRequest) -> SessionPlan:
    """The guided capture: prompts logged as markers, the session ends after the last."""
    from mimicry.io.formats import format_detail  # noqa: PLC0415
    from mimicry.core.messages import StimulusEvent  # noqa: PLC0415
    from mimicry.protocol.model import load_protocol  # noqa: PLC0415
    from mimicry.activities.capture.capture import capture_duration_s, capture_timeline  # noqa: PLC0415

    from . import freerun  # noqa: PLC0415

    proto = load_protocol(freerun.TEMPLATE_PROTOCOL)
    seed = proto.seed if request.seed is None else request.seed
    timeline = capture_timeline()
    # A free-run timeline keeps the stimulus machinery idle (no face is ever shown).
    idle = freerun.FreeRunTimeline(proto, seed=seed, calibration_s=timeline[0].start_s)
    events = [StimulusEvent(t=0.0, event="session_start",
                            detail=format_detail({"protocol": CAPTURE, "seed": seed}))]
    events += [StimulusEvent(t=ph.start_s, event="marker",
                             detail=format_detail({"label": f"prompt {ph.condition}"}))
               for ph in timeline]
    return SessionPlan(request, proto, None, idle, (0.0, timeline[0].start_s),
                       capture_duration_s(timeline) + 0.5, events, capture=timeline)


# --------------------------------------------------------------------------- source wrapper

class PausableSource:
    """The opened source, with pause and the capture time of every frame.

    While paused, :meth:`read` blocks (the runner waits with it). The session
    clock skips the pause: for a camera or the demo participant the first frame
    after a pause is shifted back by the pause's length, so the protocol
    continues where it stopped and tracking timestamps stay increasing. Frames a
    camera discarded during the pause are not counted as dropped.

    Parameters
    ----------
    inner : FrameSource
    mono : callable
        The monotonic clock (seconds).
    """

    def __init__(self, inner, mono: Callable[[], float] = time.monotonic) -> None:
        self.inner = inner
        self.kind, self.name = inner.kind, inner.name
        self.fps, self.size = inner.fps, inner.size
        self._mono = mono
        self._period_s = 1.0 / (inner.fps or 30.0)
        self._running = threading.Event()
        self._running.set()
        self._lock = threading.Lock()
        self._offset_s = 0.0
        self._last_raw_t: float | None = None
        self._resumed = False
        self._paused_mono: float | None = None
        self._dropped_at_pause = 0
        self._pause_drops = 0
        self._pause_report: float | None = None
        #: (frame index, monotonic time read() returned it) of the newest frame.
        self.last_capture: tuple[int, float] = (-1, 0.0)

    @property
    def dropped(self) -> int:
        """Frames the source discarded because tracking was slower (pauses excluded)."""
        return max(0, self.inner.dropped - self._pause_drops)

    @property
    def paused(self) -> bool:
        return not self._running.is_set()

    def describe(self) -> dict:
        return self.inner.describe()

    def pause(self) -> None:
        with self._lock:
            if self._running.is_set():
                self._paused_mono = self._mono()
                self._dropped_at_pause = self.inner.dropped
                self._running.clear()

    def resume(self) -> None:
        with self._lock:
            if not self._running.is_set():
                self._resumed = True
                self._running.set()

    def take_pause_report(self) -> float | None:
        """Seconds of the pause that just ended (once), or None."""
        with self._lock:
            r, self._pause_report = self._pause_report, None
        return r

    def read(self):
        from mimicry.core.messages import Frame  # noqa: PLC0415

        self._running.wait()
        raw = self.inner.read()
        if raw is None:
            return None
        now = self._mono()
        with self._lock:
            if self._resumed:
                self._resumed = False
                if self._last_raw_t is not None:
                    self._offset_s += max(0.0, raw.t - self._last_raw_t - self._period_s)
                self._pause_drops += max(0, self.inner.dropped - self._dropped_at_pause)
                paused_at = self._paused_mono if self._paused_mono is not None else now
                self._pause_report = now - paused_at
            self._last_raw_t = raw.t
            self.last_capture = (raw.index, now)
            offset = self._offset_s
        if offset == 0.0:
            return raw
        return Frame(index=raw.index, t=raw.t - offset, image=raw.image, source=raw.source)

    def close(self) -> None:
        self._running.set()
        self.inner.close()


# --------------------------------------------------------------------------- session clock

class SessionClock:
    """The session time now, as the stimulus display needs it.

    The session clock is the source's clock (see :mod:`mimicry.runtime.recorder`). The
    display runs between frames, so it extrapolates from the newest frame's
    time when the source is paced like a camera (by at most
    :data:`MAX_EXTRAPOLATION_S`); an unpaced video just shows the newest time.
    """

    def __init__(self, paced: bool, mono: Callable[[], float] = time.monotonic) -> None:
        self.paced = paced
        self._mono = mono
        self._lock = threading.Lock()
        self._t: float | None = None
        self._at = 0.0
        self._paused = False

    def update(self, t_s: float, mono_s: float) -> None:
        with self._lock:
            self._t, self._at = t_s, mono_s

    def set_paused(self, paused: bool) -> None:
        with self._lock:
            self._paused = paused
            # Resume from where it stopped, not from the time of the last frame.
            self._at = self._mono()

    @property
    def started(self) -> bool:
        return self._t is not None

    def now(self) -> float:
        """Session seconds now (0 before the first frame)."""
        with self._lock:
            t, at, paused = self._t, self._at, self._paused
        if t is None:
            return 0.0
        if paused or not self.paced:
            return t
        return t + min(max(0.0, self._mono() - at), MAX_EXTRAPOLATION_S)


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
            runner.log(StimulusEvent(t=frame.t, event="marker", detail=format_detail(
                {"label": "paused", "paused_s": round(paused_s, 3)})))
        while self._pending and self._pending[0].t <= frame.t:
            runner.log(self._pending.pop(0))


class LiveAnalysis:
    """The streaming mimicry analysis as a runner observer (worker thread).

    Parameters
    ----------
    publish : callable
        Called with a :class:`~mimicry_app.readings.MeterReading` after every
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
        from .readings import reading_from_update  # noqa: PLC0415

        lag = self.analyzer.lag_profile()
        for u in updates:
            self.last_reading = reading_from_update(u, lag, self.analyzer.config)
            self._publish(self.last_reading)

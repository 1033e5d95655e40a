"""The session worker: capture and tracking off the UI thread, and the one bridge to Qt.

Threads
-------
* **Worker** (:class:`SessionWorker`, a ``QThread``): opens the source, creates
  the tracker and the recorder, and runs :class:`mimicry.runtime.recorder.LiveRunner`
  exactly as ``mimicry record`` does. Its observers run on this thread:
  :class:`~mimicry_app.session.SessionControl` (operator commands: markers,
  free-run trials), :class:`~mimicry_app.session.LiveAnalysis` (the streaming
  mimicry analysis) and :class:`LiveBridge`.
* **UI thread**: only draws. It never waits on the worker.

:class:`LiveBridge` is the only QObject the worker touches. It turns the
runner's callbacks into queued signals. Frames are not queued one by one: the
bridge keeps the newest frame (newest wins) and the plot samples since the last
draw, and emits ``frame_ready`` only when the UI has taken the previous one, so
a slow UI never builds a backlog. Trial results, events and the end of the
session are rare and go through ordinary queued signals.
"""

from __future__ import annotations

import sys
import threading
import time
import traceback
from collections import deque
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PyQt6.QtCore import QObject, QThread, pyqtSignal

from .session import LiveAnalysis, PausableSource, SessionClock, SessionControl, SessionPlan

#: The demo participant's frame side, pixels. Smaller than the core's default:
#: rendering it costs CPU on the same machine that tracks it.
DEMO_SIZE_PX = 320
#: The demo pair (two-person mode): each face's side, pixels, and frame rate
#: (two faces to render and track per frame).
DEMO_DYAD_SIZE_PX = 240
DEMO_DYAD_FPS = 20.0
#: Frame-rate window of the status bar, seconds.
FPS_WINDOW_S = 2.0
#: Plot samples kept between two draws (a UI that stalls loses the oldest).
MAX_PENDING_SAMPLES = 1200
#: Latency samples kept (for the benchmark and the status bar).
MAX_LATENCY_SAMPLES = 20_000


# --------------------------------------------------------------------------- the bridge

@dataclass(frozen=True)
class LiveFrame:
    """The newest tracked frame, for the camera view.

    Attributes
    ----------
    index : int
    t : float
        Session seconds.
    image : ndarray, shape (height, width, 3), uint8
        RGB (the source's array; never written to).
    landmarks : ndarray, shape (478, 3) or None
        Normalised coordinates of face 0 (shape (956, 3): face 0 then face 1,
        when two faces are tracked and both are seen).
    face_found : bool
    capture_mono : float
        Monotonic time the frame left the source (for latency).
    """

    index: int
    t: float
    image: np.ndarray
    landmarks: np.ndarray | None
    face_found: bool
    capture_mono: float


@dataclass(frozen=True)
class SessionInfo:
    """Sent when the session really starts (source open, tracker ready)."""

    source_kind: str
    source_name: str
    folder: Path | None
    demo: bool


@dataclass(frozen=True)
class SessionOutcome:
    """How a session ended.

    Attributes
    ----------
    status : str
        ``complete``, ``stopped``, ``camera_lost`` or ``failed``.
    folder : Path or None
        The saved session (None when recording was off or nothing ran).
    n_frames, dropped : int
    summary_text : str
        The plain-language summary (empty when not analysed).
    curves : ResponseCurves or None
    problem : str
        Why analysis or saving failed, if it did.
    last_reading : MeterReading or None
    stimulus_set : Path or None
        The stimulus set a teacher-as-stimulus capture saved.
    """

    status: str
    folder: Path | None
    n_frames: int
    dropped: int
    summary_text: str = ""
    curves: object = None
    problem: str = ""
    last_reading: object = None
    stimulus_set: Path | None = None


#: Plot sample columns: t, smile, brow_raise_inner, frown (NaN without a face).
SAMPLE_CHANNELS: tuple[str, ...] = ("smile", "brow_raise_inner", "frown", "jaw_open", "valence")
#: Channel of the second face slot appended to each sample (two-person mode).
SECOND_FACE_CHANNEL = "valence"


class LiveBridge(QObject):
    """Turns the runner's callbacks (worker thread) into signals for the UI thread.

    Signals
    -------
    frame_ready()
        A new frame is waiting in :meth:`take`; emitted again only after the UI
        took it (newest frame wins, no backlog).
    event_logged(StimulusEvent)
    trial_done(MeterReading)
    session_started(SessionInfo)
    session_failed(str message, str kind)
        ``kind`` is ``"camera"`` when a camera did not open, else ``"error"``.
    analyzing()
    session_finished(SessionOutcome)
    warning(str)
    """

    frame_ready = pyqtSignal()
    event_logged = pyqtSignal(object)
    trial_done = pyqtSignal(object)
    session_started = pyqtSignal(object)
    session_failed = pyqtSignal(str, str)
    analyzing = pyqtSignal()
    session_finished = pyqtSignal(object)
    warning = pyqtSignal(str)

    def __init__(self, clock: SessionClock, parent=None) -> None:
        super().__init__(parent)
        self.clock = clock
        self.source: PausableSource | None = None
        self._lock = threading.Lock()
        self._newest: LiveFrame | None = None
        self._samples: deque = deque(maxlen=MAX_PENDING_SAMPLES)
        self._pending = False
        self._capture_times: deque = deque()
        self.n_frames = 0
        #: Capture-to-draw latencies, seconds (appended by the UI thread).
        self.latencies_s: deque = deque(maxlen=MAX_LATENCY_SAMPLES)

    # -- worker thread ---------------------------------------------------------
    def on_frame(self, frame, observations) -> None:
        o = observations[0] if observations else None
        found = bool(o is not None and o.detected)
        if found:
            sample = (frame.t,) + tuple(float(o.channels.get(c, np.nan)) for c in SAMPLE_CHANNELS)
        else:
            sample = (frame.t,) + (np.nan,) * len(SAMPLE_CHANNELS)
        o2 = observations[1] if len(observations) > 1 else None
        sample += (float(o2.channels.get(SECOND_FACE_CHANNEL, np.nan))
                   if o2 is not None and o2.detected else np.nan,)
        src = self.source
        index, mono = src.last_capture if src is not None else (frame.index, time.monotonic())
        capture = mono if index == frame.index else time.monotonic()
        landmarks = o.landmarks if found else None
        if found and o2 is not None and o2.detected and o2.landmarks is not None:
            landmarks = np.concatenate([landmarks, o2.landmarks])  # both faces' dots
        live = LiveFrame(frame.index, frame.t, frame.image, landmarks, found, capture)
        with self._lock:
            self._newest = live
            self._samples.append(sample)
            self.n_frames += 1
            self._capture_times.append(capture)
            while self._capture_times and self._capture_times[0] < capture - FPS_WINDOW_S:
                self._capture_times.popleft()
            emit = not self._pending
            self._pending = True
        self.clock.update(frame.t, capture)
        if emit:
            self.frame_ready.emit()

    def on_event(self, event) -> None:
        self.event_logged.emit(event)

    def publish_reading(self, reading) -> None:
        self.trial_done.emit(reading)

    def publish_warning(self, text: str) -> None:
        self.warning.emit(text)

    # -- UI thread -------------------------------------------------------------
    def take(self) -> tuple[LiveFrame | None, list]:
        """The newest frame and the plot samples since the last call.

        Returns
        -------
        frame : LiveFrame or None
        samples : list of tuple
            ``(t, smile, brow_raise_inner, frown, jaw_open, valence, valence of
            the second face)`` per frame, in time order (NaN without a face).
        """
        with self._lock:
            newest, self._newest = self._newest, None
            samples = list(self._samples)
            self._samples.clear()
            self._pending = False
        return newest, samples

    def fps(self) -> float:
        """Frames tracked per second over the last :data:`FPS_WINDOW_S`."""
        with self._lock:
            times = list(self._capture_times)
        if len(times) < 2:
            return 0.0
        now = time.monotonic()
        if now - times[-1] > 1.0:  # stalled or paused
            return 0.0
        return (len(times) - 1) / max(times[-1] - times[0], 1e-6)

    @property
    def dropped(self) -> int:
        src = self.source
        return src.dropped if src is not None else 0

    def note_drawn(self, frame: LiveFrame) -> None:
        self.latencies_s.append(time.monotonic() - frame.capture_mono)


# --------------------------------------------------------------------------- the worker thread

def analyze_folder(folder: Path) -> str:
    """Analyse a saved session (trials.csv, summary.json, as ``mimicry analyze``); the text."""
    from mimicry.runtime.analyze import analyze_any_folder  # noqa: PLC0415
    from mimicry.analysis.folder import NoTrialsError  # noqa: PLC0415

    try:
        return analyze_any_folder(folder)[0]  # also two people, yawns, try not to smile
    except NoTrialsError:
        return ("No face was shown in this session (no trials), so there is nothing to "
                "analyse. The recording is saved.")


def _save_capture(capture, req) -> tuple[Path | None, str]:
    """Save a teacher-as-stimulus capture; (the set's folder or None, what to say)."""
    from datetime import datetime  # noqa: PLC0415

    from mimicry.core.errors import MimicryError  # noqa: PLC0415
    from mimicry.runtime.recorder import default_sessions_dir, sanitize_participant  # noqa: PLC0415
    from mimicry.activities.capture.capture import capture_summary, save_capture  # noqa: PLC0415

    root = Path(req.out_dir).expanduser() if req.out_dir else default_sessions_dir()
    name = sanitize_participant(req.participant)
    folder = root / "stimulus_sets" / f"{datetime.now():%Y-%m-%d_%H%M%S}_{name}"
    try:
        folder = save_capture(capture, folder, name=name)
    except MimicryError as exc:
        return None, capture_summary(capture, None, str(exc))
    return folder, capture_summary(capture, folder)


class SessionWorker(QThread):
    """Runs one session on its own thread (see module docstring).

    Parameters
    ----------
    plan : SessionPlan
    bridge : LiveBridge
    """

    def __init__(self, plan: SessionPlan, bridge: LiveBridge, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("mimicry session worker")
        self.plan = plan
        self.bridge = bridge
        self.control = SessionControl()
        self._lock = threading.Lock()
        self._runner = None
        self._source: PausableSource | None = None
        self._demo = None
        self._stop = False

    # -- UI thread -------------------------------------------------------------
    def request_stop(self) -> None:
        """End the session (status ``stopped``); returns at once."""
        with self._lock:
            self._stop = True
            runner, source = self._runner, self._source
        if runner is not None:
            runner.request_stop()
        if source is not None:
            source.resume()  # a paused runner is blocked in read()

    def pause(self) -> None:
        with self._lock:
            source = self._source
        if source is not None:
            source.pause()
            self.bridge.clock.set_paused(True)

    def resume(self) -> None:
        with self._lock:
            source = self._source
        if source is not None:
            self.bridge.clock.set_paused(False)
            source.resume()

    @property
    def paused(self) -> bool:
        return self._source is not None and self._source.paused

    def marker(self, label: str) -> None:
        self.control.put("marker", label)

    def show_trial(self, trial) -> None:
        """A free-run trial: logged and recorded by the worker; the demo mimics it."""
        self.control.put("trial", trial)
        demo = self._demo
        if demo is not None:
            demo.show(trial)

    def stimulus_displayed(self, trial, shown_t: float) -> None:
        self.control.put("displayed", (trial, shown_t))

    # -- worker thread ---------------------------------------------------------
    def _open_source(self):
        from mimicry.sources import open_source, source_kind  # noqa: PLC0415

        req = self.plan.request
        kind = source_kind(req.source)
        if kind == "demo" and self.plan.dyad:
            from mimicry.simulate.live_demo import DyadDemoSource  # noqa: PLC0415

            self._demo = DyadDemoSource(realtime=True, size_px=DEMO_DYAD_SIZE_PX,
                                        fps=DEMO_DYAD_FPS)
            return self._demo
        if kind == "demo":
            from mimicry.activities.no_smile.analysis import DEMO_GAIN  # noqa: PLC0415
            from mimicry.simulate.live_demo import DemoParticipantSource  # noqa: PLC0415

            # Trying not to smile, the demo participant damps its mimicry (it still leaks).
            gain = DEMO_GAIN if self.plan.demo_mode == "no_smile" else None
            src = DemoParticipantSource(realtime=True, size_px=DEMO_SIZE_PX,
                                        **({"gain": gain} if gain is not None else {}))
            if self.plan.capture is not None:  # the demo plays the volunteer
                from mimicry.activities.capture.capture import prompt_trials  # noqa: PLC0415

                src.set_trials(prompt_trials(self.plan.capture))
            if self.plan.schedule is not None:
                src.set_trials(self.plan.schedule.trials)  # it watches the protocol too
            self._demo = src
            return src
        if kind == "camera":
            from mimicry.core.native import native_logs_silenced  # noqa: PLC0415

            # OpenCV explains a missing camera in several lines of its own on
            # stderr; the window shows one plain sentence instead.
            with native_logs_silenced():
                return open_source(req.source, realtime=True)
        return open_source(req.source, realtime=req.paced)

    def run(self) -> None:  # noqa: C901 (one linear story, kept together on purpose)
        from mimicry.core.errors import MimicryError  # noqa: PLC0415
        from mimicry.runtime.record import _finish  # noqa: PLC0415
        from mimicry.runtime.recorder import LiveRunner, SessionRecorder, default_sessions_dir  # noqa: PLC0415
        from mimicry.sources import source_kind  # noqa: PLC0415
        from mimicry.tracking.mediapipe_tracker import MediaPipeTracker  # noqa: PLC0415

        plan, req, bridge = self.plan, self.plan.request, self.bridge
        inner = source = tracker = recorder = result = capture = None
        analysis = None
        started = False
        outcome_status, problem = "failed", ""
        try:
            try:
                inner = self._open_source()
            except MimicryError as exc:
                kind = "camera" if source_kind(req.source) == "camera" else "error"
                bridge.session_failed.emit(str(exc), kind)
                return
            source = PausableSource(inner)
            bridge.source = source
            tracker = MediaPipeTracker(req.model, num_faces=plan.faces, keep_landmarks=True)
            if req.record:
                out_root = Path(req.out_dir).expanduser() if req.out_dir else default_sessions_dir()
                recorder = SessionRecorder(out_root, req.participant, faces=plan.faces, meta={
                    "protocol": plan.protocol_label,
                    "protocol_file": (str(plan.protocol.path)
                                      if plan.protocol.path and not plan.free_run else None),
                    "seed": plan.schedule.seed if plan.schedule is not None else plan.freerun.seed,
                    "source": source.describe(), "paced": source.kind in ("camera", "demo")
                    or req.paced, "display": True, "app": "mimicry app",
                    "calibration_s": list(plan.calibration),
                    "planned_duration_s": plan.duration_s, "lsl": False})
                recorder.set_trials(plan.trials)
            analysis = LiveAnalysis(bridge.publish_reading, bridge.publish_warning)
            observers = [self.control, analysis, bridge]
            if plan.capture is not None:
                from mimicry.activities.capture.capture import StimulusCapture  # noqa: PLC0415

                capture = StimulusCapture(plan.capture)
                observers.append(capture)
            runner = LiveRunner(source, tracker, recorder, schedule_events=plan.events,
                                duration_s=plan.duration_s, observers=observers)
            self.control.attach(runner, recorder, source)
            with self._lock:
                self._runner, self._source = runner, source
                stop_now = self._stop
            if stop_now:
                runner.request_stop()
            started = True
            bridge.session_started.emit(SessionInfo(
                source_kind=source.kind, source_name=source.name,
                folder=recorder.path if recorder is not None else None,
                demo=source.kind == "demo"))
            result = runner.run()
            outcome_status = result.status
        except MimicryError as exc:
            problem = str(exc)
        except Exception as exc:  # a bug: say so in the window, keep the traceback on stderr
            traceback.print_exc(file=sys.stderr)
            problem = f"internal error ({exc.__class__.__name__}: {exc}); please report it"
        finally:
            if recorder is not None:
                try:
                    _finish(recorder, result, plan.calibration,
                            source.dropped if source is not None else 0)
                except MimicryError as exc:
                    problem = problem or str(exc)
            if tracker is not None:
                tracker.close()
            if source is not None:
                source.close()
            elif inner is not None:
                inner.close()
        if inner is None:
            if problem:  # an unexpected error while opening (a MimicryError was sent above)
                bridge.session_failed.emit(problem, "error")
            return
        if not started:
            bridge.session_failed.emit(problem or "the session could not start", "error")
            return
        if analysis is not None:
            analysis.finish()
        text, curves, stimulus_set = "", None, None
        n_frames = result.n_frames if result is not None else 0
        if capture is not None:
            stimulus_set, text = _save_capture(capture, req)
        elif recorder is not None and n_frames:
            bridge.analyzing.emit()
            try:
                text = analyze_folder(recorder.path)
                from .curves import response_curves  # noqa: PLC0415

                curves = response_curves(recorder.path)
            except MimicryError as exc:
                problem = problem or f"the session was saved but not analysed: {exc}"
            except Exception as exc:  # a bug in analysis must not lose the saved session
                traceback.print_exc(file=sys.stderr)
                problem = problem or (f"the session was saved but the analysis failed "
                                      f"({exc.__class__.__name__}: {exc}); run 'mimicry analyze "
                                      f"{recorder.path}' to retry")
        bridge.session_finished.emit(SessionOutcome(
            status=outcome_status, folder=recorder.path if recorder is not None else None,
            n_frames=n_frames, dropped=source.dropped if source is not None else 0,
            summary_text=text, curves=curves, problem=problem, stimulus_set=stimulus_set,
            last_reading=analysis.last_reading if analysis is not None else None))


# --------------------------------------------------------------------------- camera probe

class CameraProbe(QThread):
    """Tries camera indices 0..n-1 off the UI thread.

    Signals
    -------
    found(list of dict)
        Cameras that opened and delivered frames: ``index``, ``width``, ``height``, ``fps``.
    """

    found = pyqtSignal(object)

    def __init__(self, n_cameras: int = 4, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("mimicry camera probe")
        self.n_cameras = n_cameras

    def run(self) -> None:
        from mimicry.runtime.diagnostics import probe_cameras  # noqa: PLC0415

        try:
            cams = probe_cameras(self.n_cameras, frames=3)
        except Exception:  # a broken video backend: report no camera, keep the traceback
            traceback.print_exc(file=sys.stderr)
            cams = []
        self.found.emit(cams)

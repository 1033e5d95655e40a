"""The session worker: capture and tracking off the UI thread, driving the runtime's Session.

Threads
-------
* **Worker** (:class:`SessionWorker`, a ``QThread``): runs a
  :class:`mimicry.runtime.session.Session`, the same session object as
  ``mimicry record``. Its observers run on this thread:
  :class:`~mimicry.runtime.observers.SessionControl` (operator commands: markers,
  free-run trials), :class:`~mimicry.runtime.observers.LiveAnalysis` (the streaming
  mimicry analysis) and :class:`LiveBridge`.
* **UI thread**: only draws. It never waits on the worker.

:class:`~mimicry_app.bridge.LiveBridge` (:mod:`mimicry_app.bridge`) is the only
QObject the worker touches.
"""

from __future__ import annotations

import sys
import threading
import traceback
from pathlib import Path

from PyQt6.QtCore import QThread, pyqtSignal

from mimicry.runtime.observers import LiveAnalysis, SessionControl
from mimicry.runtime.pause import PausableSource
from mimicry.runtime.plan import SessionPlan
from mimicry.runtime.session import save_capture_set

from .bridge import LiveBridge, SessionInfo, SessionOutcome

#: The demo participant's frame side, pixels. Smaller than the core's default:
#: rendering it costs CPU on the same machine that tracks it.
DEMO_SIZE_PX = 320
#: The demo pair (two-person mode): each face's side, pixels, and frame rate
#: (two faces to render and track per frame).
DEMO_DYAD_SIZE_PX = 240
DEMO_DYAD_FPS = 20.0


# --------------------------------------------------------------------------- the worker thread

#: The summary of a saved session in which no face was shown.
NO_TRIALS_TEXT = ("No face was shown in this session (no trials), so there is nothing to "
                  "analyse. The recording is saved.")


def analyze_folder(folder: Path) -> str:
    """Analyse a saved session (trials.csv, summary.json, as ``mimicry analyze``); the text."""
    from mimicry.runtime.session import analyze_session_folder  # noqa: PLC0415

    return analyze_session_folder(folder, NO_TRIALS_TEXT)

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
            from mimicry.simulate.live_demo import demo_for_session  # noqa: PLC0415

            prompts = None
            if self.plan.capture is not None:  # the demo plays the volunteer
                from mimicry.activities.capture.capture import prompt_trials  # noqa: PLC0415

                prompts = prompt_trials(self.plan.capture)
            # The same demo participant as 'mimicry record --source demo': it watches
            # the protocol, damped in the try-not-to-smile game.
            self._demo = demo_for_session(self.plan.schedule, activity=self.plan.demo_mode,
                                          prompts=prompts, realtime=True, size_px=DEMO_SIZE_PX)
            return self._demo
        if kind == "camera":
            from mimicry.core.native import native_logs_silenced  # noqa: PLC0415

            # OpenCV explains a missing camera in several lines of its own on
            # stderr; the window shows one plain sentence instead.
            with native_logs_silenced():
                return open_source(req.source, realtime=True)
        return open_source(req.source, realtime=req.paced)

    def _open_pausable(self) -> PausableSource:
        source = PausableSource(self._open_source())
        self.bridge.source = source
        return source

    def run(self) -> None:
        from mimicry.core.errors import MimicryError  # noqa: PLC0415
        from mimicry.runtime.recorder import default_sessions_dir  # noqa: PLC0415
        from mimicry.runtime.session import Session, SessionOptions  # noqa: PLC0415
        from mimicry.sources import source_kind  # noqa: PLC0415

        plan, req, bridge = self.plan, self.plan.request, self.bridge
        out_root = None
        if req.record:
            out_root = Path(req.out_dir).expanduser() if req.out_dir else default_sessions_dir()
        analysis = LiveAnalysis(bridge.publish_reading, bridge.publish_warning)
        observers = [self.control, analysis, bridge]
        # The activity's live state, on this thread; its panel draws what it publishes.
        from mimicry.activities.live import ActivityLive  # noqa: PLC0415

        activity = ActivityLive.for_plan(plan, bridge.publish_activity, bridge.publish_warning)
        if activity is not None:
            observers.append(activity)
        capture = None
        if plan.capture is not None:
            from mimicry.activities.capture.capture import StimulusCapture  # noqa: PLC0415

            capture = StimulusCapture(plan.capture)
            observers.append(capture)
        session = Session(plan, SessionOptions(
            participant=req.participant, out_root=out_root, faces=plan.faces, model=req.model,
            keep_landmarks=True, paced=req.paced, display=True, app="mimicry app"),
            self._open_pausable, observers)
        started = False
        outcome_status, problem = "failed", ""
        try:
            try:
                session.open()
            except MimicryError as exc:
                if session.source is None:  # the source did not open
                    kind = "camera" if source_kind(req.source) == "camera" else "error"
                    bridge.session_failed.emit(str(exc), kind)
                    return
                raise
            source, recorder = session.source, session.recorder
            self.control.attach(session.runner, recorder, source)
            with self._lock:
                self._runner, self._source = session.runner, source
                stop_now = self._stop
            if stop_now:
                session.request_stop()
            started = True
            bridge.session_started.emit(SessionInfo(
                source_kind=source.kind, source_name=source.name, folder=session.folder,
                demo=source.kind == "demo"))
            session.run()
        except MimicryError as exc:
            problem = str(exc)
        except Exception as exc:  # a bug: say so in the window, keep the traceback on stderr
            traceback.print_exc(file=sys.stderr)
            problem = f"internal error ({exc.__class__.__name__}: {exc}); please report it"
        finally:
            session.close()
        if session.result is not None:
            outcome_status = session.result.status
        if session.source is None:
            if problem:  # an unexpected error while opening (a MimicryError was sent above)
                bridge.session_failed.emit(problem, "error")
            return
        if not started:
            bridge.session_failed.emit(problem or "the session could not start", "error")
            return
        analysis.finish()
        if activity is not None:
            activity.finish()
        text, curves, stimulus_set = "", None, None
        n_frames = session.result.n_frames if session.result is not None else 0
        folder = session.folder
        if capture is not None:
            stimulus_set, text = save_capture_set(capture, req.out_dir, req.participant)
        elif folder is not None and n_frames:
            bridge.analyzing.emit()
            try:
                text = session.analyze(NO_TRIALS_TEXT)
                from .curves import response_curves  # noqa: PLC0415

                curves = response_curves(folder)
            except MimicryError as exc:
                problem = problem or f"the session was saved but not analysed: {exc}"
            except Exception as exc:  # a bug in analysis must not lose the saved session
                traceback.print_exc(file=sys.stderr)
                problem = problem or (f"the session was saved but the analysis failed "
                                      f"({exc.__class__.__name__}: {exc}); run 'mimicry analyze "
                                      f"{folder}' to retry")
        bridge.session_finished.emit(SessionOutcome(
            status=outcome_status, folder=folder, n_frames=n_frames, dropped=session.dropped,
            summary_text=text, curves=curves, problem=problem, stimulus_set=stimulus_set,
            last_reading=analysis.last_reading, summary=_read_summary(folder),
            activity=plan.demo_mode))


def _read_summary(folder) -> dict | None:
    """The session's summary.json, or None (not analysed, or unreadable)."""
    import json  # noqa: PLC0415

    if folder is None:
        return None
    try:
        return json.loads((Path(folder) / "summary.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


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

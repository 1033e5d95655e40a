"""The session controller behind the main window: one session's plan, threads, bridge and state.

Qt, but no widgets. :class:`SessionController` owns the
:class:`~mimicry_app.worker.SessionWorker`, the
:class:`~mimicry_app.stimulus_panel.StimulusRenderer` and the
:class:`~mimicry_app.bridge.LiveBridge` of the session that is running, paces
the redraws (at most :data:`MAX_DRAW_HZ` a second, newest frame wins) and
retires finished threads. The window connects its widgets to the bridge and to
:attr:`SessionController.draw_due` / :attr:`SessionController.status_due`.
"""

from __future__ import annotations

import gc
import time

from PyQt6.QtCore import QObject, QTimer, pyqtSignal

from mimicry.runtime.pause import SessionClock
from mimicry.runtime.plan import SessionPlan

from .stimulus_panel import StimulusRenderer
from .bridge import LiveBridge
from .worker import CameraProbe, SessionWorker

#: Most camera-view/plot redraws per second.
MAX_DRAW_HZ = 30.0
#: Status bar refresh period, milliseconds.
STATUS_PERIOD_MS = 500


def track_factory(plan: SessionPlan, size_px: int):
    """A callable making the stimulus track of ``plan`` (on the renderer's thread)."""
    def make():
        if plan.free_run:
            from mimicry.stimulus.freerun_track import FreeRunTrack  # noqa: PLC0415

            return FreeRunTrack(plan.freerun, size_px, seed=plan.freerun.seed)
        from mimicry.stimulus.track import StimulusTrack  # noqa: PLC0415

        return StimulusTrack(plan.schedule, size_px=size_px, seed=plan.schedule.seed)
    return make


def warm_ids(plan: SessionPlan) -> list[str]:
    """The stimulus identities the renderer prepares during calibration."""
    if plan.free_run:
        return [plan.freerun.identity_for(n) for n in (1, 2)]
    if plan.protocol.stimulus_set is not None:
        return []
    return list(dict.fromkeys(tr.stimulus_id for tr in plan.schedule.trials))


class SessionController(QObject):
    """One session at a time, and the threads of the ones that are finishing.

    Signals
    -------
    draw_due()
        Time to draw the newest frame (see :meth:`take_frame`).
    status_due()
        Time to refresh the status bar.
    """

    draw_due = pyqtSignal()
    status_due = pyqtSignal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.plan: SessionPlan | None = None
        self.worker: SessionWorker | None = None
        self.renderer: StimulusRenderer | None = None
        self.bridge: LiveBridge | None = None
        self.clock: SessionClock | None = None
        self.state = "setup"  # setup, starting, running, paused, stopping, analyzing, results
        self._old_threads: list = []
        self.probe: CameraProbe | None = None
        self._last_draw = 0.0
        self._shown_trial = None
        self._markers = 0
        self._draw_timer = QTimer(self)
        self._draw_timer.setSingleShot(True)
        self._draw_timer.timeout.connect(self.draw_due)
        self._status_timer = QTimer(self)
        self._status_timer.setInterval(STATUS_PERIOD_MS)
        self._status_timer.timeout.connect(self.status_due)

    # ------------------------------------------------------------------ cameras
    def probe_cameras(self, on_found) -> None:
        """Look for cameras 0-3 on a thread; ``on_found(list of dict)`` gets those that open."""
        if self.probe is not None and self.probe.isRunning():
            return
        self.probe = CameraProbe(4, self.parent())
        self.probe.found.connect(on_found)
        self.probe.start()

    # ------------------------------------------------------------------ starting
    def prepare(self, plan: SessionPlan) -> LiveBridge:
        """A new session's clock and bridge (connect to it, then :meth:`launch`)."""
        request = plan.request
        self.plan = plan
        self._shown_trial = None
        self._markers = 0
        self.clock = SessionClock(paced=request.paced or request.source.isdigit()
                                  or request.source == "demo")
        if self.bridge is not None:
            self.bridge.deleteLater()  # the previous session's worker has finished
        self.bridge = LiveBridge(self.clock, self)
        self.bridge.frame_ready.connect(self._frame_ready)
        return self.bridge

    def launch(self, size_px: int) -> StimulusRenderer:
        """Make the renderer (``size_px`` frames) and the worker; :meth:`start` runs them."""
        plan = self.plan
        self.renderer = StimulusRenderer(track_factory(plan, size_px), self.clock,
                                         plan.calibration, warm_ids(plan), self)
        self.worker = SessionWorker(plan, self.bridge, self)
        self.state = "starting"
        return self.renderer

    def start(self) -> None:
        self._status_timer.start()
        self.worker.start()
        self.renderer.start()

    # ------------------------------------------------------------------ drawing
    def _frame_ready(self) -> None:
        if self._draw_timer.isActive():
            return  # a draw is already due: it will take the newest frame
        since_ms = (time.monotonic() - self._last_draw) * 1000.0
        self._draw_timer.start(max(0, int(1000.0 / MAX_DRAW_HZ - since_ms)))

    def take_frame(self):
        """The newest frame and the samples since the last draw (see :meth:`LiveBridge.take`)."""
        frame, samples = self.bridge.take()
        self._last_draw = time.monotonic()
        return frame, samples

    def take_stimulus(self):
        """The newest stimulus frame, or None; tells the worker when a trial's face first shows."""
        if self.renderer is None:
            return None
        f = self.renderer.take()
        if f is None:
            return None
        if f.kind == "trial" and f.trial is not None and f.trial.trial != self._shown_trial:
            self._shown_trial = f.trial.trial
            if self.worker is not None and self.clock is not None:
                self.worker.stimulus_displayed(f.trial, self.clock.now())
        return f

    # ------------------------------------------------------------------ controls
    def pause(self) -> None:
        self.worker.pause()
        self.state = "paused"

    def resume(self) -> None:
        self.worker.resume()
        self.state = "running"

    def stop(self) -> bool:
        """End the session (it is saved); False when none is running."""
        if self.state in ("starting", "running", "paused") and self.worker is not None:
            self.state = "stopping"
            self.worker.request_stop()
            return True
        return False

    def add_marker(self) -> int | None:
        """Put a marker in the recording; its number, or None when not running."""
        if self.state in ("running",) and self.worker is not None:
            self._markers += 1
            self.worker.marker(f"operator {self._markers}")
            return self._markers
        return None

    # ------------------------------------------------------------------ ending
    def end_threads(self, wait: bool = False) -> None:
        """Stop the session's threads; they finish on their own (or are waited for)."""
        gc.unfreeze()  # the session is over: its objects may be collected again
        self._status_timer.stop()
        self._draw_timer.stop()
        for t in (self.renderer, self.worker):
            if t is None:
                continue
            if isinstance(t, StimulusRenderer):
                t.stop()
            else:
                t.request_stop()
            self._retire(t)
        self.renderer = None
        self.worker = None
        if wait:
            for t in list(self._old_threads):
                t.wait()
                self._thread_done(t)

    def _retire(self, thread) -> None:
        """Keep a finishing thread alive until it has really finished, then delete it."""
        if thread in self._old_threads:
            return
        self._old_threads.append(thread)
        # A bound method of this controller: runs on the UI thread (queued).
        thread.finished.connect(self._reap_threads)
        self._reap_threads()

    def _reap_threads(self) -> None:
        for thread in [t for t in self._old_threads if t.isFinished()]:
            self._thread_done(thread)

    def _thread_done(self, thread) -> None:
        if thread in self._old_threads:
            self._old_threads.remove(thread)
            thread.deleteLater()

    def shutdown(self) -> None:
        """Stop every thread and timer, waiting for them; safe to call twice."""
        if self.worker is not None:
            self.worker.request_stop()
        self.end_threads(wait=True)
        if self.probe is not None:
            self.probe.wait()
        self._status_timer.stop()
        self._draw_timer.stop()

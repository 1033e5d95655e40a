"""The main window: setup → live session → results, and the wiring between them.

The window owns one session at a time: a :class:`~mimicry_app.worker.SessionWorker`
(capture, tracking, recording, live analysis), a
:class:`~mimicry_app.stimulus_panel.StimulusRenderer` and the
:class:`~mimicry_app.worker.LiveBridge` between them and the UI. The UI thread
only draws: the camera view and plots at most :data:`MAX_DRAW_HZ` times a
second, whenever the bridge has a new frame (newest frame wins).
"""

from __future__ import annotations

import gc
import time
from dataclasses import dataclass, replace

from PyQt6.QtCore import Qt, QTimer, pyqtSignal
from PyQt6.QtGui import QAction, QKeySequence
from PyQt6.QtWidgets import (QHBoxLayout, QLabel, QMainWindow, QStackedWidget, QToolBar,
                             QVBoxLayout, QWidget)

from . import theme
from .camera_view import DEMO_LABEL, CameraView
from .classroom import ClassroomController
from .demo_modes import DemoPanel
from .freerun import KEY_CONDITIONS
from .live_plots import LivePlots
from .meter import MimicryMeter
from .results import ResultsPage
from .session import SessionClock, SessionPlan, plan_session
from .settings import AppSettings, save_settings
from .setup_page import SetupPage
from .stimulus_panel import StimulusRenderer, StimulusView, render_size_px
from .worker import CameraProbe, LiveBridge, SessionWorker

#: Most camera-view/plot redraws per second.
MAX_DRAW_HZ = 30.0
#: Status bar refresh period, milliseconds.
STATUS_PERIOD_MS = 500


@dataclass(frozen=True)
class AppOptions:
    """How the app was started (command line over remembered settings).

    Attributes
    ----------
    settings : AppSettings
        Initial choices (remembered, overridden by the command line).
    explicit_source : bool
        ``--source`` was given: keep it selected even when it is missing.
    fullscreen : bool
    paced : bool
        False plays a video source as fast as possible (tests).
    model : str or None
    autostart : bool
        Start the session at once (scripts, screenshots).
    settings_problem : str or None
        Why the remembered settings were not used.
    """

    settings: AppSettings = AppSettings()
    explicit_source: bool = False
    fullscreen: bool = False
    paced: bool = True
    model: str | None = None
    autostart: bool = False
    settings_problem: str | None = None


class LivePage(QWidget):
    """The session screen: stimulus, camera, meter, key hints, plots."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(10, 8, 10, 8)
        lay.setSpacing(8)
        top = QHBoxLayout()
        top.setSpacing(10)
        self.stimulus = StimulusView(operator=True)
        top.addWidget(self.stimulus, 5)
        right = QVBoxLayout()
        self.camera = CameraView()
        right.addWidget(self.camera, 3)
        self.meter = MimicryMeter()
        right.addWidget(self.meter, 0)
        self.demo = DemoPanel()  # replaces the meter in the classroom demos
        self.demo.hide()
        right.addWidget(self.demo, 0)
        top.addLayout(right, 4)
        lay.addLayout(top, 3)
        self.hints = QLabel("")
        self.hints.setObjectName("keyHints")
        self.hints.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hints.hide()
        lay.addWidget(self.hints)
        self.plots = LivePlots()
        lay.addWidget(self.plots, 2)
        self._top = top

    def set_projecting(self, projecting: bool) -> None:
        """With a projector the stimulus here is only a preview: give the room to the camera."""
        self._top.setStretch(0, 2 if projecting else 5)
        self._top.setStretch(1, 5 if projecting else 4)


class MainWindow(QMainWindow):
    """Mimicry's main window.

    Parameters
    ----------
    options : AppOptions

    Signals
    -------
    session_failed(str message, str kind)
        A session could not start (``kind`` ``"camera"`` when a camera did not open).
    session_done(SessionOutcome)
        A session ended and the results screen shows it.
    """

    session_failed = pyqtSignal(str, str)
    session_done = pyqtSignal(object)

    def __init__(self, options: AppOptions = AppOptions(), parent=None) -> None:
        super().__init__(parent)
        self.options = options
        self.setWindowTitle("Mimicry")
        self.plan: SessionPlan | None = None
        self.worker: SessionWorker | None = None
        self.renderer: StimulusRenderer | None = None
        self.bridge: LiveBridge | None = None
        self.clock: SessionClock | None = None
        self.state = "setup"  # setup, starting, running, paused, stopping, analyzing, results
        self.probe: CameraProbe | None = None
        self.last_outcome = None
        self._old_threads: list = []
        self._last_draw = 0.0
        self._shown_trial = None
        self._markers = 0

        self.classroom = ClassroomController(self)
        self.classroom.changed.connect(self._classroom_changed)
        self.stack = QStackedWidget()
        self.setCentralWidget(self.stack)
        self.setup = SetupPage(options.settings)
        self.setup.paced = options.paced
        self.setup.model = options.model
        if options.explicit_source:
            self.setup.mark_explicit_source()
        self.live = LivePage()
        self.results = ResultsPage()
        for page in (self.setup, self.live, self.results):
            self.stack.addWidget(page)
        self.setup.start_requested.connect(self.start_session)
        self.setup.refresh_cameras.connect(self.probe_cameras)
        self.results.new_session.connect(self.show_setup)

        self._build_actions()
        self._build_status_bar()
        self._draw_timer = QTimer(self)
        self._draw_timer.setSingleShot(True)
        self._draw_timer.timeout.connect(self._draw)
        self._status_timer = QTimer(self)
        self._status_timer.setInterval(STATUS_PERIOD_MS)
        self._status_timer.timeout.connect(self._update_status)
        self._fit_to_screen()
        if options.settings_problem:
            self.statusBar().showMessage(options.settings_problem, 15000)
        self._update_actions()
        self.live.camera.warm_up()
        self.probe_cameras()

    # ------------------------------------------------------------------ building
    def _action(self, text: str, key: str | None, slot, checkable: bool = False,
                tip: str = "") -> QAction:
        a = QAction(text, self)
        if key:
            a.setShortcut(QKeySequence(key))
            # Also when the projector window has the focus.
            a.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        a.setCheckable(checkable)
        a.setToolTip(tip or text)
        a.triggered.connect(slot)
        self.addAction(a)
        return a

    def _build_actions(self) -> None:
        self.act_start = self._action("\N{BLACK RIGHT-POINTING TRIANGLE}  Start", "Space",
                                      self.start_or_pause, tip="Start, pause or continue (Space)")
        self.act_stop = self._action("\N{BLACK SQUARE}  Stop", None, self.stop_session,
                                     tip="Stop the session and save it (Esc)")
        # Esc is not the Stop button's own shortcut: it also leaves full screen,
        # and must work when Stop is greyed out.
        self.act_escape = self._action("Leave full screen or stop", "Esc", self.escape)
        self.act_marker = self._action("\N{BLACK FLAG}  Marker", "M", self.add_marker,
                                       tip="Put a marker in the recording (M)")
        self.act_full = self._action("Full screen", "F",
                                     self.toggle_fullscreen, checkable=True,
                                     tip="Full screen (F)")
        self.act_classroom = self._action("Classroom mode", None, self.toggle_classroom,
                                          checkable=True,
                                          tip="Stimulus on the projector, big text")
        self.act_conditions = {}
        for key, cond in KEY_CONDITIONS.items():
            a = self._action(f"{cond.capitalize()} ({key})", key,
                             lambda _=False, c=cond: self.show_condition(c),
                             tip=f"Show a {cond} face (free run)")
            self.act_conditions[cond] = a
        bar = QToolBar("Session")
        bar.setMovable(False)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for a in (self.act_start, self.act_stop, self.act_marker, self.act_full,
                  self.act_classroom):
            bar.addAction(a)
        bar.addSeparator()
        for cond, a in self.act_conditions.items():
            bar.addAction(a)
            btn = bar.widgetForAction(a)
            btn.setStyleSheet(f"color: {theme.condition_colour(cond)}; font-weight: 700;")
        self.addToolBar(bar)
        self.toolbar = bar

    def _build_status_bar(self) -> None:
        sb = self.statusBar()
        self.lbl_frames = QLabel("")
        self.lbl_dropped = QLabel("")
        self.lbl_fps = QLabel("")
        self.lbl_source = QLabel("")
        for lab in (self.lbl_source, self.lbl_frames, self.lbl_dropped, self.lbl_fps):
            sb.addPermanentWidget(lab)

    def _fit_to_screen(self) -> None:
        screen = self.screen()
        if screen is None:
            self.resize(1600, 960)
            return
        g = screen.availableGeometry()
        self.resize(min(1600, g.width()), min(960, g.height()))

    # ------------------------------------------------------------------ cameras
    def probe_cameras(self) -> None:
        """Look for cameras 0-3 on a thread; the setup page lists those that open."""
        if self.probe is not None and self.probe.isRunning():
            return
        self.probe = CameraProbe(4, self)
        self.probe.found.connect(self.setup.set_cameras)
        self.probe.start()

    # ------------------------------------------------------------------ session
    def start_session(self, request, classroom: bool = False) -> None:
        """Validate the choices and start a session (from the setup page)."""
        from mimicry.core.errors import MimicryError  # noqa: PLC0415

        if self.state not in ("setup", "results"):
            return
        try:
            plan = plan_session(request)
        except MimicryError as exc:
            self.show_setup()
            self.setup.show_error(str(exc))
            return
        problem = save_settings(replace(self.setup.settings(), classroom=classroom))
        if problem:
            self.statusBar().showMessage(problem, 10000)
        self.plan = plan
        self.last_outcome = None
        self._shown_trial = None
        self._markers = 0
        if classroom != self.classroom.enabled:
            self.act_classroom.setChecked(classroom)
            self.classroom.set_enabled(classroom)

        self.clock = SessionClock(paced=request.paced or request.source.isdigit()
                                  or request.source == "demo")
        if self.bridge is not None:
            self.bridge.deleteLater()  # the previous session's worker has finished
        self.bridge = LiveBridge(self.clock, self)
        b = self.bridge
        b.frame_ready.connect(self._frame_ready)
        b.session_started.connect(self._session_started)
        b.session_failed.connect(self._session_failed)
        b.trial_done.connect(self.live.meter.show_reading)
        b.analyzing.connect(self._analyzing)
        b.session_finished.connect(self._session_finished)
        b.warning.connect(self._show_warning)
        b.event_logged.connect(self.live.demo.add_event)

        display = plan.protocol.display
        for view in self._stimulus_views():
            view.configure(display.background, display.face_scale, display.show_progress,
                           plan.n_trials, plan.free_run)
            view.set_frame(None)
            view.set_paused(False)
        self.live.camera.clear("Opening the camera\N{HORIZONTAL ELLIPSIS}")
        self.live.camera.set_demo(request.source == "demo")
        self.live.plots.reset()
        self.live.plots.set_mode("yawn" if plan.demo_mode == "yawn" else "emotion")
        self.live.plots.set_trials(plan.trials)
        self.live.meter.reset(plan.n_trials)
        self.live.demo.start(plan.demo_mode, plan)
        self.live.meter.setVisible(plan.demo_mode is None)
        # Two people watch each other and a volunteer posing watches the prompts, not
        # faces: no stimulus, and the room goes to the camera.
        no_stimulus = plan.dyad or plan.capture is not None
        self.live.stimulus.setVisible(not no_stimulus)
        self.live.plots.setVisible(not no_stimulus)
        self._update_hints()

        side = self._stimulus_target_side_px()
        size = render_size_px(side, display.face_scale)
        self.renderer = StimulusRenderer(self._track_factory(plan, size), self.clock,
                                         plan.calibration, self._warm_ids(plan), self)
        self.renderer.frame_ready.connect(self._stimulus_ready)
        self.worker = SessionWorker(plan, self.bridge, self)
        self.state = "starting"
        self.stack.setCurrentWidget(self.live)
        self.lbl_source.setText("Starting\N{HORIZONTAL ELLIPSIS}")
        self._status_timer.start()
        self._update_actions()
        self.worker.start()
        self.renderer.start()

    @staticmethod
    def _track_factory(plan: SessionPlan, size_px: int):
        def make():
            if plan.free_run:
                from .freerun import FreeRunTrack  # noqa: PLC0415

                return FreeRunTrack(plan.freerun, size_px, seed=plan.freerun.seed)
            from mimicry.stimulus.track import StimulusTrack  # noqa: PLC0415

            return StimulusTrack(plan.schedule, size_px=size_px, seed=plan.schedule.seed)
        return make

    @staticmethod
    def _warm_ids(plan: SessionPlan) -> list[str]:
        if plan.free_run:
            return [plan.freerun.identity_for(n) for n in (1, 2)]
        if plan.protocol.stimulus_set is not None:
            return []
        return list(dict.fromkeys(tr.stimulus_id for tr in plan.schedule.trials))

    def _stimulus_target_side_px(self) -> float:
        if self.classroom.projector is not None:
            g = self.classroom.projector.screen().geometry()
            return min(g.width(), g.height()) * self.classroom.projector.devicePixelRatioF()
        # The panel takes about 60% of the window height on the live page.
        return self.height() * 0.6 * self.devicePixelRatioF()

    def _stimulus_views(self) -> list[StimulusView]:
        views = [self.live.stimulus]
        if self.classroom.projector is not None:
            views.append(self.classroom.projector.view)
        return views

    # -- bridge signals (UI thread) -------------------------------------------
    def _session_started(self, info) -> None:
        # A full garbage collection pauses every thread for 40-70 ms once the
        # tracker, the faces and Qt are loaded: far more than a frame. Objects
        # alive now live for the whole session anyway; freezing them leaves the
        # collector only what the session creates, and it stays fast.
        gc.freeze()
        if self.state == "starting":
            self.state = "running"
        self.live.camera.set_demo(info.demo)
        self.live.camera.clear("Waiting for the first frame\N{HORIZONTAL ELLIPSIS}")
        self.lbl_source.setText(DEMO_LABEL if info.demo else info.source_name)
        self._update_actions()

    def _session_failed(self, message: str, kind: str) -> None:
        self._end_threads()
        self.state = "setup"
        self.show_setup()
        if kind == "camera":
            self.setup.show_error(message + " \N{EM DASH} the demo participant can stand in.",
                                  offer_demo=True)
        else:
            self.setup.show_error(message)
        self.session_failed.emit(message, kind)

    def _show_warning(self, text: str) -> None:
        self.statusBar().showMessage(text, 15000)

    def _final_draw(self) -> None:
        """Draw what the live phase left pending: the last samples and the demo reading."""
        self._draw()
        self.live.demo.flush()

    def _analyzing(self) -> None:
        self._final_draw()
        self.state = "analyzing"
        self.results.show_analyzing(self.plan.request.participant if self.plan else "")
        self.stack.setCurrentWidget(self.results)
        self._update_actions()

    def _session_finished(self, outcome) -> None:
        self._final_draw()
        self.last_outcome = outcome
        if getattr(outcome, "stimulus_set", None) is not None:  # a capture: ready to use
            self.setup.set_protocol(str(outcome.stimulus_set / "protocol.toml"))
        self._end_threads()
        self.state = "results"
        self.statusBar().clearMessage()
        self.results.show_outcome(outcome, self.plan.request.participant if self.plan else "")
        self.stack.setCurrentWidget(self.results)
        self._update_status()
        self._update_actions()
        self.session_done.emit(outcome)

    def _end_threads(self, wait: bool = False) -> None:
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
        # A bound method of this window: runs on the UI thread (queued).
        thread.finished.connect(self._reap_threads)
        self._reap_threads()

    def _reap_threads(self) -> None:
        for thread in [t for t in self._old_threads if t.isFinished()]:
            self._thread_done(thread)

    def _thread_done(self, thread) -> None:
        if thread in self._old_threads:
            self._old_threads.remove(thread)
            thread.deleteLater()

    # -- drawing (UI thread, newest frame wins) --------------------------------
    def _frame_ready(self) -> None:
        if self._draw_timer.isActive():
            return  # a draw is already due: it will take the newest frame
        since_ms = (time.monotonic() - self._last_draw) * 1000.0
        self._draw_timer.start(max(0, int(1000.0 / MAX_DRAW_HZ - since_ms)))

    def _draw(self) -> None:
        if self.bridge is None:
            return
        frame, samples = self.bridge.take()
        self._last_draw = time.monotonic()
        if frame is not None:
            self.live.camera.set_frame(frame)
        if samples:
            self.live.plots.add_samples(samples)
            self.live.plots.refresh()
            self.live.demo.add_samples(samples)
        if frame is not None:
            self.bridge.note_drawn(frame)

    def _stimulus_ready(self) -> None:
        if self.renderer is None:
            return
        f = self.renderer.take()
        if f is None:
            return
        for view in self._stimulus_views():
            view.set_frame(f)
        if f.kind == "trial" and f.trial is not None and f.trial.trial != self._shown_trial:
            self._shown_trial = f.trial.trial
            if self.worker is not None and self.clock is not None:
                self.worker.stimulus_displayed(f.trial, self.clock.now())

    def _update_status(self) -> None:
        b = self.bridge
        if b is None:
            return
        self.lbl_frames.setText(f"Frames {b.n_frames}")
        self.lbl_dropped.setText(f"Dropped {b.dropped}")
        self.lbl_fps.setText(f"{b.fps():.1f} fps" if self.state in ("running", "paused")
                             else "")

    # ------------------------------------------------------------------ controls
    def start_or_pause(self) -> None:
        """Space: start on the setup page; pause or continue during a session."""
        if self.state == "setup" and self.stack.currentWidget() is self.setup:
            self.setup.request_start()
        elif self.state == "running":
            self.worker.pause()
            self.state = "paused"
            for v in self._stimulus_views():
                v.set_paused(True)
            self._update_actions()
        elif self.state == "paused":
            self.worker.resume()
            self.state = "running"
            for v in self._stimulus_views():
                v.set_paused(False)
            self._update_actions()

    def stop_session(self) -> None:
        if self.state in ("starting", "running", "paused") and self.worker is not None:
            self.state = "stopping"
            self.worker.request_stop()
            for v in self._stimulus_views():
                v.set_paused(False)
            self.statusBar().showMessage("Stopping and saving\N{HORIZONTAL ELLIPSIS}", 5000)
            self._update_actions()

    def escape(self) -> None:
        """Esc: leave full screen first; otherwise stop the session."""
        if self.isFullScreen():
            self.toggle_fullscreen(False)
        else:
            self.stop_session()

    def add_marker(self) -> None:
        if self.state in ("running",) and self.worker is not None:
            self._markers += 1
            self.worker.marker(f"operator {self._markers}")
            self.statusBar().showMessage(f"Marker {self._markers} added", 3000)

    def show_condition(self, condition: str) -> None:
        """H, S, N in the free run: show a face of that condition."""
        plan = self.plan
        if plan is not None and (plan.dyad or plan.capture is not None):
            return  # two people, or a capture: no faces to show
        if self.state != "running" or plan is None or not plan.free_run:
            if self.state == "running":
                self.statusBar().showMessage("H, S and N work in the free run (choose "
                                             "\N{LEFT DOUBLE QUOTATION MARK}Free run"
                                             "\N{RIGHT DOUBLE QUOTATION MARK})", 4000)
            return
        now = self.clock.now()
        if plan.freerun.pending(now):
            self.statusBar().showMessage("Wait until the face is neutral again", 3000)
            return
        trial = plan.freerun.add(condition, now)
        self.worker.show_trial(trial)
        self.live.plots.add_trial(trial)
        self.statusBar().showMessage(f"Face {trial.trial}: {condition}", 3000)

    def toggle_fullscreen(self, checked: bool | None = None) -> None:
        full = not self.isFullScreen() if checked is None else bool(checked)
        if full:
            self.showFullScreen()
        else:
            self.showNormal()
        self.act_full.setChecked(full)

    def toggle_classroom(self, checked: bool) -> None:
        self.classroom.set_enabled(checked)

    def _classroom_changed(self, enabled: bool, projecting: bool) -> None:
        self.live.set_projecting(projecting)
        if projecting and self.plan is not None:
            d = self.plan.protocol.display
            self.classroom.projector.view.configure(d.background, d.face_scale,
                                                    d.show_progress, self.plan.n_trials,
                                                    self.plan.free_run)
            self.classroom.projector.view.set_frame(self.live.stimulus.frame)
            self.classroom.projector.view.set_paused(self.state == "paused")
        if enabled:
            self.statusBar().showMessage(
                "Classroom mode: the faces are on the projector" if projecting else
                "Classroom mode: no second screen found, the faces stay in this window", 6000)
        self._update_hints()

    def _update_hints(self) -> None:
        free = self.plan is not None and self.plan.demo_mode is None and self.plan.free_run
        show = self.classroom.enabled or free
        self.live.hints.setText(self.classroom.hints(free))
        self.live.hints.setVisible(show)

    def _update_actions(self) -> None:
        s = self.state
        in_session = s in ("starting", "running", "paused")
        self.act_start.setText("\N{BLACK RIGHT-POINTING TRIANGLE}  Continue" if s == "paused" else
                               "\N{HEAVY VERTICAL BAR}\N{HEAVY VERTICAL BAR}  Pause" if s == "running" else
                               "\N{BLACK RIGHT-POINTING TRIANGLE}  Start")
        self.act_start.setEnabled(s in ("setup", "running", "paused"))
        self.act_stop.setEnabled(in_session)
        self.act_marker.setEnabled(s == "running")
        free = (self.plan is not None and self.plan.free_run and self.plan.demo_mode is None
                and in_session)
        for a in self.act_conditions.values():
            a.setVisible(bool(free))
            a.setEnabled(s == "running")
        title = "Mimicry"
        if self.plan is not None and in_session:
            title += f" \N{EM DASH} {self.plan.request.participant} ({self.plan.protocol_label})"
            if self.plan.request.source == "demo":
                title += " \N{EM DASH} DEMO"
        self.setWindowTitle(title)

    def show_setup(self) -> None:
        if self.state in ("results", "setup"):
            self.state = "setup"
        self.stack.setCurrentWidget(self.setup)
        self.setup.participant.setFocus()
        self.setup.participant.selectAll()
        self._update_actions()

    # ------------------------------------------------------------------ closing
    def shutdown(self) -> None:
        """Stop every thread and timer (waiting for them); safe to call twice."""
        if self.worker is not None:
            self.worker.request_stop()
        self._end_threads(wait=True)
        if self.probe is not None:
            self.probe.wait()
        self._status_timer.stop()
        self._draw_timer.stop()
        self.classroom.shutdown()
        self.results.shutdown()

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        self.shutdown()
        super().closeEvent(event)

"""The main window: setup → live session → results, and the wiring between them.

The window shows one session at a time, run by a
:class:`~mimicry_app.controller.SessionController` (the worker, the stimulus
renderer and the bridge between them and the UI). The UI thread only draws:
the camera view and plots when the controller says a draw is due (at most
:data:`~mimicry_app.controller.MAX_DRAW_HZ` times a second, newest frame wins).
"""

from __future__ import annotations

import gc
from dataclasses import replace

from PyQt6.QtCore import pyqtSignal
from PyQt6.QtWidgets import QMainWindow, QStackedWidget

from mimicry.runtime.plan import plan_session
from mimicry.runtime.settings import save_settings

from .camera_view import DEMO_LABEL
from .classroom import ClassroomController
from .actions import build_session_actions, build_status_bar, update_actions
from .controller import SessionController
from .live_page import LivePage
from .options import AppOptions
from .results import ResultsPage
from .setup_page import SetupPage
from .stimulus_panel import StimulusView, render_size_px
from .theme import set_large_text, text_scale

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
        self.session = SessionController(self)
        self.session.draw_due.connect(self._draw)
        self.session.status_due.connect(self._update_status)
        self.last_outcome = None
        self.session_info = None  # the running session's SessionInfo, once it has started

        self.classroom = ClassroomController(self)
        self.classroom.changed.connect(self._classroom_changed)
        self.stack = QStackedWidget()
        self.setCentralWidget(self.stack)
        self.setup = SetupPage(options.settings)
        self.setup.paced, self.setup.model, self.setup.seed = options.paced, options.model, options.seed
        if options.explicit_source:
            self.setup.mark_explicit_source()
        self.live = LivePage()
        self.results = ResultsPage()
        for page in (self.setup, self.live, self.results):
            self.stack.addWidget(page)
        self.setup.start_requested.connect(self.start_session)
        self.setup.refresh_cameras.connect(self.probe_cameras)
        self.results.new_session.connect(self.show_setup)

        build_session_actions(self)
        build_status_bar(self)
        # The toolbar's Classroom toggle and the setup page's checkbox are one setting.
        self.setup.classroom.toggled.connect(self.classroom.set_enabled)
        self._fit_to_screen()
        if options.settings_problem:
            self.statusBar().showMessage(options.settings_problem, 15000)
        self._update_actions()
        self.live.camera.warm_up()
        self.probe_cameras()
        self.setup.participant.setFocus()  # the first keys type the name; Space starts
        self.act_large_text.setChecked(self.large_text)

    # The session's parts, as the controller holds them.
    plan = property(lambda self: self.session.plan)
    worker = property(lambda self: self.session.worker)
    renderer = property(lambda self: self.session.renderer)
    bridge = property(lambda self: self.session.bridge)
    clock = property(lambda self: self.session.clock)

    @property
    def state(self) -> str:
        """setup, starting, running, paused, stopping, analyzing or results."""
        return self.session.state

    @state.setter
    def state(self, value: str) -> None:
        self.session.state = value

    # ------------------------------------------------------------------ building
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
        self.session.probe_cameras(self.setup.set_cameras)

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
        self.last_outcome = None
        self.session_info = None
        self._mood_before = self.setup.mood.take_before()
        if classroom != self.classroom.enabled:
            self.act_classroom.setChecked(classroom)
            self.classroom.set_enabled(classroom)

        b = self.session.prepare(plan)
        b.session_started.connect(self._session_started)
        b.session_failed.connect(self._session_failed)
        b.trial_done.connect(self.live.meter.show_reading)
        b.analyzing.connect(self._analyzing)
        b.session_finished.connect(self._session_finished)
        b.warning.connect(self._show_warning)
        b.activity_reading.connect(self.live.demo.show_reading)

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
        self.session.launch(size).frame_ready.connect(self._stimulus_ready)
        self.stack.setCurrentWidget(self.live)
        self.lbl_source.setText("Starting\N{HORIZONTAL ELLIPSIS}")
        self._update_actions()
        self.session.start()

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
        # A full collection pauses every thread 40-70 ms once the tracker, faces and Qt
        # are loaded; what is alive now lives all session, so the collector skips it.
        gc.freeze()
        self.session_info = info
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
        self.lbl_source.setText("")
        if kind == "camera":
            self.setup.show_error(message + " \N{EM DASH} the demo participant can stand in.",
                                  offer_demo=True)
        else:
            self.setup.show_error(message)
        self.session_failed.emit(message, kind)

    def _show_warning(self, text: str) -> None:
        self.statusBar().showMessage(text, 15000)

    def _final_draw(self) -> None:
        """Draw the live phase's last samples (the activity's reading came before the end)."""
        self._draw()

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
        self.results.show_outcome(outcome, self.plan.request.participant if self.plan else "",
                                  self.setup.mood.enabled(), getattr(self, "_mood_before", None))
        self.stack.setCurrentWidget(self.results)
        self._update_status()
        self._update_actions()
        self.session_done.emit(outcome)

    def _end_threads(self, wait: bool = False) -> None:
        self.session.end_threads(wait)

    # -- drawing (UI thread, newest frame wins) --------------------------------
    def _draw(self) -> None:
        if self.bridge is None:
            return
        frame, samples = self.session.take_frame()
        if frame is not None:
            self.live.camera.set_frame(frame)
        if samples:
            self.live.plots.add_samples(samples)
            self.live.plots.refresh()
        if frame is not None:
            self.bridge.note_drawn(frame)

    def _stimulus_ready(self) -> None:
        f = self.session.take_stimulus()
        if f is None:
            return
        for view in self._stimulus_views():
            view.set_frame(f)

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
        """Space: start on the setup page; pause or continue; on the results, the next person."""
        if self.state == "setup" and self.stack.currentWidget() is self.setup:
            self.setup.request_start()
        elif self.state == "results" and self.stack.currentWidget() is self.results:
            self.show_setup()
        elif self.state == "running":
            self.session.pause()
            for v in self._stimulus_views():
                v.set_paused(True)
            self._update_actions()
        elif self.state == "paused":
            self.session.resume()
            for v in self._stimulus_views():
                v.set_paused(False)
            self._update_actions()

    def stop_session(self) -> None:
        if self.session.stop():
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
        n = self.session.add_marker()
        if n is not None:
            self.statusBar().showMessage(f"Marker {n} added", 3000)

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

    def toggle_large_text(self, checked: bool | None = None) -> None:
        """Projector-sized text everywhere (T), or back to the normal size."""
        set_large_text(self, not self.large_text if checked is None else bool(checked))

    large_text = property(lambda self: text_scale() > 1.0)

    def _classroom_changed(self, enabled: bool, projecting: bool) -> None:
        self.live.set_projecting(projecting)
        if projecting and self.plan is not None:
            d = self.plan.protocol.display
            self.classroom.projector.view.configure(d.background, d.face_scale,
                                                    d.show_progress, self.plan.n_trials,
                                                    self.plan.free_run)
            self.classroom.projector.view.set_frame(self.live.stimulus.frame)
            self.classroom.projector.view.set_paused(self.state == "paused")
        if enabled and not projecting and not self.large_text:
            self.toggle_large_text(True)  # one screen for everyone: make it readable
        if enabled:
            self.statusBar().showMessage(
                "Classroom mode: the faces are on the projector" if projecting else
                "Classroom mode: no second screen found, the faces stay in this window, "
                "with large text (T toggles it)", 6000)
        self._update_hints()

    def _update_hints(self) -> None:
        free = self.plan is not None and self.plan.demo_mode is None and self.plan.free_run
        show = self.classroom.enabled or free
        self.live.hints.setText(self.classroom.hints(free))
        self.live.hints.setVisible(show)

    def _update_actions(self) -> None:
        update_actions(self)

    def show_setup(self) -> None:
        if self.state in ("results", "setup"):
            self.state = "setup"
        for lab in (self.lbl_frames, self.lbl_dropped, self.lbl_fps, self.lbl_source):
            lab.setText("")  # the last session's counts belong to its results
        self.stack.setCurrentWidget(self.setup)
        self.setup.participant.setFocus()
        self.setup.participant.selectAll()
        self._update_actions()

    # ------------------------------------------------------------------ closing
    def shutdown(self) -> None:
        """Stop every thread and timer (waiting for them); safe to call twice."""
        self.session.shutdown()
        self.classroom.shutdown()
        self.results.shutdown()
        self.board.shutdown()

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        self.shutdown()
        super().closeEvent(event)

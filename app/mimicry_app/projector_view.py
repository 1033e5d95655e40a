"""What the class sees on the projector: the stimulus only, or with the volunteer's live response.

In classroom mode with a second screen the operator chooses (toolbar,
"Projector: live response", key P) between the stimulus alone and the
stimulus beside the volunteer's live traces and the mimicry meter, large.
The volunteer's camera image is never projected unless the operator turns on
"Projector: camera image" (key C) for that session; it is off again at the
start of every session.

The projector's plots, meter and camera are second instances of the live
page's widgets, fed with the same calls (:func:`mirror_calls`): nothing is
measured twice.
"""

from __future__ import annotations

from PyQt6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from .camera_view import CameraView
from .live_plots import LivePlots
from .meter import MimicryMeter


class ResponsePanel(QWidget):
    """The projector's live response: the meter over the traces, and the camera when allowed."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 8, 8, 8)
        self.camera = CameraView()
        self.camera.hide()
        lay.addWidget(self.camera, 2)
        self.meter = MimicryMeter()
        lay.addWidget(self.meter, 0)
        self.plots = LivePlots()
        lay.addWidget(self.plots, 3)


def mirror_calls(source, target, names) -> None:
    """After each call of ``source.<name>(...)``, make the same call on ``target``."""
    for name in names:
        original = getattr(source, name)

        def both(*args, _original=original, _name=name, **kwargs):
            out = _original(*args, **kwargs)
            getattr(target, _name)(*args, **kwargs)
            return out

        setattr(source, name, both)


def add_response_panel(projector) -> ResponsePanel:
    """Put a (hidden) :class:`ResponsePanel` beside the stimulus of a projector window."""
    panel = ResponsePanel(projector)
    panel.hide()
    lay = projector.layout()
    row = QHBoxLayout()
    lay.removeWidget(projector.view)
    row.addWidget(projector.view, 1)
    row.addWidget(panel, 1)
    lay.addLayout(row)
    projector.response = panel
    return panel


def attach_projector_choice(window) -> None:
    """The two toolbar toggles, and the live page's calls mirrored to the projector."""
    from .actions import _action  # noqa: PLC0415

    live = window.live

    def panel():
        proj = window.classroom.projector
        if proj is None:
            return None
        if getattr(proj, "response", None) is None:
            add_response_panel(proj)
        return proj.response

    class _Target:
        """Forwards to the projector's panel when there is one (the projector comes and goes)."""

        def __init__(self, part: str) -> None:
            self.part = part

        def __getattr__(self, name):
            p = panel()
            if p is None or (self.part == "camera" and not window.act_project_camera.isChecked()):
                return lambda *a, **k: None
            return getattr(getattr(p, self.part), name)

    mirror_calls(live.plots, _Target("plots"), ("add_samples", "refresh", "reset",
                                                "set_trials", "add_trial", "set_mode"))
    mirror_calls(live.meter, _Target("meter"), ("show_reading", "reset"))
    mirror_calls(live.camera, _Target("camera"), ("set_frame", "set_demo", "clear"))

    def show_choice(_checked: bool = False) -> None:
        p = panel()
        for a in (window.act_project_response, window.act_project_camera):
            a.setEnabled(p is not None)
        if p is None:
            return
        p.setVisible(window.act_project_response.isChecked())
        on = window.act_project_camera.isChecked()
        if not on:
            p.camera.clear()  # the last picture goes too, not only the widget
        p.camera.setVisible(on)

    window.act_project_response = _action(
        window, "Projector: live response", "P", show_choice, checkable=True,
        tip="Show the class the volunteer's live traces and the meter beside the faces (P)")
    window.act_project_camera = _action(
        window, "Projector: camera image", "C", show_choice, checkable=True,
        tip="Also project the volunteer's camera image, for this session only (C)")
    for a in (window.act_project_response, window.act_project_camera):
        window.toolbar.addAction(a)
    window.classroom.changed.connect(lambda *_: show_choice())
    # Every session starts by resetting the live meter (MainWindow.start_session): the camera
    # image is projected only when chosen for this session, so it is switched off there.
    reset = live.meter.reset

    def session_reset(*args, **kwargs):
        window.act_project_camera.setChecked(False)
        show_choice()
        return reset(*args, **kwargs)

    live.meter.reset = session_reset
    show_choice()

"""Classroom mode: the stimulus full screen on the projector, the operator's view on the laptop.

When a second screen is connected (``QGuiApplication.screens()``), the stimulus
goes full screen there in a :class:`~mimicry_app.stimulus_panel.ProjectorWindow`,
fed with the same rendered frames as the operator's small preview. With one
screen the stimulus stays in the main window. Either way the key hints are
shown, for the free run (H, S, N) and the session keys.
"""

from __future__ import annotations

from PyQt6.QtCore import QObject, pyqtSignal
from PyQt6.QtGui import QGuiApplication

from .stimulus_panel import ProjectorWindow

KEY_HINTS = ("Space start / pause  \N{MIDDLE DOT}  Esc stop  \N{MIDDLE DOT}  M marker  "
             "\N{MIDDLE DOT}  F full screen")
FREE_RUN_HINTS = "H happy  \N{MIDDLE DOT}  S sad  \N{MIDDLE DOT}  N neutral  \N{MIDDLE DOT}  "


def available_screens() -> list:
    """The screens Qt knows about (a function so tests can stand in for a projector)."""
    return list(QGuiApplication.screens())


def projector_screen(main_screen, screens=None):
    """The screen for the stimulus: the first one that is not ``main_screen``, or None."""
    screens = available_screens() if screens is None else screens
    for s in screens:
        if s is not main_screen and s != main_screen:
            return s
    return None


class ClassroomController(QObject):
    """Turns classroom mode on and off for a main window.

    Signals
    -------
    changed(bool enabled, bool projecting)
    """

    changed = pyqtSignal(bool, bool)

    def __init__(self, main_window) -> None:
        super().__init__(main_window)
        self.main_window = main_window
        self.enabled = False
        self.projector: ProjectorWindow | None = None

    @property
    def projecting(self) -> bool:
        return self.projector is not None

    def set_enabled(self, enabled: bool) -> None:
        """On or off, from the toolbar or the setup page's checkbox (both show it)."""
        self.enabled = bool(enabled)
        if self.enabled:
            self._open_projector()
        else:
            self._close_projector()
        win = self.main_window
        for w in (getattr(win, "act_classroom", None), getattr(getattr(win, "setup", None),
                                                            "classroom", None)):
            if w is not None and w.isChecked() != self.enabled:
                w.blockSignals(True)
                w.setChecked(self.enabled)
                w.blockSignals(False)
        self.changed.emit(self.enabled, self.projecting)

    def _open_projector(self) -> None:
        if self.projector is not None:
            return
        screen = projector_screen(self.main_window.screen())
        if screen is None:
            return
        win = ProjectorWindow()
        win.setScreen(screen)
        win.move(screen.geometry().topLeft())
        win.resize(screen.geometry().size())
        win.showFullScreen()
        self.projector = win

    def _close_projector(self) -> None:
        if self.projector is not None:
            self.projector.close()
            self.projector.deleteLater()
            self.projector = None

    def shutdown(self) -> None:
        self._close_projector()

    def hints(self, free_run: bool) -> str:
        return (FREE_RUN_HINTS if free_run else "") + KEY_HINTS

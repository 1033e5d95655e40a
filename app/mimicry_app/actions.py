"""The main window's session actions, toolbar and status bar: start, stop, marker, faces, counts."""

from __future__ import annotations

from PyQt6.QtCore import Qt
from PyQt6.QtGui import QAction, QKeySequence
from PyQt6.QtWidgets import QLabel, QToolBar

from mimicry.runtime.freerun import KEY_CONDITIONS

from . import theme


def _action(window, text: str, key: str | None, slot, checkable: bool = False,
            tip: str = "") -> QAction:
    a = QAction(text, window)
    if key:
        a.setShortcut(QKeySequence(key))
        # Also when the projector window has the focus.
        a.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
    a.setCheckable(checkable)
    a.setToolTip(tip or text)
    a.triggered.connect(slot)
    window.addAction(a)
    return a


def build_session_actions(window) -> None:
    """The window's session actions (``act_*``), their shortcuts and its toolbar."""
    window.act_start = _action(window, "\N{BLACK RIGHT-POINTING TRIANGLE}  Start", "Space",
                               window.start_or_pause, tip="Start, pause or continue (Space)")
    window.act_stop = _action(window, "\N{BLACK SQUARE}  Stop", None, window.stop_session,
                              tip="Stop the session and save it (Esc)")
    # Esc is not the Stop button's own shortcut: it also leaves full screen,
    # and must work when Stop is greyed out.
    window.act_escape = _action(window, "Leave full screen or stop", "Esc", window.escape)
    window.act_marker = _action(window, "\N{BLACK FLAG}  Marker", "M", window.add_marker,
                                tip="Put a marker in the recording (M)")
    window.act_full = _action(window, "Full screen", "F",
                              window.toggle_fullscreen, checkable=True,
                              tip="Full screen (F)")
    window.act_classroom = _action(window, "Classroom mode", None, window.toggle_classroom,
                                   checkable=True,
                                   tip="Stimulus on the projector; on one screen, large text")
    window.act_large_text = _action(window, "Large text", "T", window.toggle_large_text,
                                    checkable=True,
                                    tip="Projector-sized text everywhere, readable from the "
                                        "back of a room (T)")
    window.act_conditions = {}
    for key, cond in KEY_CONDITIONS.items():
        a = _action(window, f"{cond.capitalize()} ({key})", key,
                    lambda _=False, c=cond: window.show_condition(c),
                    tip=f"Show a {cond} face (free run)")
        window.act_conditions[cond] = a
    bar = QToolBar("Session")
    bar.setMovable(False)
    bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    for a in (window.act_start, window.act_stop, window.act_marker, window.act_full,
              window.act_classroom, window.act_large_text):
        bar.addAction(a)
    bar.addSeparator()
    for cond, a in window.act_conditions.items():
        bar.addAction(a)
        btn = bar.widgetForAction(a)
        btn.setStyleSheet(f"color: {theme.condition_colour(cond)}; font-weight: 700;")
    window.addToolBar(bar)
    window.toolbar = bar
    from .class_board import attach_board  # noqa: PLC0415 (they use _action from here)
    from .projector_view import attach_projector_choice  # noqa: PLC0415

    attach_board(window)
    attach_projector_choice(window)


def build_status_bar(window) -> None:
    """The status bar's permanent labels: source, frames, dropped frames, frame rate."""
    sb = window.statusBar()
    window.lbl_frames = QLabel("")
    window.lbl_dropped = QLabel("")
    window.lbl_fps = QLabel("")
    window.lbl_source = QLabel("")
    for lab in (window.lbl_source, window.lbl_frames, window.lbl_dropped, window.lbl_fps):
        sb.addPermanentWidget(lab)


def update_actions(window) -> None:
    """Enable, name and show the actions for the window's state; the title says who and what."""
    s = window.state
    in_session = s in ("starting", "running", "paused")
    window.act_start.setText("\N{BLACK RIGHT-POINTING TRIANGLE}  Continue" if s == "paused" else
                             "\N{HEAVY VERTICAL BAR}\N{HEAVY VERTICAL BAR}  Pause" if s == "running"
                             else "\N{BLACK RIGHT-POINTING TRIANGLE}  Next person" if s == "results"
                             else "\N{BLACK RIGHT-POINTING TRIANGLE}  Start")
    window.act_start.setEnabled(s in ("setup", "running", "paused", "results"))
    window.act_stop.setEnabled(in_session)
    window.act_marker.setEnabled(s == "running")
    free = (window.plan is not None and window.plan.free_run and window.plan.demo_mode is None
            and in_session)
    for a in window.act_conditions.values():
        a.setVisible(bool(free))
        a.setEnabled(s == "running")
    title = "Mimicry"
    if window.plan is not None and in_session:
        title += f" \N{EM DASH} {window.plan.request.participant} ({window.plan.protocol_label})"
        if window.plan.request.source == "demo":
            title += " \N{EM DASH} DEMO"
    window.setWindowTitle(title)

"""Start the desktop app (``mimicry app``; plain ``mimicry`` does the same).

Order matters on Linux: the ``QApplication`` is created before anything
imports cv2 (mediapipe does), and OpenCV's Qt variables are removed from the
environment first (see :mod:`mimicry_app.qt_env`). Only then are the window
and the core's heavy modules imported.
"""

from __future__ import annotations

import argparse
import os
import sys


def _qt_argv() -> list[str]:
    return sys.argv[:1] or ["mimicry"]


def make_application():
    """The ``QApplication`` (created once), after cleaning OpenCV's Qt variables."""
    from .qt_env import remove_opencv_qt_paths

    remove_opencv_qt_paths()
    from PyQt6.QtWidgets import QApplication  # noqa: PLC0415

    app = QApplication.instance()
    if app is None:
        app = QApplication(_qt_argv())
    app.setApplicationName("Mimicry")
    app.setOrganizationName("mimicry")
    return app


def options_from_args(args: argparse.Namespace):
    """Remembered settings, overridden by the command line."""
    from dataclasses import replace  # noqa: PLC0415

    from .main_window import AppOptions  # noqa: PLC0415
    from mimicry.runtime.settings import load_settings  # noqa: PLC0415

    settings, problem = load_settings()
    changes = {}
    if getattr(args, "source", None):
        changes["source"] = str(args.source)
    if getattr(args, "protocol", None):
        changes["protocol"] = args.protocol
    if getattr(args, "participant", None):
        changes["participant"] = args.participant
    if getattr(args, "class_name", None):
        changes["class_name"] = args.class_name.strip()
    if getattr(args, "out", None):
        changes["out_dir"] = str(args.out)
    if getattr(args, "classroom", False):
        changes["classroom"] = True
    return AppOptions(settings=replace(settings, **changes),
                      explicit_source=bool(getattr(args, "source", None)),
                      fullscreen=bool(getattr(args, "fullscreen", False)),
                      paced=not getattr(args, "fast", False),
                      model=getattr(args, "model", None),
                      seed=getattr(args, "seed", None),
                      autostart=bool(getattr(args, "autostart", False)),
                      settings_problem=problem)


def display_problem(environ=None) -> str | None:
    """Why no window can open here (Linux without a display), or None.

    Qt would abort the process with its own message; one plain line is kinder.
    """
    env = os.environ if environ is None else environ
    if not sys.platform.startswith("linux"):
        return None
    if env.get("DISPLAY") or env.get("WAYLAND_DISPLAY") or env.get("QT_QPA_PLATFORM"):
        return None
    return ("no display found (DISPLAY and WAYLAND_DISPLAY are unset): the app needs a desktop "
            "session; the command-line tools (mimicry record, process, analyze) work without one")


def main(args: argparse.Namespace) -> int:
    """Run the app until its window closes; returns the exit code."""
    problem = display_problem()
    if problem is None:
        # Qt would abort (SIGABRT) naming the wrong library: name the missing ones first.
        from mimicry.runtime.diagnostics import window_libraries_problem  # noqa: PLC0415

        problem = window_libraries_problem()
    if problem:
        print(f"mimicry app: error: {problem}", file=sys.stderr)
        return 2
    app = make_application()
    # Heavy imports only now: cv2 rewrites Qt variables when imported, which
    # no longer matters once the QApplication exists; clean them again for
    # child processes.
    import cv2  # noqa: F401, PLC0415
    from mimicry.tracking.mediapipe_api import mediapipe_vision  # noqa: PLC0415

    mediapipe_vision()

    from .qt_env import remove_opencv_qt_paths  # noqa: PLC0415

    remove_opencv_qt_paths()
    from PyQt6.QtCore import QTimer  # noqa: PLC0415

    from .main_window import MainWindow  # noqa: PLC0415
    from .theme import apply_theme  # noqa: PLC0415

    apply_theme(app)
    window = MainWindow(options_from_args(args))
    if window.options.fullscreen:
        window.showFullScreen()
    else:
        window.show()
    if window.options.settings.classroom:
        window.act_classroom.setChecked(True)
        window.toggle_classroom(True)
    if window.options.autostart:
        QTimer.singleShot(0, window.setup.request_start)
    if getattr(args, "board", None):
        window.board.show_folder(os.path.expanduser(args.board), window.setup.board_names)
        window.stack.setCurrentWidget(window.board)

    screenshot = getattr(args, "screenshot", None)
    quit_after_s = getattr(args, "quit_after", None)
    if screenshot or quit_after_s is not None:
        def finish() -> None:
            if screenshot:
                window.grab().save(os.fspath(screenshot))
            window.close()
            app.quit()

        QTimer.singleShot(int(1000 * (quit_after_s if quit_after_s is not None else 3.0)), finish)
    stop_on_signals(window, app)
    rc = app.exec()
    window.shutdown()
    return int(rc)


def stop_on_signals(window, app) -> None:
    """SIGTERM and Ctrl-C close the window as its close button does, so a session ends "stopped".

    Python runs signal handlers only between bytecodes, never while Qt's event
    loop waits in C++: a quarter-second timer hands it control.
    """
    import signal  # noqa: PLC0415

    from PyQt6.QtCore import QTimer  # noqa: PLC0415

    def close(signum, frame) -> None:  # noqa: ARG001 - signal handler signature
        QTimer.singleShot(0, window.close)
        QTimer.singleShot(0, app.quit)

    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, close)
    tick = QTimer(app)
    tick.timeout.connect(lambda: None)
    tick.start(250)

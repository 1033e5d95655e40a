"""Fixtures for the app tests: offscreen Qt with two screens, leak checks, sessions.

Every test here runs the real app offscreen (``QT_QPA_PLATFORM=offscreen``)
on a fake desktop with two screens (a laptop and a projector), with real
MediaPipe tracking. A test fails if it leaves a QThread running, a QTimer
active or a Python thread alive.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
SCREENS_FILE = HERE / "two_screens.json"

# Must be set before pytest-qt creates the QApplication.
if os.environ.get("QT_QPA_PLATFORM", "offscreen") == "offscreen":
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={SCREENS_FILE}"



@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path, monkeypatch):
    """Each test reads and writes its own settings file, never the user's."""
    monkeypatch.setenv("MIMICRY_CONFIG_DIR", str(tmp_path / "config"))


@pytest.fixture(autouse=True)
def no_leaks(monkeypatch):
    """Fail a test that leaves a QThread running, a QTimer active or a thread alive."""
    from PyQt6.QtCore import QThread, QTimer

    started_threads, started_timers = [], []
    thread_start, timer_start = QThread.start, QTimer.start

    def record_thread(self, *args):
        started_threads.append(self)
        return thread_start(self, *args)

    def record_timer(self, *args):
        started_timers.append(self)
        return timer_start(self, *args)

    monkeypatch.setattr(QThread, "start", record_thread)
    monkeypatch.setattr(QTimer, "start", record_timer)
    before = set(threading.enumerate())
    yield
    from PyQt6 import sip
    from PyQt6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is not None:
        app.processEvents()
    running = [t.objectName() or type(t).__name__ for t in started_threads
               if not sip.isdeleted(t) and t.isRunning()]
    active = [t.objectName() or repr(t) for t in started_timers
              if not sip.isdeleted(t) and t.isActive()]
    alive = []
    for t in set(threading.enumerate()) - before:
        if isinstance(t, threading._DummyThread):
            continue  # a QThread seen from Python: checked above
        t.join(timeout=2.0)  # threads being torn down get a moment
        if t.is_alive():
            alive.append(t.name)
    assert not running, f"QThreads still running after the test: {running}"
    assert not active, f"QTimers still active after the test: {active}"
    assert not alive, f"Python threads still alive after the test: {alive}"


#: Two faces of each condition, a fresh order each session: a smile estimate with an interval.
CLASS_PROTOCOL = """
schema_version = 1
name = "class"
description = "Test protocol: two faces of each condition, about 9 s."

[calibration]
duration_s = 1.0

[trials]
per_condition = 2
stimulus_s = 1.0
morph_s = 0.3
iti_s = 0.6
iti_jitter_s = 0.0
"""


@pytest.fixture(scope="session")
def class_protocol(tmp_path_factory) -> Path:
    p = tmp_path_factory.mktemp("protocols") / "class.toml"
    p.write_text(CLASS_PROTOCOL, encoding="utf-8")
    return p


@pytest.fixture(scope="session")
def participant_video(request, tmp_path_factory) -> Path:
    """A rendered participant watching the quick protocol (mimics after 0.6 s).

    Cached between runs in pytest's cache folder (the video is a pure function
    of its parameters); rendered afresh on a clean checkout.
    """
    from mimicry.protocol.load import load_protocol
    from mimicry.simulate.rendered import simulate_participant

    params = {"delay_s": 0.6, "gain": 1.0, "seed": 1, "size_px": 320, "fps": 25.0}
    cache_plugin = getattr(request.config, "cache", None)  # absent with -p no:cacheprovider
    cache = (Path(cache_plugin.mkdir("mimicry_app_participant")) if cache_plugin is not None
             else tmp_path_factory.mktemp("participant"))
    from mimicry.protocol.schedule import build_schedule

    stamp = cache / "params.json"
    video = cache / "participant.mp4"
    # The schedule is part of the key: a change to the order sampler renews the video.
    key = {**params, "events": [repr(e) for e in
                                build_schedule(load_protocol("quick"), params["seed"]).events()]}
    if video.is_file() and stamp.is_file() and json.loads(stamp.read_text()) == key:
        return video
    simulate_participant(load_protocol("quick"), cache, jobs=2, **params)
    stamp.write_text(json.dumps(key))
    return video


@pytest.fixture
def make_window(qtbot):
    """Build main windows; each is shut down (threads waited for) at the end of the test."""
    from mimicry_app.main_window import AppOptions, MainWindow
    from mimicry_app.theme import apply_theme

    windows = []

    def make(**options):
        from PyQt6.QtWidgets import QApplication

        apply_theme(QApplication.instance())
        w = MainWindow(AppOptions(**options))
        windows.append(w)
        w.show()
        # The camera probe runs at start: let it finish so the setup page is settled.
        qtbot.waitUntil(lambda: w.setup.cameras is not None, timeout=15000)
        return w

    yield make
    for w in windows:
        w.shutdown()
        w.close()
        w.deleteLater()
    qtbot.wait(1)
    from PyQt6.QtWidgets import QApplication

    from mimicry_app.theme import set_text_scale

    set_text_scale(QApplication.instance(), 1.0)  # large text is app-wide: not into the next test


@pytest.fixture
def results_page(qtbot):
    """A results screen on its own (shut down at the end)."""
    from mimicry_app.results import ResultsPage

    page = ResultsPage()
    qtbot.addWidget(page)
    page.show()
    yield page
    page.shutdown()


def _read_csv(path: Path) -> list[dict]:
    import csv

    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture
def read_csv():
    """Read a CSV file into a list of dicts."""
    return _read_csv


def _wait_started(qtbot, window, timeout: int = 20000):
    """The started session's SessionInfo, once the window has it.

    The worker emits session_started as soon as the source opens, which can be
    before a test reaches a ``waitSignal``; the window keeps what it was told.
    """
    qtbot.waitUntil(lambda: window.session_info is not None, timeout=timeout)
    return window.session_info


@pytest.fixture
def wait_started(qtbot):
    """Wait for a window's session to start; returns its SessionInfo."""
    return lambda window, timeout=20000: _wait_started(qtbot, window, timeout)

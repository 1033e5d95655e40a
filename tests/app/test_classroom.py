"""Classroom mode: the projector window, and the free run with H / S / N keys."""

from __future__ import annotations

from PyQt6.QtCore import Qt

from mimicry.runtime.settings import FREE_RUN


def test_free_run_in_classroom_mode(make_window, qtbot, wait_started, tiny_protocol, tmp_path,
                                    monkeypatch, read_csv):
    # Short timing for the test: the free run borrows the tiny protocol's morph and hold.
    monkeypatch.setattr("mimicry.runtime.freerun.TEMPLATE_PROTOCOL", str(tiny_protocol))
    monkeypatch.setattr("mimicry.runtime.freerun.FREE_RUN_CALIBRATION_S", 1.0)
    monkeypatch.setattr("mimicry.runtime.freerun.MIN_GAP_S", 1.2)
    w = make_window()
    w.setup.participant.setText("class")
    w.setup.set_protocol(FREE_RUN)
    w.setup.choose_demo()
    w.setup.out_dir.setText(str(tmp_path))
    w.setup.classroom.setChecked(True)
    w.setup.request_start()

    # Two screens (tests/app/two_screens.json): the faces go full screen on the projector.
    proj = w.classroom.projector
    assert proj is not None
    assert proj.screen().name() == "projector" and proj.isFullScreen()
    assert w.live.hints.isVisible() and "H happy" in w.live.hints.text()
    qtbot.waitUntil(lambda: proj.view.frame is not None, timeout=20000)
    assert w.act_conditions["happy"].isVisible()

    wait_started(w)

    def onset(condition):
        return lambda ev: ev.event == "stimulus_onset" and ev.condition == condition

    with qtbot.waitSignal(w.bridge.event_logged, timeout=20000, check_params_cb=onset("happy")):
        qtbot.keyClick(w, Qt.Key.Key_H)
    # A key while the face is still changing is refused (each trial starts from neutral).
    qtbot.keyClick(w, Qt.Key.Key_S)
    assert len(w.plan.freerun.trials) == 1
    qtbot.waitUntil(lambda: not w.plan.freerun.pending(w.clock.now()), timeout=20000)
    with qtbot.waitSignal(w.bridge.event_logged, timeout=20000, check_params_cb=onset("sad")):
        qtbot.keyClick(w, Qt.Key.Key_S)
    qtbot.waitUntil(lambda: w.live.stimulus.frame is not None
                    and w.live.stimulus.frame.kind == "trial", timeout=10000)
    assert proj.view.frame is w.live.stimulus.frame  # the same frame on both screens
    with qtbot.waitSignal(w.bridge.session_finished, timeout=30000):
        qtbot.keyClick(w, Qt.Key.Key_Escape)

    folder = w.last_outcome.folder
    events = read_csv(folder / "events.csv")
    onsets = [(e["trial"], e["condition"]) for e in events if e["event"] == "stimulus_onset"]
    assert onsets == [("1", "happy"), ("2", "sad")]
    assert events[0]["event"] == "session_start" and "protocol=free-run" in events[0]["detail"]
    frames = read_csv(folder / "frames.csv")
    assert {"happy", "sad"} <= {r["condition"] for r in frames}, "frames.csv is annotated"
    assert w.results.summary.text()

    # Turning classroom mode off closes the projector window.
    w.act_classroom.trigger()
    assert w.classroom.projector is None and not w.classroom.enabled


def test_classroom_mode_with_one_screen(make_window, qtbot, monkeypatch):
    w = make_window()
    monkeypatch.setattr("mimicry_app.classroom.available_screens", lambda: [w.screen()])
    w.act_classroom.trigger()
    assert w.classroom.enabled and w.classroom.projector is None
    assert "no second screen" in w.statusBar().currentMessage()
    w.act_classroom.trigger()
    assert not w.classroom.enabled

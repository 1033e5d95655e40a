"""A live session with the demo participant: labels, keys, pause, marker, meter, stop."""

from __future__ import annotations

import json
import time

from PyQt6.QtCore import Qt, QTimer


def _start_demo(w, qtbot, protocol, out):
    w.setup.participant.setText("demo kid")
    w.setup.set_protocol(str(protocol))
    w.setup.choose_demo()
    w.setup.out_dir.setText(str(out))
    qtbot.keyClick(w.setup.start, Qt.Key.Key_Space)  # Space starts from the setup page
    assert w.stack.currentWidget() is w.live


def test_demo_session_keys_pause_marker_stop(make_window, qtbot, wait_started, tiny_protocol,
                                             tmp_path, read_csv):
    w = make_window()
    _start_demo(w, qtbot, tiny_protocol, tmp_path)
    assert wait_started(w).demo
    # Clearly labelled: in the camera view, the status bar and the title.
    assert w.live.camera.demo
    assert w.lbl_source.text() == "DEMO participant \N{EM DASH} not a real camera"
    assert "DEMO" in w.windowTitle()
    qtbot.waitUntil(lambda: w.live.camera.face_found, timeout=20000)

    # The UI thread stays free while capture and tracking run: a 5 ms heartbeat
    # keeps beating (a loose bound here; benchmarks/live_pipeline.py measures it).
    beats = []
    heart = QTimer()
    heart.setInterval(5)
    heart.timeout.connect(lambda: beats.append(time.monotonic()))
    heart.start()
    # The meter updates after each trial.
    with qtbot.waitSignal(w.bridge.trial_done, timeout=20000) as done:
        pass
    heart.stop()
    reading = done.args[0]
    assert reading.n_trials >= 1
    assert "faces done" in w.live.meter.trials.text()
    assert w.live.meter.chance.text()  # index needs 2 happy + 2 sad: says so in words
    gaps = [b - a for a, b in zip(beats, beats[1:])]
    assert gaps and max(gaps) < 0.5, f"UI event loop stalled for {max(gaps):.3f} s"

    # M adds a marker; Space pauses and resumes; Esc stops.
    qtbot.keyClick(w, Qt.Key.Key_M)
    qtbot.keyClick(w, Qt.Key.Key_Space)
    assert w.state == "paused" and w.live.stimulus.paused
    assert "Continue" in w.act_start.text()
    frames_at_pause = w.bridge.n_frames
    qtbot.wait(400)
    assert w.bridge.n_frames <= frames_at_pause + 1  # nothing is tracked while paused
    qtbot.keyClick(w, Qt.Key.Key_Space)
    assert w.state == "running"
    qtbot.waitUntil(lambda: w.bridge.n_frames > frames_at_pause + 5, timeout=10000)
    with qtbot.waitSignal(w.bridge.session_finished, timeout=30000):
        qtbot.keyClick(w, Qt.Key.Key_Escape)
    assert w.stack.currentWidget() is w.results
    assert w.results.status.isVisible()  # "stopped before the end"

    folder = w.last_outcome.folder
    meta = json.loads((folder / "session.json").read_text())
    assert meta["status"] == "stopped"
    assert meta["source"]["kind"] == "demo"
    assert folder.name.endswith("_demo_kid")
    events = read_csv(folder / "events.csv")
    labels = [e["detail"] for e in events if e["event"] == "marker"]
    assert any("label=operator 1" in d for d in labels)
    assert any("label=paused" in d for d in labels)
    times = [float(e["t"]) for e in read_csv(folder / "frames.csv")]
    assert all(b > a for a, b in zip(times, times[1:])), "the session clock skips the pause"
    assert max(b - a for a, b in zip(times, times[1:])) < 0.5


def test_recording_off_saves_nothing(make_window, qtbot, tiny_protocol, tmp_path):
    w = make_window()
    w.setup.record.setChecked(False)
    _start_demo(w, qtbot, tiny_protocol, tmp_path / "sessions")
    with qtbot.waitSignal(w.bridge.trial_done, timeout=30000):
        pass
    with qtbot.waitSignal(w.session_done, timeout=30000) as done:
        w.stop_session()
    assert done.args[0].folder is None
    assert not (tmp_path / "sessions").exists()
    assert "Not saved" in w.results.saved.text()
    assert not w.results.open_button.isEnabled()
    assert "live estimate" in w.results.summary.text()


#: Faces far apart, so a pause between two of them interrupts neither.
SPACED_PROTOCOL = """
schema_version = 1
name = "spaced"
description = "Test protocol: one face of each condition, 3.5 s apart."
seed = 5

[calibration]
duration_s = 1.5

[trials]
per_condition = 1
stimulus_s = 1.5
morph_s = 0.3
iti_s = 3.5
iti_jitter_s = 0.0

[display]
background = "#707070"
"""


def test_pausing_keeps_the_demo_participant_in_step(make_window, qtbot, tmp_path, read_csv):
    """Pauses between faces: the demo still answers each face after its delay, never before."""
    protocol = tmp_path / "spaced.toml"
    protocol.write_text(SPACED_PROTOCOL, encoding="utf-8")
    w = make_window()
    _start_demo(w, qtbot, protocol, tmp_path / "out")
    for _ in range(2):  # pause after each of the first two faces, 3 s each time
        with qtbot.waitSignal(w.bridge.trial_done, timeout=60000):
            pass
        qtbot.keyClick(w, Qt.Key.Key_Space)
        assert w.state == "paused"
        qtbot.wait(3000)
        qtbot.keyClick(w, Qt.Key.Key_Space)
        assert w.state == "running"
    with qtbot.waitSignal(w.bridge.session_finished, timeout=90000):
        pass
    folder = w.last_outcome.folder
    events = read_csv(folder / "events.csv")
    pauses = [e for e in events if "label=paused" in e["detail"]]
    assert len(pauses) == 2 and all(float(e["detail"].split("paused_s=")[1].split(";")[0]) > 2.5
                                    for e in pauses)
    trials = read_csv(folder / "trials.csv")
    assert len(trials) == 3 and all(r["valid"] == "1" for r in trials), trials
    by_condition = {r["condition"]: r for r in trials}
    # The demo mimics 0.6 s after each face begins: never before it (a demo whose
    # own clock ran on through the pause answered the next face seconds early).
    for cond, channel in (("happy", "smile"), ("sad", "brow_raise_inner")):
        latency = float(by_condition[cond][f"{channel}_latency_s"] or "nan")
        assert 0.3 < latency < 2.0, (cond, latency)
        assert float(by_condition[cond][f"{channel}_mean"]) > 0.05

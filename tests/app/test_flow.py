"""The whole flow with a video participant: setup → calibration → run → results → files."""

from __future__ import annotations

import html
import json

import pytest
from PyQt6.QtCore import Qt

pytestmark = pytest.mark.slow


def test_full_session_with_video(make_window, qtbot, participant_video, tmp_path, monkeypatch,
                                 read_csv):
    out = tmp_path / "sessions"
    w = make_window(paced=False, seed=1)  # the order the participant video was rendered with
    page = w.setup
    page.participant.setText("p01")
    page.set_protocol("quick")
    page.set_source(str(participant_video))
    page.out_dir.setText(str(out))
    assert page.record.isChecked(), "recording is on by default"

    qtbot.mouseClick(page.start, Qt.MouseButton.LeftButton)
    assert w.stack.currentWidget() is w.live
    # Calibration first: the stimulus shows the countdown screen.
    qtbot.waitUntil(lambda: w.live.stimulus.frame is not None, timeout=20000)
    assert w.live.stimulus.frame.kind == "calibration"
    assert w.live.stimulus.frame.calibration_left_s > 0
    # Then the run: the camera view shows tracked frames and the meter updates per trial.
    qtbot.waitUntil(lambda: w.live.camera.face_found, timeout=20000)
    assert "DEMO" not in w.lbl_source.text()
    with qtbot.waitSignal(w.bridge.session_finished, timeout=240000):  # a loaded machine is slow
        pass
    assert w.stack.currentWidget() is w.results

    # Results: the plain-language summary, response curves per condition, the saved path.
    summary_shown = w.results.summary.text()
    plotted = [item for p in w.results.curves.plots.values() for item in p.listDataItems()]
    assert len(plotted) == 6  # happy, sad, neutral x smile, sad brow
    assert w.results.curves_panel.isVisible()
    outcome = w.last_outcome
    assert outcome.status == "complete"
    folder = outcome.folder
    assert folder.parent == out and folder.name.endswith("_p01")
    assert str(folder) in w.results.saved.text()

    # The files on disk: numbers only.
    names = {p.name for p in folder.iterdir()}
    assert {"frames.csv", "events.csv", "session.json", "trials.csv", "summary.json"} <= names
    assert not names & {"video.mp4", "landmarks.csv"}
    meta = json.loads((folder / "session.json").read_text())
    assert meta["status"] == "complete" and meta["protocol"] == "quick"
    assert meta["saved"] == {"video": False, "landmarks": False}
    assert meta["calibration_baseline"]["n_frames"] > 50
    events = read_csv(folder / "events.csv")
    onsets = [e for e in events if e["event"] == "stimulus_onset"]
    assert len(onsets) == 9
    displayed = [e for e in events if "stimulus_displayed" in e["detail"]]
    assert displayed, "the app notes when each face really appeared"
    trials = read_csv(folder / "trials.csv")
    assert len(trials) == 9
    frames = read_csv(folder / "frames.csv")
    assert {r["condition"] for r in frames} >= {"happy", "sad", "neutral"}
    summary_json = json.loads((folder / "summary.json").read_text())
    assert summary_json["n_trials"] == 9
    # The window shows the analysis's own plain-language summary, line by line.
    lines = [ln.strip() for ln in summary_json["summary_text"].splitlines() if ln.strip()]
    assert lines and all(html.escape(ln) in summary_shown for ln in lines)
    # The virtual participant mimics with gain 1: the meter saw it too.
    assert w.live.meter.reading is not None and w.live.meter.reading.n_trials == 9
    assert w.live.meter.reading.index > 0

    # The open-folder button opens the session folder.
    opened = []
    monkeypatch.setattr("mimicry_app.results.QDesktopServices.openUrl",
                        lambda url: opened.append(url.toLocalFile()))
    qtbot.mouseClick(w.results.open_button, Qt.MouseButton.LeftButton)
    assert opened == [str(folder)]

    # The optional empathy question goes into session.json; the report opens with it.
    qtbot.mouseClick(w.results.rating_buttons[2], Qt.MouseButton.LeftButton)
    meta = json.loads((folder / "session.json").read_text())
    assert meta["questionnaires"]["sites"]["score"] == 3
    with qtbot.waitSignal(w.results.report_ready, timeout=60000) as report:
        qtbot.mouseClick(w.results.report_button, Qt.MouseButton.LeftButton)
    assert report.args == [str(folder / "report.html"), ""]
    assert opened[-1] == str(folder / "report.html")
    assert "3 of 5" in (folder / "report.html").read_text(encoding="utf-8")

    # Settings remembered for next time.
    from mimicry.runtime.settings import load_settings

    settings, problem = load_settings()
    assert problem is None
    assert settings.participant == "p01" and settings.protocol == "quick"
    assert settings.out_dir == str(out) and settings.source == str(participant_video)
    # New session goes back to the setup page with the same choices.
    qtbot.mouseClick(w.results.new_button, Qt.MouseButton.LeftButton)
    assert w.stack.currentWidget() is w.setup
    assert w.setup.participant.text() == "p01"

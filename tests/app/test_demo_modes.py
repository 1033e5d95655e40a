"""The classroom demos in the app: two people, contagious yawns, try not to smile.

Each runs a rendered video (a known virtual participant, or a known pair) through
the real app and real MediaPipe tracking, and checks the live panel, the
results and the files.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from PyQt6.QtCore import Qt

pytestmark = pytest.mark.slow

TINY_YAWN = """
schema_version = 1
name = "yawn-tiny"
description = "Test: one yawning face, one mouth movement."
seed = 2

[calibration]
duration_s = 2.0

[trials]
per_condition = 1
conditions = ["yawn", "talk"]
stimulus_s = 3.0
morph_s = 1.0
iti_s = 2.0
iti_jitter_s = 0.0
"""

TINY_NO_SMILE = """
schema_version = 1
name = "no_smile"
description = "Test: three smiling faces."
seed = 2

[calibration]
duration_s = 2.0

[trials]
per_condition = 3
conditions = ["happy"]
stimulus_s = 2.0
morph_s = 0.5
iti_s = 1.0
iti_jitter_s = 0.0
"""


@pytest.fixture(autouse=True)
def _own_leaderboard(tmp_path, monkeypatch):
    monkeypatch.setenv("MIMICRY_DATA_DIR", str(tmp_path / "data"))


@pytest.fixture(scope="session")
def dyad_video(tmp_path_factory):
    """Two faces, the left leading by 0.5 s; 60 s at 10 fps (a minute: a leader is reported)."""
    from mimicry.simulate.rendered import simulate_dyad

    out = tmp_path_factory.mktemp("dyad_video")
    simulate_dyad(out, leader="left", delay_s=0.5, duration_s=60.0, fps=10.0, size_px=200,
                  seed=1, jobs=2)
    return out / "participant.mp4"


def _protocol_video(tmp_path_factory, name, text, gain):
    from mimicry.protocol.load import load_protocol
    from mimicry.simulate.rendered import simulate_participant

    folder = tmp_path_factory.mktemp(name)
    proto = folder / f"{name}.toml"
    proto.write_text(text, encoding="utf-8")
    simulate_participant(load_protocol(str(proto)), folder / "sim", delay_s=0.6, gain=gain,
                         fps=15.0, size_px=240, jobs=2)
    return proto, folder / "sim" / "participant.mp4"


@pytest.fixture(scope="session")
def yawn_video(tmp_path_factory):
    return _protocol_video(tmp_path_factory, "yawn_tiny", TINY_YAWN, 1.0)


@pytest.fixture(scope="session")
def no_smile_video(tmp_path_factory):
    # Full mimicry: this viewer cannot keep a straight face.
    return _protocol_video(tmp_path_factory, "no_smile", TINY_NO_SMILE, 1.0)


def _run(w, qtbot, protocol, video, out):
    page = w.setup
    page.participant.setText("class")
    page.set_protocol(protocol)
    page.set_source(str(video))
    page.out_dir.setText(str(out))
    page.request_start()
    assert w.stack.currentWidget() is w.live


def test_two_people_mode(make_window, qtbot, dyad_video, tmp_path, read_csv):
    from mimicry.runtime.settings import DYAD

    w = make_window(paced=False)
    assert w.setup.protocol.findData(DYAD) >= 0  # on the setup page
    _run(w, qtbot, DYAD, dyad_video, tmp_path / "s")
    panel = w.live.demo
    assert panel.isVisible() and not w.live.meter.isVisible()
    assert not w.live.stimulus.isVisible()  # two people watch each other, not faces
    assert not w.act_conditions["happy"].isVisible()
    # The live reading shows how alike the faces are; who leads is named at the end.
    qtbot.waitUntil(lambda: "How alike the two faces are right now" in panel.detail.text(),
                    timeout=60000)
    assert "leads" not in panel.big.text()
    # The session may end before this line runs: wait on its outcome, not the signal.
    qtbot.waitUntil(lambda: w.last_outcome is not None, timeout=120000)
    outcome = w.last_outcome
    assert "The left person led" in w.results.summary.text()
    assert not w.results.curves_panel.isVisible()  # no faces were shown: no empty plots
    # A picture instead: the two faces' correlation over lags; no self-rating question.
    from mimicry_app.result_pictures import DyadResultPlot

    assert isinstance(w.results.picture, DyadResultPlot) and w.results.picture_box.isVisible()
    assert not w.results.rating_row.isVisible()
    folder = outcome.folder
    meta = json.loads((folder / "session.json").read_text())
    assert meta["protocol"] == DYAD and meta["faces"] == 2
    rows = read_csv(folder / "frames.csv")
    assert {r["face_id"] for r in rows} == {"0", "1"}
    s = json.loads((folder / "summary.json").read_text())
    assert s["leader"] == "left" and abs(s["dyad_lag_s"] - 0.5) <= 0.1


def test_two_people_with_the_demo_pair(make_window, qtbot, wait_started, tmp_path):
    from mimicry.runtime.settings import DYAD

    w = make_window()
    w.setup.set_protocol(DYAD)
    w.setup.choose_demo()
    w.setup.out_dir.setText(str(tmp_path))
    w.setup.record.setChecked(False)
    w.setup.request_start()
    assert wait_started(w).demo and w.live.camera.demo
    # Both faces are tracked: the live lead-lag reading (both faces' valence, worked
    # out on the worker thread) reaches the panel once its test has half a minute of data.
    qtbot.waitUntil(lambda: w.live.demo.last_reading is not None
                    and np.isfinite(w.live.demo.last_reading.r), timeout=90000)
    # Esc ends the two-person mode, as the docs say: the normal end, no warning.
    qtbot.keyClick(w, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: w.state == "results", timeout=30000)
    assert w.last_outcome.status == "complete"
    assert not w.results.status.isVisible(), w.results.status.text()


def test_yawn_mode(make_window, qtbot, yawn_video, tmp_path):
    proto, video = yawn_video
    w = make_window(paced=False)
    assert w.setup.protocol.findData("yawn") >= 0
    _run(w, qtbot, str(proto), video, tmp_path / "s")
    panel = w.live.demo
    assert panel.title.text() == "Contagious yawns"
    qtbot.waitUntil(lambda: panel.big.text() == "1 yawn", timeout=60000)
    # The live plot shows the viewer's jaw opening, not the smile and sad channels.
    plots = w.live.plots
    assert plots.mode == "yawn" and not plots.brow.isVisible()
    jaw = plots.smile.getData()[1]
    assert jaw is not None and np.nanmax(jaw) > 0.4
    # The session may end before this line runs: wait on its outcome, not the signal.
    qtbot.waitUntil(lambda: w.last_outcome is not None, timeout=60000)
    assert panel.detail.text() == "After yawning faces: 1 of 1. After mouth movements: 0 of 1."
    assert "after 1 of 1 yawning faces and after 0 of 1" in w.results.summary.text()
    folder = w.last_outcome.folder
    assert (folder / "yawns.csv").is_file()
    s = json.loads((folder / "summary.json").read_text())
    assert s["analysis"] == "yawn" and s["yawn"]["yawns_after_yawn"] == 1
    # The result is a picture too: the share of faces followed by a yawn, per kind.
    from mimicry_app.result_pictures import YawnResultPlot

    assert isinstance(w.results.picture, YawnResultPlot) and w.results.picture_box.isVisible()
    assert not w.results.verdict.isVisible()  # the happy/sad card is not this activity's


def test_no_smile_mode(make_window, qtbot, no_smile_video, tmp_path):
    from mimicry.activities.no_smile import leaderboard as leaderboard

    proto, video = no_smile_video
    w = make_window(paced=False)
    assert w.setup.protocol.findData("no_smile") >= 0
    _run(w, qtbot, str(proto), video, tmp_path / "s")
    panel = w.live.demo
    assert panel.bar.isVisible() and panel.title.text() == "Try not to smile"
    qtbot.waitUntil(lambda: panel.big.text().startswith("Smiled after"), timeout=60000)
    assert panel.bar.cracked
    # The session may end before this line runs: wait on its outcome, not the signal.
    qtbot.waitUntil(lambda: w.last_outcome is not None, timeout=60000)
    text = w.results.summary.text()
    assert "You smiled after" in text and "Class leaderboard" in text
    s = json.loads((w.last_outcome.folder / "summary.json").read_text())
    g = s["no_smile"]
    assert g["cracked"] and g["faces_survived"] == 0
    assert 0.5 < g["survived_s"] < 2.0  # mimicry 0.6 s after the face began to smile
    # The class board lives beside the sessions it was played in.
    board = leaderboard.read_leaderboard(leaderboard.board_path_for(w.last_outcome.folder))
    assert [e.name for e in board] == ["class"]


@pytest.fixture(scope="session")
def volunteer_video(tmp_path_factory):
    """A volunteer following the capture prompts (the rendered face, 0.3 s behind them)."""
    from mimicry.simulate.expression import mimic_expression
    from mimicry.activities.capture.capture import capture_duration_s, capture_timeline, prompt_trials
    from mimicry.stimulus.face import FaceAnimator
    from mimicry.io.video import write_video

    timeline = capture_timeline()
    trials = prompt_trials(timeline)
    anim = FaceAnimator("drew", 240, seed=2)
    fps = 15.0

    def frame_at(i):
        return anim.frame(i / fps, mimic_expression(trials, i / fps, 0.3, 1.0))

    out = tmp_path_factory.mktemp("volunteer") / "volunteer.mp4"
    return write_video(out, frame_at, int((capture_duration_s(timeline) + 1) * fps), fps,
                       (240, 240))


def test_teacher_as_stimulus_capture(make_window, qtbot, volunteer_video, tmp_path):
    from mimicry.protocol.load import load_protocol
    from mimicry.protocol.stimulus_set import load_stimulus_set
    from mimicry.runtime.settings import CAPTURE

    w = make_window(paced=False)
    page = w.setup
    page.set_protocol(CAPTURE)
    # Before anything is recorded, the page says that photos will be saved.
    assert "SAVES THESE 3 PHOTOS" in page.protocol_info.text()
    # ... and the record box below it does not say the opposite.
    assert "no images" not in page.record.text() and "photos" in page.record.text()
    page.participant.setText("Mr Drew")
    page.set_source(str(volunteer_video))
    page.out_dir.setText(str(tmp_path / "s"))
    page.request_start()
    panel = w.live.demo
    assert "will be SAVED (you asked for it)" in panel.note.text()
    assert not w.live.stimulus.isVisible()
    qtbot.waitUntil(lambda: panel.big.text().startswith("Smile!"), timeout=60000)
    # The session may end before this line runs: wait on its outcome, not the signal.
    qtbot.waitUntil(lambda: w.last_outcome is not None, timeout=60000)
    outcome = w.last_outcome
    folder = outcome.stimulus_set
    assert folder is not None and folder.parent == tmp_path / "s" / "stimulus_sets"
    text = w.results.summary.text()
    assert "saved only because you asked" in text and str(folder) in text
    assert not w.results.rating_row.isVisible()  # nobody watched faces: no empathy question
    s = load_stimulus_set(folder)
    assert sorted(i.condition for i in s.items) == ["happy", "neutral", "sad"]
    # Ready to use: the setup page now offers the volunteer's protocol.
    assert page.protocol_spec() == str(folder / "protocol.toml")
    assert load_protocol(page.protocol_spec()).stimulus_set is not None

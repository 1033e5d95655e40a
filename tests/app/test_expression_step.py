"""The expression calibration in a live demo session: shown, posed by the demo, logged."""

from __future__ import annotations

import json

from PyQt6.QtCore import Qt

SMILE_PROTOCOL = """
schema_version = 1
name = "tiny_smile"
description = "Test protocol: a posed smile, then one happy face, about 7 s."
seed = 2

[calibration]
duration_s = 1.5
expressions = ["smile"]
expression_s = 2.0
expression_relax_s = 0.5

[trials]
per_condition = 1
conditions = ["happy"]
stimulus_s = 1.2
morph_s = 0.3
iti_s = 0.8
iti_jitter_s = 0.0
"""


def test_demo_session_runs_the_expression_step(make_window, qtbot, tmp_path, read_csv):
    proto = tmp_path / "tiny_smile.toml"
    proto.write_text(SMILE_PROTOCOL, encoding="utf-8")
    w = make_window()
    assert w.setup.expressions.isChecked()
    w.setup.set_protocol(str(proto))
    w.setup.choose_demo()
    w.setup.out_dir.setText(str(tmp_path / "sessions"))
    kinds = set()

    def seen():
        f = w.live.stimulus.frame
        if f is not None:
            kinds.add(f.kind)
        return "expression" in kinds

    qtbot.keyClick(w.setup.start, Qt.Key.Key_Space)
    qtbot.waitUntil(seen, timeout=30000)  # the instruction screen was on the panel
    with qtbot.waitSignal(w.bridge.session_finished, timeout=60000):
        pass
    folder = w.last_outcome.folder
    meta = json.loads((folder / "session.json").read_text())
    assert meta["expression_calibration"] is True and meta["status"] == "complete"
    events = read_csv(folder / "events.csv")
    start = next(e for e in events if e["event"] == "expression_start")
    end = next(e for e in events if e["event"] == "expression_end")
    assert start["detail"] == end["detail"] == "expression=smile"
    assert float(start["t"]) == 1.5 and float(end["t"]) == 3.5
    # The demo participant smiled broadly while asked to (tracked like any face).
    frames = [f for f in read_csv(folder / "frames.csv") if f["face_detected"] == "1"]
    smile = [float(f["smile"]) for f in frames if 2.5 <= float(f["t"]) < 3.4]
    calm = [float(f["smile"]) for f in frames if float(f["t"]) < 1.4]
    assert smile and calm and max(smile) > max(calm) + 0.3

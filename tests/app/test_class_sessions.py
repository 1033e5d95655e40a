"""A class in the app: volunteers take turns, their sessions join the class, the board fills.

Offscreen, real MediaPipe inference on the demo participant (unpaced).
The same flow in a real X11 window driven by keys is in test_xvfb.py.
"""

from __future__ import annotations

import json

import pytest
from PyQt6.QtCore import Qt

pytestmark = pytest.mark.slow



def test_three_volunteers_join_a_new_class_and_the_board_fills(make_window, qtbot, wait_started,
                                                               tmp_path, class_protocol):
    from mimicry.runtime.settings import load_settings

    w = make_window(paced=False, seed=3)
    w.setup.out_dir.setText(str(tmp_path))
    w.setup.save.list_classes()
    w.setup.set_protocol(str(class_protocol))
    w.setup.choose_demo()
    w.setup.save.klass.setEditText("Class 7B")  # a new class, typed
    done = []
    w.session_done.connect(done.append)
    for k, name in enumerate(("Maria Lopez", "Tom", "Ann Lee")):
        assert w.stack.currentWidget() is w.setup
        w.setup.participant.setText(name)
        w.start_or_pause()  # Space
        qtbot.waitUntil(lambda: len(done) == k + 1, timeout=120000)
        assert w.state == "results"
        w.start_or_pause()  # Space again: the next person
    klass = tmp_path / "Class_7B"
    assert json.loads((klass / "class.json").read_text())["name"] == "Class 7B"
    sessions = sorted(p for p in klass.iterdir() if (p / "session.json").is_file())
    assert len(sessions) == 3
    assert not [p for p in tmp_path.iterdir() if (p / "session.json").is_file()]
    # The class is now listed, and remembered for the next start of the app.
    assert w.setup.save.klass.findData("Class_7B") > 0
    settings, _ = load_settings()
    assert settings.class_name == "Class_7B"

    w.act_board.trigger()
    board = w.board
    assert w.stack.currentWidget() is board and board.folder == klass
    assert sorted(n for n, _ in board.dot_points) == ["Ann", "Maria", "Tom"]
    assert "3 people" in board.text.text()
    # The teacher prefers numbers: the board says so, and the app remembers it.
    board.names.setCurrentIndex(2)
    assert sorted(n for n, _ in board.dot_points) == ["#1", "#2", "#3"]
    settings, _ = load_settings()
    assert settings.board_names == "number" and settings.class_name == "Class_7B"
    board.back.emit()
    assert w.stack.currentWidget() is w.setup

    # A fourth volunteer stops at once: the board stays as it was, and says why there is no dot.
    w.setup.participant.setText("Dan")
    w.start_or_pause()
    wait_started(w)
    qtbot.keyClick(w, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: len(done) == 4, timeout=60000)
    assert w.last_outcome.status == "stopped"
    w.act_board.trigger()
    assert sorted(n for n, _ in board.dot_points) == ["#1", "#2", "#3"]
    assert "(4 sessions)" in board.title.text() and "3 people" in board.text.text()
    assert "#4: no smile estimate (stopped before enough faces)" in board.text.text()


def test_a_class_that_cannot_be_made_is_one_line_and_no_session(make_window, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    w = make_window(paced=False)
    w.setup.out_dir.setText(str(blocker))
    w.setup.choose_demo()
    w.setup.save.klass.setEditText("7B")
    w.setup.request_start()
    assert w.state == "setup" and w.setup.error.isVisible()
    assert "cannot create the class folder" in w.setup.error.text()
    assert "\n" not in w.setup.error.text()


def test_settings_refuse_an_unknown_way_of_naming(tmp_path):
    from mimicry.runtime.settings import load_settings

    path = tmp_path / "app.json"
    path.write_text(json.dumps({"schema_version": 1, "board_names": "surname"}))
    settings, problem = load_settings(path)
    assert settings.board_names == "first name"
    assert "board_names" in problem and "surname" in problem

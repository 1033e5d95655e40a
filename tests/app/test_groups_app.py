"""A group-label session in the app, and the mood question before and after.

A rendered participant who mimics only "your team" (``simulate --group-gain
own=1 --group-gain other=0``, the same seed as the session) is the camera; the
app runs ``groups_quick`` unpaced. Real MediaPipe inference throughout.
"""

from __future__ import annotations

import json

import pytest
from PyQt6.QtCore import Qt

pytestmark = pytest.mark.slow

SEED = 3


@pytest.fixture(scope="module")
def group_video(tmp_path_factory):
    from mimicry.protocol.load import load_protocol
    from mimicry.simulate.rendered import simulate_participant

    out = tmp_path_factory.mktemp("groups_participant")
    simulate_participant(load_protocol("groups_quick"), out, seed=SEED, size_px=192, fps=15.0,
                         jobs=2, group_gains={"own": 1.0, "other": 0.0})
    return out / "participant.mp4"


def test_groups_session_labels_the_faces_and_shows_the_teams(make_window, qtbot, group_video,
                                                            tmp_path):
    from mimicry_app.group_picture import GroupResultPlot

    w = make_window(paced=False, seed=SEED)
    page = w.setup
    page.participant.setText("g01")
    page.set_protocol("groups_quick")
    page.set_source(str(group_video))
    page.out_dir.setText(str(tmp_path))
    # The mood question: turned on, answered before the start.
    page.mood.ask.setChecked(True)
    assert page.mood.before.isVisible()
    qtbot.mouseClick(page.mood.before.buttons[6], Qt.MouseButton.LeftButton)  # 7 of 9
    kinds, groups = set(), set()

    def seen():
        f = w.live.stimulus.frame
        if f is not None:
            kinds.add(f.kind)
            if f.trial is not None and f.kind == "trial":
                groups.add(f.trial.group)
        return False

    done = []
    w.session_done.connect(lambda *_: done.append(1))
    qtbot.mouseClick(page.start, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(seen() or done), timeout=300000)  # samples the frames shown
    assert "intro" in kinds and groups == {"own", "other"}
    folder = w.last_outcome.folder
    summary = json.loads((folder / "summary.json").read_text())
    gd = summary["group_difference"]
    assert gd["conclusion"] == "more_for_own" and gd["p_value"] < 0.05
    assert isinstance(w.results.picture, GroupResultPlot)
    assert w.results.picture.title_text == "More for your team than chance gives"
    # Mood after, on the results screen; both answers in session.json.
    assert w.results.mood_after.isVisible()
    qtbot.mouseClick(w.results.mood_after.buttons[2], Qt.MouseButton.LeftButton)  # 3 of 9
    qs = json.loads((folder / "session.json").read_text())["questionnaires"]
    assert qs["mood_before"]["score"] == 7 and qs["mood_after"]["score"] == 3
    assert "Saved: 3 of 9" in w.results.mood_after.status.text()
    # Remembered for next time.
    from mimicry.runtime.settings import load_settings
    assert load_settings()[0].ask_mood is True

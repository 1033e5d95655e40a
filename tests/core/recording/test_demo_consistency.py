"""The demo participant on the command line: the app's participant, rendered fast with --fast, and said to be the demo."""

from __future__ import annotations

import json

import pytest

from mimicry.activities.no_smile import leaderboard as lb
from mimicry.activities.no_smile.activity import DEMO_NOT_ON_BOARD
from mimicry.activities.no_smile.analysis import DEMO_GAIN
from mimicry.analysis.summary import DEMO_LINE
from mimicry.commands.main import main
from mimicry.protocol.load import load_protocol
from mimicry.protocol.schedule import build_schedule
from mimicry.simulate.live_demo import DEFAULT_GAIN, demo_for_session

#: A short try-not-to-smile game: 4 s calibration, two smiling faces (about 15 s).
SHORT_NO_SMILE = """\
schema_version = 1
name = "short_no_smile"
activity = "no_smile"
seed = 3

[calibration]
duration_s = 4.0

[trials]
blocks = 1
per_condition = 2
conditions = ["happy"]
stimulus_s = 4.0
morph_s = 0.5
iti_s = 1.5
iti_jitter_s = 0.0
"""


@pytest.fixture(autouse=True)
def _own_leaderboard(tmp_path, monkeypatch):
    """Never touch the user's real (old, single) leaderboard."""
    monkeypatch.setenv("MIMICRY_DATA_DIR", str(tmp_path / "data"))


@pytest.fixture(scope="module")
def demo_game(tmp_path_factory):
    """``mimicry record --source demo --fast`` of the short game: (sessions root, folder, stdout)."""
    root = tmp_path_factory.mktemp("demo_game")
    proto = root / "short_no_smile.toml"
    proto.write_text(SHORT_NO_SMILE)
    out = root / "class1"
    mp = pytest.MonkeyPatch()
    mp.setenv("MIMICRY_DATA_DIR", str(root / "data"))
    import contextlib
    import io

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        rc = main(["record", "--source", "demo", "--protocol", str(proto), "--no-display",
                   "--fast", "--out", str(out)])
    mp.undo()
    assert rc == 0
    (folder,) = [p for p in out.iterdir() if p.is_dir()]
    return out, folder, buf.getvalue()


def test_the_demo_gain_follows_the_activity():
    schedule = build_schedule(load_protocol("no_smile"))
    demo = demo_for_session(schedule, activity="no_smile", realtime=False, size_px=64)
    assert demo.gain == DEMO_GAIN and demo.describe()["realtime"] is False
    assert len(demo._trials) == len(schedule.trials)   # it watches the schedule
    assert demo_for_session(activity=None, size_px=64).gain == DEFAULT_GAIN


def test_record_demo_is_the_apps_participant_and_fast(demo_game):
    _, folder, _ = demo_game
    meta = json.loads((folder / "session.json").read_text())
    src = meta["source"]
    # The app's demo in the try-not-to-smile game: damped, so it keeps a straight face.
    assert src["kind"] == "demo" and src["gain"] == DEMO_GAIN
    s = json.loads((folder / "summary.json").read_text())
    assert s["analysis"] == "no_smile" and not s["no_smile"]["cracked"]
    # --fast: rendered on a frame-count clock, every frame of the session, none dropped.
    assert src["realtime"] is False
    assert meta["dropped_frames"] == 0
    assert meta["n_frames"] == pytest.approx(30 * meta["planned_duration_s"], abs=2)
    import numpy as np

    from mimicry.io.tables import read_frames

    t = read_frames(folder / "frames.csv").t
    assert np.allclose(np.diff(t), 1 / 30, atol=2e-4)   # the frame-count clock: no gap


def test_a_demo_session_says_so_first(demo_game):
    _, folder, out = demo_game
    s = json.loads((folder / "summary.json").read_text())
    assert s["demo"] is True
    assert s["summary_text"].splitlines()[0] == DEMO_LINE
    summary = out.split("\n\n", 1)[1]                # after "session saved: ..."
    assert summary.splitlines()[0] == DEMO_LINE
    # mimicry analyze says it too, once.
    import contextlib
    import io

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        assert main(["analyze", str(folder)]) == 0
    text = buf.getvalue()
    assert text.splitlines()[0] == DEMO_LINE and text.count(DEMO_LINE) == 1
    assert json.loads((folder / "summary.json").read_text())["summary_text"].count(DEMO_LINE) == 1


def test_the_demo_is_kept_off_the_class_board(demo_game):
    root, folder, out = demo_game
    assert DEMO_NOT_ON_BOARD in out
    assert lb.read_leaderboard(lb.board_path_for(folder)) == []
    assert not (root.parent / "data" / lb.LEADERBOARD_FILE).exists()   # nor on the old global one
    s = json.loads((folder / "summary.json").read_text())
    assert "leaderboard_rank" not in s["no_smile"]


def test_an_ordinary_session_says_it_was_no_demo(tmp_path):
    from mimicry.analysis.folder import is_demo_session, label_demo

    (tmp_path / "session.json").write_text(json.dumps({"source": {"kind": "video"}}))
    summary = {"summary_text": "Your face was tracked."}
    assert label_demo(tmp_path, "Your face was tracked.", summary) == "Your face was tracked."
    assert json.loads((tmp_path / "summary.json").read_text())["demo"] is False
    assert not is_demo_session(tmp_path / "missing")


def test_record_help_lists_every_shipped_protocol(capsys):
    from mimicry.protocol.load import list_protocols

    for command in ("record", "simulate"):
        assert main([command, "--help"]) == 0
        text = " ".join(capsys.readouterr().out.split())
        assert len(list_protocols()) == 7
        for name in list_protocols():
            assert name in text.split("shipped protocol name (", 1)[1].split(")", 1)[0], name

"""A missing camera is one line on stderr; the try-not-to-smile board is the class folder's, demo games marked."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from mimicry.activities.no_smile import leaderboard as lb


@pytest.fixture(autouse=True)
def _own_leaderboard(tmp_path, monkeypatch):
    monkeypatch.setenv("MIMICRY_DATA_DIR", str(tmp_path / "data"))


def test_a_missing_camera_is_one_line_on_stderr_and_exit_2(tmp_path):
    if any(Path("/dev").glob("video*")):
        pytest.skip("this machine has a camera")
    r = subprocess.run([sys.executable, "-m", "mimicry.commands.main", "record", "--source", "0",
                        "--protocol", "quick", "--no-display", "--out", str(tmp_path / "x")],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr            # no V4L2/FFMPEG warnings of OpenCV's own
    assert "camera 0 did not open" in lines[0]


def _session(root: Path, name: str, kind: str = "camera") -> str:
    folder = root / name
    folder.mkdir(parents=True)
    (folder / "session.json").write_text(json.dumps({"source": {"kind": kind}}))
    return str(folder.resolve())


def test_each_sessions_folder_has_its_own_board(tmp_path):
    one, two = tmp_path / "class1", tmp_path / "class2"
    a, b = _session(one, "a"), _session(two, "b")
    lb.add_entry(lb.Entry("ana", 12.0, True, "2026-01-01", a), lb.board_path_for(a))
    lb.add_entry(lb.Entry("ben", 30.0, True, "2026-01-01", b), lb.board_path_for(b))
    assert lb.board_path_for(a) == one.resolve() / lb.LEADERBOARD_FILE
    assert [e.name for e in lb.read_leaderboard(lb.leaderboard_path(one))] == ["ana"]
    assert [e.name for e in lb.read_leaderboard(lb.leaderboard_path(two))] == ["ben"]


def test_an_old_global_board_is_still_read_and_its_demo_games_marked(tmp_path):
    root = tmp_path / "sessions"
    real, demo = _session(root, "real"), _session(root, "demo", kind="demo")
    elsewhere = _session(tmp_path / "other", "x")
    old = tmp_path / "data" / lb.LEADERBOARD_FILE        # schema 1: no "demo" key
    old.parent.mkdir()
    old.write_text(json.dumps({"schema_version": 1, "entries": [
        {"name": "anonymous", "survived_s": 50.0, "cracked": False, "date": "d", "session": demo},
        {"name": "cleo", "survived_s": 20.0, "cracked": True, "date": "d", "session": real},
        {"name": "dan", "survived_s": 40.0, "cracked": True, "date": "d", "session": elsewhere}]}))
    board = lb.read_leaderboard(lb.leaderboard_path(root))
    # Only this folder's games; the demo one marked, and never above a real player.
    assert [(e.shown_name, e.demo) for e in board] == [("cleo", False), (lb.DEMO_NAME, True)]
    assert lb.rank_of(board, real) == 1 and lb.rank_of(board, demo) is None
    assert lb.board_lines(board, 5) == [
        "1. cleo: 20.0 s", f"-. {lb.DEMO_NAME}: 50.0 s (a rendered face, not ranked)"]
    # The first new game there writes the folder's own board, starting from those entries.
    new = _session(root, "new")
    board, rank = lb.add_entry(lb.Entry("eve", 25.0, True, "d", new), lb.board_path_for(new))
    assert rank == 1 and [e.name for e in board] == ["eve", "cleo", "anonymous"]
    saved = json.loads(lb.leaderboard_path(root).read_text())
    assert saved["schema_version"] == 2 and [e["demo"] for e in saved["entries"]] == [
        False, False, True]

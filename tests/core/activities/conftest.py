"""Fixtures of the activities' tests: tracked sessions of the shipped activity protocols, and a private leaderboard."""

import pytest

from mimicry.commands.main import main


@pytest.fixture(autouse=True)
def _own_leaderboard(tmp_path, monkeypatch):
    """Never touch the user's real leaderboard."""
    monkeypatch.setenv("MIMICRY_DATA_DIR", str(tmp_path / "data"))


def _simulate_and_process(root, protocol, gain, delay="0.8"):
    assert main(["simulate", "--protocol", protocol, "--gain", gain, "--delay", delay,
                 "--fps", "10", "--size", "240", "--jobs", "2", "--quiet", "--seed", "1",
                 "--out", str(root / "sim")]) == 0
    assert main(["process", str(root / "sim" / "participant.mp4"), "--events",
                 str(root / "sim" / "events.csv"), "--out", str(root / "session")]) == 0
    return root / "session"


@pytest.fixture(scope="session")
def yawn_session(tmp_path_factory):
    """The virtual participant (delay 0.8 s) watching the ``yawn`` protocol, tracked."""
    return _simulate_and_process(tmp_path_factory.mktemp("yawn"), "yawn", "1")


@pytest.fixture(scope="session")
def no_smile_session(tmp_path_factory):
    """The virtual participant trying not to smile: damped mimicry (gain 0.35)."""
    return _simulate_and_process(tmp_path_factory.mktemp("no_smile"), "no_smile", "0.35", "0.6")

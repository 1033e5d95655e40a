"""A full disk while a video is written: one line, exit 2, no broken mp4 under its name.

OpenCV's writer reports nothing when the disk fills up; before the finished
file was checked, ``simulate`` and ``stimuli export`` left an undecodable mp4
under its final name after hundreds of FFmpeg warnings, and ``simulate`` an
empty ``--out`` folder.
"""

from __future__ import annotations

import resource
import subprocess
import sys

import pytest

MIMICRY = [sys.executable, "-m", "mimicry.commands.main"]


def _small_disk(limit=150_000):
    return lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


@pytest.mark.parametrize("command", ["simulate", "export"])
def test_a_full_disk_leaves_no_broken_video(command, tmp_path):
    if command == "simulate":
        out = tmp_path / "sim"
        args = ["simulate", "--protocol", "quick", "--size", "160", "--fps", "15", "--quiet",
                "--out", str(out)]
        video = out / "participant.mp4"
    else:
        out = tmp_path
        video = tmp_path / "track.mp4"
        args = ["stimuli", "export", "--protocol", "quick", "--size", "160", "--fps", "15",
                "--quiet", "--out", str(video)]
    r = subprocess.run([*MIMICRY, *args], capture_output=True, text=True, timeout=300,
                       preexec_fn=_small_disk())
    assert r.returncode == 2, r.stderr
    err = r.stderr.strip().splitlines()
    assert len(err) == 1 and "disk" in err[0] and str(video.name) in err[0], r.stderr
    assert not video.exists()
    assert not list(tmp_path.rglob("*.partial*"))
    if command == "simulate":
        assert not out.exists()

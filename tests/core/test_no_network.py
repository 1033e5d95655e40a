"""Nothing touches the network at run time (the harness: tests/network_trace.py).

A control run shows the harness does catch a connect.
"""

from __future__ import annotations

import socket
import sys
import threading

import pytest

from mimicry.tracking.no_network import create_offline, network_guard
from network_trace import MIMICRY, needs_strace, strace_lines, traced


@needs_strace
def test_the_harness_catches_a_connect(tmp_path):
    code = ("import socket\ns = socket.socket()\ns.settimeout(0.2)\n"
            "try:\n    s.connect(('10.255.255.1', 9))\nexcept OSError:\n    pass\n")
    _, bad = traced([sys.executable, "-c", code], tmp_path)
    assert bad and "10.255.255.1" in bad[0]


@needs_strace
def test_process_never_touches_the_network(face_photo, tmp_path):
    import cv2

    photo = tmp_path / "face.png"
    cv2.imwrite(str(photo), face_photo)
    r, bad = traced([*MIMICRY, "process", str(photo), "--out", str(tmp_path / "out")], tmp_path)
    assert r.returncode == 0, r.stderr
    assert bad == []


@needs_strace
def test_starting_the_model_runs_no_other_program(tmp_path):
    # MediaPipe's audio import used to run ldconfig and gcc hunting for PortAudio.
    code = ("from mimicry.tracking.mediapipe_tracker import MediaPipeTracker\n"
            "MediaPipeTracker(mode='image').close()\n")
    r, lines = strace_lines([sys.executable, "-c", code], tmp_path, "execve")
    assert r.returncode == 0, r.stderr
    programs = [ln for ln in lines if "execve(" in ln and "= 0" in ln]
    assert len(programs) == 1, programs  # the Python interpreter itself


@needs_strace
@pytest.mark.slow
def test_record_never_touches_the_network(quick_sim, tmp_path):
    r, bad = traced([*MIMICRY, "record", "--source", str(quick_sim / "participant.mp4"),
                     "--protocol", "quick", "--no-display", "--skip-expressions", "--fast",
                     "--participant", "net", "--out", str(tmp_path / "out")], tmp_path)
    assert r.returncode == 0, r.stderr
    assert bad == []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="seccomp is Linux only")
def test_threads_the_model_starts_cannot_open_sockets_but_the_rest_can():
    assert network_guard() == "seccomp"
    seen = {}

    def model_thread():
        try:
            socket.socket(socket.AF_INET, socket.SOCK_DGRAM).close()
            seen["socket"] = "opened"
        except PermissionError:
            seen["socket"] = "denied"

    def start():
        t = threading.Thread(target=model_thread)
        t.start()
        t.join()
        return "started"

    assert create_offline(start) == "started"
    assert seen["socket"] == "denied"
    socket.socket(socket.AF_INET, socket.SOCK_DGRAM).close()  # this thread is untouched


def test_errors_from_the_factory_reach_the_caller():
    def fail():
        raise ValueError("bad model")

    with pytest.raises(ValueError, match="bad model"):
        create_offline(fail)

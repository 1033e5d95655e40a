"""``mimicry record`` stopped by a signal, and started where no window can open.

SIGTERM (a desktop's logout, a lab script's ``kill``) stops a recording as
Ctrl-C does: the session ends "stopped", with its ``session_end`` event, and
is analysed. Without a display, ``record`` (which opens a stimulus window
unless ``--no-display``) fails in one line before any session folder exists.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mimicry.io.session import load_session
from mimicry.io.tables import read_events

MIMICRY = [sys.executable, "-m", "mimicry.commands.main"]


def _wait_for_rows(out: Path, proc: subprocess.Popen, min_bytes: int = 100_000) -> Path:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and proc.poll() is None:
        found = [p for p in out.glob("*/frames.csv") if p.stat().st_size > min_bytes]
        if found:
            return found[0].parent
        time.sleep(0.05)
    raise AssertionError(f"the recording never got going: {proc.stderr.read() if proc.poll() is not None else 'slow'}")


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_stops_the_session_cleanly(sig, quick_sim, tmp_path):
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [*MIMICRY, "record", "--source", str(quick_sim / "participant.mp4"), "--protocol",
         "quick", "--no-display", "--out", str(out)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        folder = _wait_for_rows(out, proc)  # past the first trial (about 7 s)
        proc.send_signal(sig)
        stdout, stderr = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, (proc.returncode, stderr)  # a stop, as Ctrl-C in record is
    assert "Traceback" not in stderr and "internal error" not in stderr
    assert load_session(folder).status == "stopped"
    assert any(e.event == "session_end" for e in read_events(folder / "events.csv"))
    assert (folder / "summary.json").is_file()  # what was recorded was analysed


@pytest.mark.parametrize("display", [None, ":97"], ids=["no DISPLAY", "unreachable DISPLAY"])
def test_record_without_a_display_is_one_line_and_no_folder(display, tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("QT_QPA_PLATFORM", None)
    if display:
        env["DISPLAY"] = display
    out = tmp_path / "out"
    r = subprocess.run([*MIMICRY, "record", "--source", "demo", "--protocol", "quick",
                        "--out", str(out)], capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == 2, r.stderr
    err = r.stderr.strip().splitlines()
    assert len(err) == 1 and "--no-display" in err[0], r.stderr
    assert not out.exists() or not any(out.iterdir())

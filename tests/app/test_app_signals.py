"""SIGTERM or Ctrl-C on the app ends its session as the close button does: "stopped", nothing lost."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from mimicry.io.session import load_session
from mimicry.io.tables import read_events, read_frames


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_closes_the_app_and_keeps_the_session(sig, tmp_path):
    pytest.importorskip("PyQt6")
    out = tmp_path / "out"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", MIMICRY_CONFIG_DIR=str(tmp_path / "cfg"))
    proc = subprocess.Popen(
        [sys.executable, "-m", "mimicry.commands.main", "app", "--source", "demo", "--protocol",
         "quick", "--participant", "sig", "--out", str(out), "--autostart", "--quit-after", "120"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and proc.poll() is None and not any(
                p.stat().st_size > 30_000 for p in out.glob("*/frames.csv")):
            time.sleep(0.1)
        assert proc.poll() is None, proc.stderr.read()
        proc.send_signal(sig)
        _, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, stderr
    assert "Traceback" not in stderr
    (folder,) = out.iterdir()
    assert load_session(folder).status == "stopped"
    assert any(e.event == "session_end" for e in read_events(folder / "events.csv"))
    assert len(read_frames(folder / "frames.csv")) > 30

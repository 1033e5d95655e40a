"""The app starts in a real X11 window (Xvfb, xcb platform), even after cv2 set its Qt paths."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys

import pytest

pytestmark = [pytest.mark.xvfb, pytest.mark.slow]

QT_PLUGIN_ERRORS = ("Could not load the Qt platform plugin", "qt.qpa.plugin",
                    "This application failed to start")


@pytest.fixture
def xvfb_display():
    """A fresh Xvfb server on a free display; yields ``":N"``."""
    if shutil.which("Xvfb") is None:
        pytest.skip("Xvfb is not installed (apt-get install xvfb)")
    r, w = os.pipe()
    proc = subprocess.Popen(["Xvfb", "-displayfd", str(w), "-screen", "0", "1920x1080x24",
                             "-nolisten", "tcp"], pass_fds=(w,), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    os.close(w)
    with os.fdopen(r) as fh:  # Xvfb writes the display number once it accepts clients
        number = fh.readline().strip()
    if not number:
        proc.kill()
        proc.wait()
        pytest.skip("Xvfb did not start")
    yield f":{number}"
    proc.terminate()
    proc.wait(timeout=10)


def test_app_window_under_xvfb(xvfb_display, participant_video, tmp_path):
    shot = tmp_path / "window.png"
    env = dict(os.environ)
    env.update(DISPLAY=xvfb_display, QT_QPA_PLATFORM="xcb",
               MIMICRY_CONFIG_DIR=str(tmp_path / "config"))
    # As if cv2 had been imported by a parent process: its Qt 5 plugins on the path.
    cv2_dir = importlib.util.find_spec("cv2").submodule_search_locations[0]
    env["QT_QPA_PLATFORM_PLUGIN_PATH"] = os.path.join(cv2_dir, "qt", "plugins")
    cmd = [sys.executable, "-m", "mimicry.commands.main", "app", "--source", str(participant_video),
           "--protocol", "quick", "--participant", "xvfb", "--out", str(tmp_path / "out"),
           "--autostart", "--screenshot", str(shot), "--quit-after", "8"]
    r = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    for err in QT_PLUGIN_ERRORS:
        assert err not in r.stderr, r.stderr
    assert "Traceback" not in r.stderr, r.stderr

    from PyQt6.QtGui import QImage

    img = QImage(str(shot))
    assert not img.isNull() and img.width() >= 800 and img.height() >= 600
    colours = {img.pixel(x, y) for x in range(0, img.width(), 37) for y in range(0, img.height(), 29)}
    assert len(colours) > 50, "the screenshot is blank"
    # The session ran under X11 too: frames were tracked and saved.
    (folder,) = (tmp_path / "out").iterdir()
    assert (folder / "frames.csv").stat().st_size > 10_000

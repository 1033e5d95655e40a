"""The app starts in a real X11 window (Xvfb, xcb platform), even after cv2 set its Qt paths."""

from __future__ import annotations

import contextlib
import importlib.util
import os
import shutil
import subprocess
import sys
import time

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


def _xdotool(env: dict, *args: str) -> str:
    """Run xdotool on the test's display; its output, stripped."""
    return subprocess.run(["xdotool", *args], env=env, capture_output=True, text=True,
                          timeout=30, check=True).stdout.strip()


def _x_env(display: str, tmp_path) -> dict:
    """The environment of an app on the X display ``display``, with its own settings folder."""
    return dict(os.environ, DISPLAY=display, QT_QPA_PLATFORM="xcb",
                MIMICRY_CONFIG_DIR=str(tmp_path / "config"))


class _Window:
    """The app running in a real X11 window (see :func:`_app_window`)."""

    def __init__(self, proc: subprocess.Popen, env: dict) -> None:
        self.proc, self.env = proc, env

    def xdo(self, *args: str) -> str:
        return _xdotool(self.env, *args)


@contextlib.contextmanager
def _app_window(display: str, tmp_path, *app_args: str):
    """``mimicry app APP_ARGS`` on ``display``, its window found and focused, as a teacher's.

    The process is killed if the test leaves it running.
    """
    if shutil.which("xdotool") is None:
        pytest.skip("xdotool is not installed (apt-get install xdotool)")
    env = _x_env(display, tmp_path)
    proc = subprocess.Popen([sys.executable, "-m", "mimicry.commands.main", "app", *app_args],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    w = _Window(proc, env)
    try:
        wid = w.xdo("search", "--sync", "--name", "^Mimicry").splitlines()[0]
        time.sleep(2.0)  # the setup page settles (camera probe)
        w.xdo("windowfocus", "--sync", wid)
        yield w
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_app_window_under_xvfb(xvfb_display, participant_video, tmp_path):
    shot = tmp_path / "window.png"
    env = _x_env(xvfb_display, tmp_path)
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


KEYS_PROTOCOL = """
schema_version = 1
name = "keys"
description = "Test protocol: three faces, about 15 s."
seed = 4

[calibration]
duration_s = 1.5

[trials]
per_condition = 1
stimulus_s = 2.0
morph_s = 0.3
iti_s = 2.5
iti_jitter_s = 0.0
"""


def test_a_teacher_drives_the_real_window_with_keys(xvfb_display, tmp_path):
    """Type a name, Space to start, Space to pause and go on, Esc to stop: as a teacher would."""
    import csv
    import json

    protocol = tmp_path / "keys.toml"
    protocol.write_text(KEYS_PROTOCOL, encoding="utf-8")
    out, shot = tmp_path / "out", tmp_path / "end.png"
    with _app_window(xvfb_display, tmp_path, "--source", "demo", "--protocol", str(protocol),
                     "--out", str(out), "--screenshot", str(shot), "--quit-after", "34") as w:
        w.xdo("type", "--delay", "60", "kim")
        w.xdo("key", "space")  # starts: the name field passes Space to the Start button
        deadline = time.monotonic() + 30
        while not list(out.glob("*_kim/events.csv")) and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(4.0)
        w.xdo("key", "space")  # pause
        time.sleep(3.0)
        w.xdo("key", "space")  # go on
        time.sleep(2.0)
        w.xdo("key", "Escape")  # stop: saved, results shown
        _, err = w.proc.communicate(timeout=90)
    assert w.proc.returncode == 0, err
    assert "Traceback" not in err, err
    (folder,) = out.glob("*_kim")
    meta = json.loads((folder / "session.json").read_text())
    assert meta["participant"] == "kim" and meta["status"] == "stopped"
    with open(folder / "events.csv", newline="") as fh:
        events = list(csv.DictReader(fh))
    pauses = [e for e in events if "label=paused" in e["detail"]]
    assert len(pauses) == 1, [e["detail"] for e in events if e["event"] == "marker"]
    assert float(pauses[0]["detail"].split("paused_s=")[1].split(";")[0]) > 2.0
    assert (folder / "summary.json").is_file(), "stopped sessions are analysed too"

    from PyQt6.QtGui import QImage

    img = QImage(str(shot))
    assert not img.isNull() and img.width() >= 800



GRAB = """
import sys
from PyQt6.QtGui import QGuiApplication
app = QGuiApplication(sys.argv)
sys.exit(0 if app.primaryScreen().grabWindow(0).save(sys.argv[1]) else 1)
"""


def test_three_volunteers_take_turns_and_the_board_shows_the_class(xvfb_display, tmp_path,
                                                                  class_protocol):
    """One class, three demo volunteers one after another, by keys; then B: the class board."""
    import json
    import signal

    out, shot = tmp_path / "out", tmp_path / "board.png"

    def wait_for(pattern: str, timeout: float = 120.0) -> None:
        deadline = time.monotonic() + timeout
        while not list(out.glob(pattern)) and time.monotonic() < deadline:
            assert w.proc.poll() is None, w.proc.communicate()[1]
            time.sleep(0.3)
        assert list(out.glob(pattern)), f"no {pattern} after {timeout} s"

    with _app_window(xvfb_display, tmp_path, "--source", "demo", "--protocol",
                     str(class_protocol), "--out", str(out), "--class", "7B", "--fast") as w:
        for k, name in enumerate(("maria", "tom", "ann")):
            if k:
                w.xdo("key", "space")  # on the results: the next person
                time.sleep(1.0)
            w.xdo("type", "--delay", "60", name)  # the name field is selected: typing replaces
            w.xdo("key", "space")  # start
            wait_for(f"7B/*_{name}/summary.json")
            time.sleep(1.5)  # the results page shows it
            w.xdo("key", str(5 - 1 * k))  # "I am an empathetic person": 5, 4, 3
        w.xdo("key", "b")
        time.sleep(2.0)
        grab = subprocess.run([sys.executable, "-c", GRAB, str(shot)], env=w.env,
                              capture_output=True, text=True, timeout=60)
        assert grab.returncode == 0, grab.stderr
        w.proc.send_signal(signal.SIGTERM)  # closes the window as its close button does
        _, err = w.proc.communicate(timeout=60)
    assert w.proc.returncode == 0, err
    assert "Traceback" not in err, err
    names = sorted(p.name.rsplit("_", 1)[1] for p in (out / "7B").iterdir() if p.is_dir())
    assert names == ["ann", "maria", "tom"]
    assert (out / "7B" / "class.json").is_file()
    scores = [json.loads((f / "session.json").read_text())["questionnaires"]["sites"]["score"]
              for f in sorted((out / "7B").glob("*_*")) if f.is_dir()]
    assert sorted(scores) == [3, 4, 5], "the number keys answered the empathy question"

    from PyQt6.QtGui import QColor, QImage

    from mimicry_app import theme

    img = QImage(str(shot))
    assert not img.isNull()

    def pixels(colour: str, x0: float, x1: float) -> int:  # near the colour (antialiasing)
        c = QColor(colour)
        n = 0
        for x in range(int(x0 * img.width()), int(x1 * img.width()), 2):
            for y in range(0, img.height(), 2):
                p = img.pixelColor(x, y)
                n += (abs(p.red() - c.red()) + abs(p.green() - c.green())
                      + abs(p.blue() - c.blue())) < 80
        return n

    # Left: the dots (accent) and the class line (happy orange); right: the scatter (sad blue).
    assert pixels(theme.ACCENT, 0.0, 0.6) > 30, "no dots on the board"
    assert pixels(theme.HAPPY, 0.0, 0.6) > 30, "no class line on the board"
    assert pixels(theme.SAD, 0.6, 1.0) > 30, "no scatter on the board"

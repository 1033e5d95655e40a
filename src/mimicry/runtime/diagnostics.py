"""What ``mimicry check`` finds: model, cameras, Qt platform and versions.

The Qt probe runs in a child process that never imports cv2, because importing
cv2 points ``QT_QPA_PLATFORM_PLUGIN_PATH`` at OpenCV's own Qt plugins; the app
undoes that, and the probe should see what the app will see.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import time
from importlib import metadata

from mimicry.core.errors import ModelError

_DISTS = ("mediapipe", "opencv-contrib-python", "numpy", "scipy", "matplotlib", "PyQt6",
          "pyqtgraph", "platformdirs", "pylsl")


def versions() -> dict[str, str]:
    from mimicry import __version__  # noqa: PLC0415

    out = {"mimicry": __version__, "python": platform.python_version()}
    for d in _DISTS:
        try:
            out[d] = metadata.version(d)
        except metadata.PackageNotFoundError:
            out[d] = "not installed"
    return out


def check_model(path=None) -> dict:
    from mimicry.tracking.model import MODEL_SHA256, verify_model  # noqa: PLC0415

    try:
        p = verify_model(path)
    except ModelError as exc:
        return {"ok": False, "detail": str(exc)}
    return {"ok": True, "path": str(p), "detail": f"{p} (SHA-256 {MODEL_SHA256[:12]}… verified)"}


def probe_cameras(n: int = 4, *, frames: int = 10) -> list[dict]:
    """Cameras 0..n-1 that open and deliver frames, with resolution and measured fps."""
    import cv2  # noqa: PLC0415

    from mimicry.core.native import native_logs_silenced  # noqa: PLC0415

    found = []
    for i in range(n):
        with native_logs_silenced():
            cap = cv2.VideoCapture(i)
            try:
                if not cap.isOpened():
                    continue
                ok, img = cap.read()
                if not ok or img is None:
                    continue
                t0 = time.monotonic()
                got = 0
                for _ in range(frames):
                    ok, img2 = cap.read()
                    got += bool(ok)
                dt = time.monotonic() - t0
                found.append({"index": i, "width": int(img.shape[1]), "height": int(img.shape[0]),
                              "fps": got / dt if dt > 0 else 0.0})
            finally:
                cap.release()
    return found


_QT_PROBE = r"""
import os, sys, json
from PyQt6.QtCore import QLibraryInfo
plugins = QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)
avail = sorted(f.split('libq')[-1].split('.so')[0] for f in os.listdir(os.path.join(plugins, 'platforms'))) if os.path.isdir(os.path.join(plugins, 'platforms')) else []
from PyQt6.QtGui import QGuiApplication
app = QGuiApplication(sys.argv[:1])
screens = [{"name": s.name(), "width": s.geometry().width(), "height": s.geometry().height()} for s in app.screens()]
print(json.dumps({"platform": app.platformName(), "available": avail, "screens": screens}))
"""


def probe_qt(timeout_s: float = 20.0) -> dict:
    """Start a QGuiApplication in a child process and report the platform and screens."""
    env = dict(os.environ)
    env.pop("QT_QPA_PLATFORM_PLUGIN_PATH", None)
    has_display = bool(env.get("DISPLAY") or env.get("WAYLAND_DISPLAY")) or sys.platform != "linux"
    if not has_display and "QT_QPA_PLATFORM" not in env:
        return {"ok": False, "detail": "no display found (DISPLAY/WAYLAND_DISPLAY unset): the app "
                                       "needs a desktop session; the CLI works without one"}
    try:
        r = subprocess.run([sys.executable, "-c", _QT_PROBE], capture_output=True, text=True,
                           timeout=timeout_s, env=env)
    except subprocess.TimeoutExpired:
        return {"ok": False, "detail": f"Qt did not start within {timeout_s:.0f} s"}
    if r.returncode != 0:
        last = (r.stderr.strip().splitlines() or ["unknown error"])[-1]
        return {"ok": False, "detail": f"Qt failed to start: {last}"}
    import json  # noqa: PLC0415

    info = json.loads(r.stdout.strip().splitlines()[-1])
    scr = ", ".join(f"{s['name'] or 'screen'} {s['width']}x{s['height']}" for s in info["screens"])
    n = len(info["screens"])
    extra = " (a second screen is there for the projector)" if n > 1 else ""
    return {"ok": True, **info,
            "detail": f"platform '{info['platform']}' works; {n} screen(s): {scr}{extra}"}


def collect(*, model=None, n_cameras: int = 4) -> dict:
    m = check_model(model)
    cams = probe_cameras(n_cameras)
    qt = probe_qt()
    from mimicry.runtime.recorder import default_sessions_dir  # noqa: PLC0415

    return {"ok": m["ok"], "model": m, "cameras": cams, "cameras_tried": n_cameras, "qt": qt,
            "sessions_dir": str(default_sessions_dir()), "versions": versions()}

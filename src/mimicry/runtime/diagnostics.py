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


# --------------------------------------------------------------------------- system libraries

#: Debian/Ubuntu packages whose names do not follow from the library's name.
_PACKAGE_OF = {"libglib-2.0.so.0": "libglib2.0-0", "libgthread-2.0.so.0": "libglib2.0-0",
               "libGLX.so.0": "libglx0", "libGLdispatch.so.0": "libglvnd0",
               "libX11.so.6": "libx11-6", "libxcb-util.so.1": "libxcb-util1",
               "libfreetype.so.6": "libfreetype6", "libpng16.so.16": "libpng16-16"}

#: The one apt-get line that gives a fresh Debian/Ubuntu everything the app's window needs
#: (the README and docs/app.md quote it; ``.ci/run`` installs the same list).
APT_PACKAGES = ("libgl1", "libegl1", "libglib2.0-0", "libdbus-1-3", "libfontconfig1",
                "libxkbcommon0", "libxkbcommon-x11-0", "libxcb-cursor0", "libxcb-icccm4",
                "libxcb-image0", "libxcb-keysyms1", "libxcb-randr0", "libxcb-render-util0",
                "libxcb-shape0", "libxcb-xinerama0", "libxcb-xfixes0", "libxcb-xkb1",
                "libx11-xcb1")
APT_LINE = "sudo apt-get install " + " ".join(APT_PACKAGES)


def debian_package(soname: str) -> str:
    """The Debian/Ubuntu package that ships the shared library ``soname`` (by Debian's naming rule).

    >>> debian_package("libxcb-icccm.so.4"), debian_package("libxkbcommon-x11.so.0")
    ('libxcb-icccm4', 'libxkbcommon-x11-0')
    """
    if soname in _PACKAGE_OF:
        return _PACKAGE_OF[soname]
    base, _, version = soname.partition(".so.")
    base = base.lower()
    if not version:
        return base
    version = version.split(".")[0]
    return f"{base}-{version}" if base[-1].isdigit() else f"{base}{version}"


def missing_libraries(library: str | os.PathLike, timeout_s: float = 20.0) -> list[str]:
    """Shared libraries that ``library`` needs, directly or not, and this system lacks.

    Asks the dynamic linker (``ldd``); an empty list when nothing is missing or
    ``ldd`` is not there (not Linux).
    """
    import shutil  # noqa: PLC0415

    ldd = shutil.which("ldd")
    if ldd is None or not os.path.isfile(library):
        return []
    try:
        r = subprocess.run([ldd, os.fspath(library)], capture_output=True, text=True,
                           timeout=timeout_s)
    except (OSError, subprocess.TimeoutExpired):
        return []
    missing = []
    for line in r.stdout.splitlines():
        name, sep, where = line.strip().partition("=>")
        if sep and where.strip().startswith("not found"):
            if name.strip() not in missing:
                missing.append(name.strip())
    return missing


def xcb_plugin() -> str | None:
    """Path of PyQt6's X11 platform plugin (``libqxcb.so``), found without importing Qt."""
    import importlib.util  # noqa: PLC0415

    try:
        spec = importlib.util.find_spec("PyQt6")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    for root in spec.submodule_search_locations:
        for qt in ("Qt6", "Qt"):
            path = os.path.join(root, qt, "plugins", "platforms", "libqxcb.so")
            if os.path.isfile(path):
                return path
    return None


def window_libraries_problem(environ=None) -> str | None:
    """Why Qt's X11 plugin cannot load on this Linux machine (the libraries and the fix), or None.

    Qt itself would abort with a message that names the wrong library; this asks the
    dynamic linker which libraries are really missing.
    """
    env = os.environ if environ is None else environ
    if not sys.platform.startswith("linux"):
        return None
    platform_name = env.get("QT_QPA_PLATFORM", "").split(":")[0]
    if platform_name and platform_name != "xcb":
        return None  # offscreen, wayland, ...: the X11 plugin is not used
    if not platform_name and env.get("WAYLAND_DISPLAY") and not env.get("DISPLAY"):
        return None
    plugin = xcb_plugin()
    if plugin is None:
        return None
    missing = missing_libraries(plugin)
    if not missing:
        return None
    packages = list(dict.fromkeys(debian_package(m) for m in missing))
    return (f"the window cannot open: Qt's X11 plugin needs {', '.join(missing)}, which this "
            f"system lacks; on Debian/Ubuntu: sudo apt-get install {' '.join(packages)} "
            f"(or everything the app needs at once: {APT_LINE})")


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
    libs = window_libraries_problem(env)
    if libs:
        return {"ok": False, "detail": libs}
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
    from mimicry.tracking.no_network import network_guard  # noqa: PLC0415

    return {"ok": m["ok"], "app_ok": m["ok"] and qt["ok"], "model": m, "cameras": cams,
            "cameras_tried": n_cameras, "qt": qt, "network_guard": network_guard(),
            "sessions_dir": str(default_sessions_dir()), "versions": versions()}

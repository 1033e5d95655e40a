"""Keeping OpenCV's Qt settings away from PyQt6.

The ``opencv-contrib-python`` wheels (which mediapipe depends on) ship their
own Qt 5 plugins, and ``import cv2`` points ``QT_QPA_PLATFORM_PLUGIN_PATH`` at
them (and ``QT_QPA_FONTDIR`` at a font folder that may not exist). PyQt6 reads
both when the ``QApplication`` is created: on many Linux desktops the result is
"Could not load the Qt platform plugin "xcb"" and no window, or a window with
no text. The app therefore creates its ``QApplication`` before anything imports
cv2, and removes the two variables whenever they point into OpenCV's package,
so child processes (``mimicry check``'s Qt probe) are not affected either.

Imports nothing heavy: it runs before Qt starts.
"""

from __future__ import annotations

import os
from pathlib import Path

#: Environment variables that ``import cv2`` sets for its bundled Qt 5.
CV2_QT_VARIABLES: tuple[str, ...] = ("QT_QPA_PLATFORM_PLUGIN_PATH", "QT_QPA_FONTDIR")


def _points_into_opencv(value: str) -> bool:
    parts = {p.lower() for p in Path(value).parts}
    return "cv2" in parts or any(p.startswith("opencv") for p in parts)


def remove_opencv_qt_paths(environ: dict | None = None) -> list[str]:
    """Remove OpenCV's Qt variables from the environment.

    Only values that point into OpenCV's package are removed; a path the user
    set on purpose is left alone.

    Parameters
    ----------
    environ : mapping, optional
        The environment to clean (default ``os.environ``).

    Returns
    -------
    list of str
        The names of the variables removed.
    """
    env = os.environ if environ is None else environ
    removed = []
    for name in CV2_QT_VARIABLES:
        value = env.get(name)
        if value and _points_into_opencv(value):
            del env[name]
            removed.append(name)
    return removed

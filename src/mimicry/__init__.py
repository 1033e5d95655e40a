"""Mimicry: measure facial mimicry from a webcam or video.

The package is the Qt-free core. Importing it is cheap: it loads numpy and a
few small modules, never mediapipe, cv2, scipy or Qt (a test checks this).
"""

from mimicry._version import __version__

__all__ = ["__version__", "load_session"]


def load_session(path):
    """Load a recorded or processed session folder. See :mod:`mimicry.io.session`."""
    from mimicry.io.session import load_session as _load

    return _load(path)

"""Importing MediaPipe's vision tasks, and nothing it does not need.

``mediapipe.tasks.python`` imports its audio tasks, which import
``sounddevice``; that hunts for PortAudio by running ``ldconfig`` and the C
compiler three times on every start. Mimicry uses no audio, so the import is
told that ``sounddevice`` is absent (MediaPipe handles that: its audio tasks
then raise only if used).
"""

from __future__ import annotations

import sys

__all__ = ["mediapipe_vision"]


def mediapipe_vision():
    """``(mediapipe, BaseOptions, vision)``, imported without the audio dependency hunt."""
    sys.modules.setdefault("sounddevice", None)
    import mediapipe as mp  # noqa: PLC0415
    from mediapipe.tasks.python import BaseOptions, vision  # noqa: PLC0415

    return mp, BaseOptions, vision

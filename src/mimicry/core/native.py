"""Keeping native libraries' log chatter off the user's terminal."""

from __future__ import annotations

import contextlib
import os


@contextlib.contextmanager
def native_logs_silenced():
    """Hide native log lines (MediaPipe's glog/absl, FFmpeg's av_log) written to fd 2.

    Those lines ("Logging before InitGoogle", "moov atom not found", ...) are not
    for users and would bury the one-line errors the CLI promises. Python-level
    exceptions still propagate and are reported normally.
    """
    try:
        fd = 2
        saved = os.dup(fd)
    except OSError:
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fd)
        yield
    finally:
        os.dup2(saved, fd)
        os.close(saved)
        os.close(devnull)

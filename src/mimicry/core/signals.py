"""SIGTERM ends a run the way Ctrl-C does.

A desktop's logout, ``kill`` and lab scripts stop a program with SIGTERM.
Python's default for it is to die on the spot: no ``session_end`` event, the
session left "incomplete". Inside :func:`terminate_as_interrupt` SIGTERM raises
:class:`KeyboardInterrupt` instead, so a recording stops cleanly with status
``stopped`` and everything recorded is kept, exactly as after Ctrl-C.
"""

from __future__ import annotations

import contextlib
import signal
import threading

__all__ = ["terminate_as_interrupt"]


def _interrupt(signum, frame):  # noqa: ARG001 - signal handler signature
    raise KeyboardInterrupt(f"signal {signal.Signals(signum).name}")


@contextlib.contextmanager
def terminate_as_interrupt():
    """Within the block, SIGTERM raises KeyboardInterrupt (main thread only; else a no-op)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)

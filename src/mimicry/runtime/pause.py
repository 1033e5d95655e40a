"""Pause and the session clock: :class:`PausableSource` and :class:`SessionClock`."""

from __future__ import annotations

import threading
import time
from typing import Callable

#: How far the stimulus clock may run ahead of the newest frame, seconds. Keeps
#: the stimulus moving smoothly between frames without running away when the
#: source stalls.
MAX_EXTRAPOLATION_S = 0.5


# --------------------------------------------------------------------------- source wrapper

class PausableSource:
    """The opened source, with pause and the capture time of every frame.

    While paused, :meth:`read` blocks (the runner waits with it). The session
    clock skips the pause. A paced video or the demo participant is told how
    long the pause was (:meth:`FrameSource.resumed`) and goes on from the frame
    where it stopped, so a recorded or rendered face stays in step with the
    stimulus. For a camera the first frame after a pause is shifted back by the
    pause's length, so the protocol continues where it stopped and tracking
    timestamps stay increasing. Frames a camera discarded during the pause are
    not counted as dropped.

    Parameters
    ----------
    inner : FrameSource
    mono : callable
        The monotonic clock (seconds).
    """

    def __init__(self, inner, mono: Callable[[], float] = time.monotonic) -> None:
        self.inner = inner
        self.kind, self.name = inner.kind, inner.name
        self.fps, self.size = inner.fps, inner.size
        self._mono = mono
        self._period_s = 1.0 / (inner.fps or 30.0)
        self._running = threading.Event()
        self._running.set()
        self._lock = threading.Lock()
        self._offset_s = 0.0
        self._last_raw_t: float | None = None
        self._resumed = False
        self._paused_mono: float | None = None
        self._pause_len_s = 0.0
        self._dropped_at_pause = 0
        self._pause_drops = 0
        self._pause_report: float | None = None
        #: (frame index, monotonic time read() returned it) of the newest frame.
        self.last_capture: tuple[int, float] = (-1, 0.0)

    @property
    def dropped(self) -> int:
        """Frames the source discarded because tracking was slower (pauses excluded)."""
        return max(0, self.inner.dropped - self._pause_drops)

    @property
    def paused(self) -> bool:
        return not self._running.is_set()

    def describe(self) -> dict:
        return self.inner.describe()

    def pause(self) -> None:
        with self._lock:
            if self._running.is_set():
                self._paused_mono = self._mono()
                self._dropped_at_pause = self.inner.dropped
                self._running.clear()

    def resume(self) -> None:
        with self._lock:
            if not self._running.is_set():
                self._resumed = True
                if self._paused_mono is not None:
                    self._pause_len_s += max(0.0, self._mono() - self._paused_mono)
                self._running.set()

    def take_pause_report(self) -> float | None:
        """Seconds of the pause that just ended (once), or None."""
        with self._lock:
            r, self._pause_report = self._pause_report, None
        return r

    def read(self):
        from mimicry.core.messages import Frame  # noqa: PLC0415

        self._running.wait()
        with self._lock:
            pause_len, self._pause_len_s = self._pause_len_s, 0.0
        if pause_len > 0.0:
            # On the reading thread, where the source's pacing lives.
            self.inner.resumed(pause_len)
        raw = self.inner.read()
        if raw is None:
            return None
        now = self._mono()
        with self._lock:
            if self._resumed:
                self._resumed = False
                if self._last_raw_t is not None:
                    self._offset_s += max(0.0, raw.t - self._last_raw_t - self._period_s)
                self._pause_drops += max(0, self.inner.dropped - self._dropped_at_pause)
                paused_at = self._paused_mono if self._paused_mono is not None else now
                self._pause_report = max(now - paused_at, 0.0)
            self._last_raw_t = raw.t
            self.last_capture = (raw.index, now)
            offset = self._offset_s
        if offset == 0.0:
            return raw
        return Frame(index=raw.index, t=raw.t - offset, image=raw.image, source=raw.source)

    def close(self) -> None:
        self._running.set()
        self.inner.close()


# --------------------------------------------------------------------------- session clock

class SessionClock:
    """The session time now, as the stimulus display needs it.

    The session clock is the source's clock (see :mod:`mimicry.runtime.recorder`). The
    display runs between frames, so it extrapolates from the newest frame's
    time when the source is paced like a camera (by at most
    :data:`MAX_EXTRAPOLATION_S`); an unpaced video just shows the newest time.
    """

    def __init__(self, paced: bool, mono: Callable[[], float] = time.monotonic) -> None:
        self.paced = paced
        self._mono = mono
        self._lock = threading.Lock()
        self._t: float | None = None
        self._at = 0.0
        self._paused = False

    def update(self, t_s: float, mono_s: float) -> None:
        with self._lock:
            self._t, self._at = t_s, mono_s

    def set_paused(self, paused: bool) -> None:
        with self._lock:
            self._paused = paused
            # Resume from where it stopped, not from the time of the last frame.
            self._at = self._mono()

    @property
    def started(self) -> bool:
        return self._t is not None

    def now(self) -> float:
        """Session seconds now (0 before the first frame)."""
        with self._lock:
            t, at, paused = self._t, self._at, self._paused
        if t is None:
            return 0.0
        if paused or not self.paced:
            return t
        return t + min(max(0.0, self._mono() - at), MAX_EXTRAPOLATION_S)

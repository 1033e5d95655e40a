"""A webcam by index, read on its own thread: the newest frame wins, older ones are counted as dropped."""

from __future__ import annotations

import threading
from typing import Callable

import numpy as np

from mimicry.core.clock import Clock, MonotonicClock
from mimicry.core.errors import InputError, SourceLost
from mimicry.core.messages import Frame
from mimicry.core.native import native_logs_silenced
from mimicry.sources.base import FrameSource, cv2_module as _cv2

#: A camera that yields no frame for this long is considered lost.
CAMERA_TIMEOUT_S = 2.0


def _open_capture(cv2, factory: Callable, index: int, width: int, height: int,
                  fps: float) -> tuple[object, np.ndarray]:
    """Open camera ``index`` and read its first image; (capture, BGR image).

    Raises :class:`InputError` when it does not open or gives no image.
    """
    cap = factory(index)
    if not cap.isOpened():
        cap.release()
        raise InputError(f"camera {index} did not open; expected a connected webcam that no "
                         f"other program is using (run 'mimicry check' to list cameras)")
    cap.set(cv2.CAP_PROP_FRAME_WIDTH, width)
    cap.set(cv2.CAP_PROP_FRAME_HEIGHT, height)
    cap.set(cv2.CAP_PROP_FPS, fps)
    ok, bgr = cap.read()
    if not ok or bgr is None:
        cap.release()
        raise InputError(f"camera {index} opened but gave no image; expected a working "
                         f"webcam (is another program using it?)")
    return cap, bgr


class CameraSource(FrameSource):
    """A webcam by index, read on its own thread; the newest frame wins.

    Frames captured while the consumer was busy are overwritten and counted in
    :attr:`dropped`, so no backlog builds up. When the camera delivers nothing
    for :data:`CAMERA_TIMEOUT_S`, :meth:`read` raises :class:`SourceLost`.
    """

    kind = "camera"

    def __init__(self, index: int, *, width: int = 640, height: int = 360, fps: float = 30.0,
                 clock: Clock | None = None, capture_factory: Callable | None = None) -> None:
        super().__init__()
        cv2 = _cv2()
        self.index = index
        self.name = f"camera {index}"
        self._clock = clock or MonotonicClock()
        # OpenCV explains a missing camera in several lines of its own on stderr
        # (V4L2, FFMPEG, obsensor); the caller gets one plain sentence instead.
        with native_logs_silenced():
            cap, bgr = _open_capture(cv2, capture_factory or cv2.VideoCapture, index,
                                     width, height, fps)
        self.size = (bgr.shape[1], bgr.shape[0])
        got_fps = cap.get(cv2.CAP_PROP_FPS)
        self.fps = float(got_fps) if got_fps and got_fps > 0 else None
        self._cap = cap
        self._t0 = self._clock.now()
        self._cond = threading.Condition()
        self._latest: tuple[np.ndarray, float] | None = None
        self._last_good = self._t0
        self._lost = False
        self._index = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._capture, daemon=True, name=self.name)
        self._thread.start()

    def _capture(self) -> None:
        while not self._stop.is_set():
            ok, bgr = self._cap.read()
            now = self._clock.now()
            with self._cond:
                if ok and bgr is not None:
                    if self._latest is not None:
                        self.dropped += 1
                    self._latest = (bgr, now - self._t0)
                    self._last_good = now
                elif now - self._last_good > CAMERA_TIMEOUT_S:
                    self._lost = True
                self._cond.notify_all()
                if self._lost:
                    return
            if not ok:
                self._stop.wait(0.01)

    def read(self) -> Frame | None:
        if self._closed:
            return None
        cv2 = _cv2()
        with self._cond:
            while self._latest is None and not self._lost and not self._closed:
                self._cond.wait(timeout=0.1)
            if self._latest is None:
                if self._lost:
                    raise SourceLost(f"{self.name} stopped delivering frames")
                return None
            bgr, t = self._latest
            self._latest = None
        frame = Frame(index=self._index, t=t, image=cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
        self._index += 1
        return frame

    def close(self) -> None:
        if self._closed:
            return
        super().close()
        self._stop.set()
        with self._cond:
            self._cond.notify_all()
        self._thread.join(timeout=CAMERA_TIMEOUT_S + 1)
        self._cap.release()


def open_camera(spec: str, *, realtime: bool | None = None, clock: Clock | None = None) -> CameraSource:
    return CameraSource(int(spec), clock=clock)

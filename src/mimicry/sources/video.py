"""A video file: read as fast as possible (decoded ahead on a thread) or paced at its frame rate."""

from __future__ import annotations

import os
import queue
import threading
from pathlib import Path

import numpy as np

from mimicry.core.clock import Clock, MonotonicClock, Pacer
from mimicry.core.errors import InputError
from mimicry.core.messages import Frame
from mimicry.core.native import native_logs_silenced
from mimicry.sources.base import FrameSource, cv2_module as _cv2

#: Frames decoded ahead of the tracker when a video is processed offline.
DECODE_AHEAD_FRAMES = 8

#: Frame rates a video may report, frames per second.
VIDEO_FPS_RANGE = (1.0, 240.0)


class VideoSource(FrameSource):
    """A video file (anything OpenCV decodes, animated GIF included)."""

    kind = "video"

    def __init__(self, path: str | os.PathLike, *, realtime: bool = False,
                 clock: Clock | None = None) -> None:
        super().__init__()
        cv2 = _cv2()
        self.path = Path(path)
        self.name = str(self.path)
        self.realtime = realtime
        self._clock = clock or MonotonicClock()
        if not self.path.is_file():
            raise InputError(f"video file {self.path} not found; expected a readable video file")
        with native_logs_silenced():  # FFmpeg explains a bad file in its own words
            cap = cv2.VideoCapture(str(self.path))
            ok, first = cap.read() if cap.isOpened() else (False, None)
        if not ok or first is None:
            cap.release()
            raise InputError(f"cannot read video {self.path}: expected a video file OpenCV can "
                             f"decode (mp4, avi, mov, mkv, gif)")
        fps = cap.get(cv2.CAP_PROP_FPS)
        lo, hi = VIDEO_FPS_RANGE
        if not (fps and np.isfinite(fps) and lo <= fps <= hi):
            cap.release()
            raise InputError(f"video {self.path} reports a frame rate of {fps:g} fps; expected "
                             f"{lo:g} to {hi:g} fps (re-encode it with a frame rate)")
        self.fps = float(fps)
        h, w = first.shape[:2]
        self.size = (w, h)
        n = int(cap.get(cv2.CAP_PROP_FRAME_COUNT) or 0)
        self.n_frames = n if n > 0 else None
        self._cap = cap
        self._index = 0
        self._pacer = Pacer(self._clock)
        # Decoding runs ahead on a thread so it overlaps with tracking; the
        # queue is bounded so memory stays flat, and no frame is ever dropped.
        self._queue: queue.Queue = queue.Queue(maxsize=DECODE_AHEAD_FRAMES)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._decode, args=(first,), daemon=True,
                                        name=f"decode {self.path.name}")
        self._thread.start()

    def _decode(self, first) -> None:
        cv2 = _cv2()
        bgr = first
        try:
            while not self._stop.is_set():
                rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
                while not self._stop.is_set():
                    try:
                        self._queue.put(rgb, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                ok, bgr = self._cap.read()
                if not ok or bgr is None:
                    break
        finally:
            self._queue.put(None)

    def resumed(self, paused_s: float) -> None:
        if self.realtime:
            self._pacer.shift(paused_s)

    def read(self) -> Frame | None:
        if self._closed:
            return None
        rgb = self._queue.get()
        if rgb is None:
            self._queue.put(None)  # keep reporting the end
            return None
        t = self._index / self.fps
        if self.realtime:
            self._pacer.wait_until(t)
        frame = Frame(index=self._index, t=t, image=rgb)
        self._index += 1
        return frame

    def close(self) -> None:
        if self._closed:
            return
        super().close()
        self._stop.set()
        # Drain so the decoder thread can finish promptly.
        while self._thread.is_alive():
            try:
                self._queue.get(timeout=0.05)
            except queue.Empty:
                pass
        self._thread.join()
        self._cap.release()


def open_video(spec: str, *, realtime: bool | None = None, clock: Clock | None = None) -> VideoSource:
    return VideoSource(spec, realtime=bool(realtime), clock=clock)

"""Frame sources: a webcam, a video file, images, or the virtual participant.

Every source implements :class:`FrameSource`: ``read()`` returns the next
:class:`~mimicry.messages.Frame` (RGB, with a monotonic time in seconds from
the source's start) or ``None`` at the end; ``close()`` may be called any number
of times. :func:`open_source` picks an implementation from a spec string:

- ``"0"``, ``"1"``, ...: a webcam by index, read on its own thread; only the newest
  frame is handed out, older unread frames are dropped and counted;
- ``"demo"``: the virtual participant (see :mod:`mimicry.stimulus`);
- a folder: its images in name order; an image file: that image;
- any other file: a video. Offline it is read as fast as possible (every frame,
  decoded ahead on a thread); with ``realtime=True`` it is paced at its own frame
  rate, standing in for a camera.

Times: a video's frame time is its media time (``index / fps``), which is what a
stimulus timeline recorded alongside it refers to; a camera's is the injected
monotonic clock's time since the source opened; images are one second apart.
"""

from __future__ import annotations

import os
import queue
import threading
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Callable, Iterator

import numpy as np

from ._native import native_logs_silenced
from .clock import Clock, MonotonicClock
from .errors import InputError, SourceLost
from .messages import Frame

IMAGE_EXTENSIONS = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff"})
#: Frames decoded ahead of the tracker when a video is processed offline.
DECODE_AHEAD_FRAMES = 8
#: A camera that yields no frame for this long is considered lost.
CAMERA_TIMEOUT_S = 2.0


class FrameSource(ABC):
    """One contract for every source of frames.

    Attributes
    ----------
    name : str
        Human-readable description (file path or ``camera 0``).
    kind : str
        ``camera``, ``video``, ``images`` or ``demo``.
    fps : float or None
        Nominal frame rate (None for images).
    size : tuple of int or None
        (width, height) in pixels, when known.
    still_images : bool
        True when consecutive frames are unrelated photos (tracked independently).
    dropped : int
        Frames the source discarded because the consumer was slower.
    """

    kind = "source"
    still_images = False

    def __init__(self) -> None:
        self.name = ""
        self.fps: float | None = None
        self.size: tuple[int, int] | None = None
        self.dropped = 0
        self.n_frames: int | None = None
        self._closed = False

    @abstractmethod
    def read(self) -> Frame | None:
        """The next frame, or None when the source is exhausted."""

    def close(self) -> None:
        """Release the device or file. Safe to call more than once."""
        self._closed = True

    @property
    def closed(self) -> bool:
        return self._closed

    def describe(self) -> dict:
        """What to record about the source in ``session.json``."""
        return {"kind": self.kind, "name": self.name, "fps": self.fps,
                "width": self.size[0] if self.size else None,
                "height": self.size[1] if self.size else None}

    def __iter__(self) -> Iterator[Frame]:
        while True:
            f = self.read()
            if f is None:
                return
            yield f

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _cv2():
    import cv2  # noqa: PLC0415  (heavy; imported only when a source opens)

    return cv2


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
        self.fps = float(fps) if fps and np.isfinite(fps) and 1 <= fps <= 240 else 30.0
        h, w = first.shape[:2]
        self.size = (w, h)
        n = int(cap.get(cv2.CAP_PROP_FRAME_COUNT) or 0)
        self.n_frames = n if n > 0 else None
        self._cap = cap
        self._index = 0
        self._t0: float | None = None
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

    def read(self) -> Frame | None:
        if self._closed:
            return None
        rgb = self._queue.get()
        if rgb is None:
            self._queue.put(None)  # keep reporting the end
            return None
        t = self._index / self.fps
        if self.realtime:
            now = self._clock.now()
            if self._t0 is None:
                self._t0 = now - t
            wait = self._t0 + t - now
            if wait > 0:
                self._clock.sleep(wait)
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


class ImageSource(FrameSource):
    """One image file, or a folder of images in name order (one second apart)."""

    kind = "images"
    still_images = True

    def __init__(self, path: str | os.PathLike) -> None:
        super().__init__()
        p = Path(path)
        self.name = str(p)
        if p.is_dir():
            files = sorted(f for f in p.iterdir()
                           if f.is_file() and f.suffix.lower() in IMAGE_EXTENSIONS)
            if not files:
                raise InputError(f"folder {p} holds no images; expected "
                                 f"{', '.join(sorted(IMAGE_EXTENSIONS))} files")
        elif p.is_file():
            files = [p]
        else:
            raise InputError(f"{p} not found; expected a video, an image or a folder of images")
        self.files = files
        self.n_frames = len(files)
        self._index = 0

    def read(self) -> Frame | None:
        if self._closed or self._index >= len(self.files):
            return None
        cv2 = _cv2()
        f = self.files[self._index]
        bgr = cv2.imread(str(f), cv2.IMREAD_COLOR)
        if bgr is None:
            raise InputError(f"cannot read image {f}: expected an image file OpenCV can decode")
        self.size = (bgr.shape[1], bgr.shape[0])
        frame = Frame(index=self._index, t=float(self._index),
                      image=cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB), source=f.name)
        self._index += 1
        return frame


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
        cap = (capture_factory or cv2.VideoCapture)(index)
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


#: Source factories by kind. ``demo`` is registered by the stimulus package.
_FACTORIES: dict[str, Callable[..., FrameSource]] = {}


def register_source(kind: str, factory: Callable[..., FrameSource]) -> None:
    """Register a factory ``factory(spec, realtime=..., clock=...) -> FrameSource``."""
    _FACTORIES[kind] = factory


def source_kind(spec: str) -> str:
    """Which kind of source a spec names: camera, demo, images or video."""
    s = str(spec).strip()
    if s.isdigit():
        return "camera"
    if s == "demo":
        return "demo"
    p = Path(s)
    if p.is_dir() or p.suffix.lower() in IMAGE_EXTENSIONS:
        return "images"
    return "video"


def open_source(spec: str | os.PathLike, *, realtime: bool | None = None,
                clock: Clock | None = None) -> FrameSource:
    """Open a frame source from a spec (see module docstring).

    Parameters
    ----------
    spec : str or path
        Camera index, ``demo``, a video, an image or a folder of images.
    realtime : bool or None
        Pace videos at their frame rate (a stand-in camera). None means: paced
        for cameras and the demo participant, as fast as possible for files.
    clock : Clock, optional
        The monotonic clock (tests inject one).
    """
    s = str(spec)
    kind = source_kind(s)
    if kind in _FACTORIES:
        return _FACTORIES[kind](s, realtime=realtime, clock=clock)
    if kind == "camera":
        return CameraSource(int(s), clock=clock)
    if kind == "demo":
        from .stimulus.demo import DemoParticipantSource  # noqa: PLC0415

        return DemoParticipantSource(realtime=True if realtime is None else realtime, clock=clock)
    if kind == "images":
        return ImageSource(s)
    return VideoSource(s, realtime=bool(realtime), clock=clock)

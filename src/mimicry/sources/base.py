"""The frame-source contract and the registry that opens a source by name.

Every source implements :class:`FrameSource`: ``read()`` returns the next
:class:`~mimicry.core.messages.Frame` (RGB, with a monotonic time in seconds from
the source's start) or ``None`` at the end; ``close()`` may be called any number
of times. :func:`open_source` picks an implementation from a spec string:

- ``"0"``, ``"1"``, ...: a webcam by index, read on its own thread; only the newest
  frame is handed out, older unread frames are dropped and counted;
- ``"demo"``: the virtual participant (:mod:`mimicry.simulate.live_demo`);
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
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Callable, Iterator

from mimicry.core.clock import Clock
from mimicry.core.messages import Frame

IMAGE_EXTENSIONS = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff"})


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

    def resumed(self, paused_s: float) -> None:
        """The consumer paused for ``paused_s`` seconds and goes on now.

        A paced source of recorded or rendered frames (a video, the demo
        participant) goes on from the frame where it stopped, as if the pause
        never happened. A camera has nothing to do: its frames after a pause
        carry the later time, and :class:`~mimicry.runtime.pause.PausableSource`
        takes the pause out of the session clock.
        """

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


def cv2_module():
    """OpenCV, imported only when a source opens (it is heavy)."""
    import cv2  # noqa: PLC0415

    return cv2


#: Source kinds and their factories, as ``"module:function"`` imported only when that kind
#: opens: a new kind of source is one module plus one line here. A factory takes
#: ``(spec, realtime=..., clock=...)`` and returns a :class:`FrameSource`.
SOURCES: dict[str, str] = {
    "camera": "mimicry.sources.camera:open_camera",
    "video": "mimicry.sources.video:open_video",
    "images": "mimicry.sources.images:open_images",
    "demo": "mimicry.simulate.live_demo:open_demo",
}
#: Factories registered at run time (tests register fakes), by kind; they win over SOURCES.
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
    import importlib  # noqa: PLC0415

    s = str(spec)
    kind = source_kind(s)
    factory = _FACTORIES.get(kind)
    if factory is None:
        module, name = SOURCES[kind].split(":")
        factory = getattr(importlib.import_module(module), name)
    return factory(s, realtime=realtime, clock=clock)

"""Writing and probing the mp4 videos Mimicry renders.

Videos are written with OpenCV's ``cv2.VideoWriter`` using the ``mp4v``
(MPEG-4 Part 2) codec, which every OpenCV wheel can both write and read back
(the wheels' FFmpeg has no H.264 encoder). A video is written to a temporary
file beside the target and renamed when complete, so an interrupted render
never leaves a truncated ``.mp4`` under the final name.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable

import numpy as np

from mimicry.core.native import native_logs_silenced
from mimicry.core.errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    from mimicry.core.progress import Progress

#: FourCC used for ``.mp4`` files.
FOURCC = "mp4v"


@dataclass(frozen=True)
class VideoInfo:
    """What a video file holds.

    Attributes
    ----------
    n_frames : int
        Frames actually decodable (counted by reading, not from the header).
    fps : float
    width, height : int
        Pixels.
    """

    n_frames: int
    fps: float
    width: int
    height: int

    @property
    def duration_s(self) -> float:
        return self.n_frames / self.fps if self.fps > 0 else 0.0


class VideoWriter:
    """Write RGB frames to an mp4 file.

    Parameters
    ----------
    path : path-like
        The ``.mp4`` to write; its folder must exist.
    fps : float
        Frames per second.
    size : tuple of int
        (width, height) in pixels; every frame must have this size.

    Use as a context manager; on an exception the partial file is removed.
    """

    def __init__(self, path: str | Path, fps: float, size: tuple[int, int]) -> None:
        import cv2

        self.path = Path(path)
        self.fps = float(fps)
        self.size = (int(size[0]), int(size[1]))
        self.n_frames = 0
        self._tmp = self.path.with_name(f".{self.path.stem}.partial{self.path.suffix or '.mp4'}")
        if not self.path.parent.is_dir():
            raise InputError(f"cannot write {self.path}: folder {self.path.parent} does not exist")
        with native_logs_silenced():  # FFmpeg's chatter on failure; we raise our own line
            self._writer = cv2.VideoWriter(str(self._tmp), cv2.VideoWriter_fourcc(*FOURCC),
                                           self.fps, self.size)
        if not self._writer.isOpened():
            self._writer.release()
            self._tmp.unlink(missing_ok=True)
            raise InputError(f"cannot write video {self.path}: OpenCV could not open a "
                             f"{FOURCC!r} writer there (is the folder writable?)")

    def write(self, rgb: np.ndarray) -> None:
        """Append one frame, shape (height, width, 3), uint8 RGB."""
        import cv2

        if rgb.shape != (self.size[1], self.size[0], 3) or rgb.dtype != np.uint8:
            raise ValueError(f"frame of shape {rgb.shape} {rgb.dtype}; expected "
                             f"({self.size[1]}, {self.size[0]}, 3) uint8")
        bgr = cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)
        with native_logs_silenced():  # a full disk: a warning per frame; close() says it once
            self._writer.write(bgr)
        self.n_frames += 1

    def close(self) -> Path:
        """Finish the file and move it to its final name.

        OpenCV's writer reports no failure (a full disk only logs warnings), so
        the finished file is opened again and must hold every frame written;
        otherwise it is deleted and InputError raised. Nothing undecodable is
        ever left under the final name.
        """
        if self._writer is not None:
            with native_logs_silenced():
                self._writer.release()
            self._writer = None
            found = _frame_count(self._tmp)
            if found != self.n_frames:
                self._tmp.unlink(missing_ok=True)
                raise InputError(f"cannot write video {self.path}: the finished file holds "
                                 f"{found} of {self.n_frames} frames (is the disk full?)")
            try:
                os.replace(self._tmp, self.path)
            except OSError as exc:
                self._tmp.unlink(missing_ok=True)
                raise InputError(f"cannot write video {self.path}: {exc.strerror or exc}") from None
        return self.path

    def abort(self) -> None:
        """Stop and delete the partial file."""
        if self._writer is not None:
            self._writer.release()
            self._writer = None
        self._tmp.unlink(missing_ok=True)

    def __enter__(self) -> "VideoWriter":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()


def write_video(path: str | Path, frame_at: Callable[[int], np.ndarray], n_frames: int,
                fps: float, size: tuple[int, int], progress: "Progress | None" = None,
                jobs: int = 1) -> Path:
    """Render ``n_frames`` frames with ``frame_at(i)`` into ``path``.

    Parameters
    ----------
    frame_at : callable
        ``frame_at(i) -> ndarray (height, width, 3) uint8 RGB`` for frame ``i``
        (shown at ``i / fps`` seconds). With ``jobs > 1`` it must be picklable
        and a pure function of ``i``: each worker process gets a copy.
    progress : mimicry.core.progress.Progress or None
        Updated after each frame (its ``total`` should be ``n_frames``).
    jobs : int
        Processes rendering frames in parallel (encoding stays in this one).
    """
    with VideoWriter(path, fps, size) as w:
        for i, frame in enumerate(_frames(frame_at, n_frames, jobs)):
            w.write(frame)
            if progress is not None:
                progress.update(i + 1)
    if progress is not None:
        progress.finish()
    return Path(path)


_CHUNK = 12
_worker_frame_at: Callable[[int], np.ndarray] | None = None


def _worker_init(frame_at: Callable[[int], np.ndarray]) -> None:
    global _worker_frame_at
    _worker_frame_at = frame_at


def _worker_chunk(bounds: tuple[int, int]) -> list[np.ndarray]:
    assert _worker_frame_at is not None
    return [_worker_frame_at(i) for i in range(*bounds)]


def _frames(frame_at: Callable[[int], np.ndarray], n_frames: int, jobs: int):
    """Frames 0..n_frames-1 in order, rendered here or by ``jobs`` worker processes."""
    if jobs <= 1 or n_frames <= _CHUNK:
        for i in range(n_frames):
            yield frame_at(i)
        return
    import collections
    import concurrent.futures as cf
    import multiprocessing as mp

    chunks = collections.deque((s, min(s + _CHUNK, n_frames)) for s in range(0, n_frames, _CHUNK))
    # 'spawn': no forked copies of OpenCV's or MediaPipe's threads.
    with cf.ProcessPoolExecutor(max_workers=jobs, mp_context=mp.get_context("spawn"),
                                initializer=_worker_init, initargs=(frame_at,)) as ex:
        pending: collections.deque = collections.deque()
        try:
            while chunks or pending:
                while chunks and len(pending) < 2 * jobs:  # bounded read-ahead
                    pending.append(ex.submit(_worker_chunk, chunks.popleft()))
                yield from pending.popleft().result()
        finally:
            for f in pending:
                f.cancel()


def _frame_count(path: Path) -> int:
    """Frames a finished video says it holds (its header's count); 0 when it does not open."""
    import cv2

    with native_logs_silenced():
        cap = cv2.VideoCapture(str(path))
        try:
            return int(cap.get(cv2.CAP_PROP_FRAME_COUNT)) if cap.isOpened() else 0
        finally:
            cap.release()


def read_video_info(path: str | Path) -> VideoInfo:
    """Open a video and count its decodable frames."""
    import cv2

    cap = cv2.VideoCapture(str(path))
    try:
        if not cap.isOpened():
            raise InputError(f"cannot open video {path}")
        fps = float(cap.get(cv2.CAP_PROP_FPS) or 0.0)
        w = int(cap.get(cv2.CAP_PROP_FRAME_WIDTH))
        h = int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT))
        n = 0
        while cap.grab():
            n += 1
        return VideoInfo(n_frames=n, fps=fps, width=w, height=h)
    finally:
        cap.release()


def read_frames(path: str | Path, indices: "list[int] | None" = None) -> dict[int, np.ndarray]:
    """Decode frames of a video as RGB: the ``indices`` asked for, or all of them.

    Returns
    -------
    dict of int to ndarray
        Frame index to RGB image.
    """
    import cv2

    wanted = None if indices is None else set(indices)
    last = None if indices is None else max(indices, default=-1)
    cap = cv2.VideoCapture(str(path))
    out: dict[int, np.ndarray] = {}
    try:
        if not cap.isOpened():
            raise InputError(f"cannot open video {path}")
        i = 0
        while last is None or i <= last:
            if wanted is None or i in wanted:
                ok, bgr = cap.read()
                if not ok:
                    break
                out[i] = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
            elif not cap.grab():
                break
            i += 1
    finally:
        cap.release()
    return out

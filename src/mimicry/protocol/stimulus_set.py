"""User stimulus sets: a folder of face images and/or short videos with a manifest.

The folder holds ``manifest.csv`` with the columns ``file,condition,intensity``::

    file,condition,intensity
    anna_happy.jpg,happy,1.0
    anna_sad.jpg,sad,0.8
    anna_neutral.jpg,neutral,0
    ben_happy.mp4,happy,1.0

``file`` is relative to the folder; ``condition`` is one of
:data:`mimicry.io.formats.CONDITIONS`; ``intensity`` (0-1) is the expression
strength the item shows, as judged by whoever made the set. It is written to
``events.csv`` and becomes the trial's ``stimulus_intensity`` in the analysis.

:func:`load_stimulus_set` checks everything up front (the manifest, every
row, every file opens and decodes) so a bad set fails before a session
starts, with one line naming the manifest row and the file.

Stimulus-set items do not morph. A still image appears at its trial's onset
showing its full expression and disappears at the offset; a video starts
playing at the onset. The trial's intended-expression signal
(:func:`mimicry.protocol.timeline.trial_intensity`) is then a step from 0 to the
manifest intensity at the onset and back at the offset (the trial's
``morph_s`` is 0).

Frames are letterboxed to a square: the whole image is scaled to fit and
the rest filled with the background colour.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np

from mimicry.core.check import check_option
from mimicry.core.errors import ConfigError, InputError
from mimicry.io.formats import CONDITIONS
from mimicry.protocol import limits as L

MANIFEST_NAME = "manifest.csv"
MANIFEST_COLUMNS: tuple[str, ...] = ("file", "condition", "intensity")
IMAGE_SUFFIXES: tuple[str, ...] = (".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".webp")
VIDEO_SUFFIXES: tuple[str, ...] = (".mp4", ".avi", ".mov", ".mkv", ".webm", ".m4v")


@dataclass(frozen=True)
class StimulusItem:
    """One validated row of a manifest.

    Attributes
    ----------
    file : str
        As written in the manifest (relative to the folder). Used as the
        trial's ``stimulus_id``.
    path : Path
        The file.
    condition : str
    intensity : float
        0-1.
    kind : {"image", "video"}
    row : int
        Row in ``manifest.csv`` (the header is row 1).
    width, height : int
        Pixels.
    fps : float
        Frames per second (videos; 0 for images).
    n_frames : int
        Frames in the video (1 for images).
    """

    file: str
    path: Path
    condition: str
    intensity: float
    kind: Literal["image", "video"]
    row: int
    width: int
    height: int
    fps: float = 0.0
    n_frames: int = 1

    @property
    def duration_s(self) -> float:
        """Video length in seconds (0 for images)."""
        return self.n_frames / self.fps if self.kind == "video" and self.fps > 0 else 0.0


@dataclass(frozen=True)
class StimulusSet:
    """A validated stimulus set. Build it with :func:`load_stimulus_set`.

    Attributes
    ----------
    folder : Path
    manifest_path : Path
    items : tuple of StimulusItem
        In manifest order.
    """

    folder: Path
    manifest_path: Path
    items: tuple[StimulusItem, ...]
    _cache: dict = field(default_factory=dict, repr=False, compare=False, hash=False)

    def __getstate__(self) -> dict:
        # Decoded images and open video readers stay behind (rebuilt on demand).
        state = self.__dict__.copy()
        state["_cache"] = {}
        return state

    def items_for(self, condition: str) -> tuple[StimulusItem, ...]:
        """The items of one condition, in manifest order."""
        return tuple(it for it in self.items if it.condition == condition)

    def item(self, file: str) -> StimulusItem:
        """The item whose manifest ``file`` is ``file``."""
        for it in self.items:
            if it.file == file:
                return it
        raise InputError(f"stimulus {file!r} is not in {self.manifest_path}")

    def frame(self, file: str, t_s: float, size_px: int, *,
              background: tuple[int, int, int] = (128, 128, 128),
              video_end: Literal["hold", "loop"] = "hold") -> np.ndarray:
        """The item ``file`` at ``t_s`` seconds after its onset, letterboxed.

        Parameters
        ----------
        file : str
            The manifest's ``file``.
        t_s : float
            Seconds since the stimulus appeared (ignored for images).
        size_px : int
            Side of the square output.
        background : tuple of int
            RGB fill around the letterboxed image.
        video_end : {"hold", "loop"}
            After a video's last frame: keep showing it, or start again.

        Returns
        -------
        ndarray, shape (size_px, size_px, 3), uint8
            RGB.
        """
        it = self.item(file)
        if it.kind == "image":
            key = ("image", file, size_px, background)
            if key not in self._cache:
                self._cache[key] = letterbox(_read_image(it.path), size_px, background)
            return self._cache[key]
        reader = self._cache.get(("video", file))
        if reader is None:
            reader = self._cache[("video", file)] = _VideoReader(it.path)
        n = max(it.n_frames, 1)
        index = int(max(t_s, 0.0) * it.fps + 1e-6) if it.fps > 0 else 0
        index = index % n if video_end == "loop" else min(index, n - 1)
        return letterbox(reader.frame(index), size_px, background)


def letterbox(image: np.ndarray, size_px: int,
              background: tuple[int, int, int] = (128, 128, 128)) -> np.ndarray:
    """Scale an RGB image to fit a ``size_px`` square, centred, padded with ``background``."""
    import cv2

    h, w = image.shape[:2]
    scale = size_px / max(h, w)
    nw, nh = max(1, round(w * scale)), max(1, round(h * scale))
    interp = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
    resized = cv2.resize(image, (nw, nh), interpolation=interp)
    out = np.empty((size_px, size_px, 3), np.uint8)
    out[:] = np.asarray(background, np.uint8)
    y0, x0 = (size_px - nh) // 2, (size_px - nw) // 2
    out[y0:y0 + nh, x0:x0 + nw] = resized
    return out


def _read_image(path: Path) -> np.ndarray:
    import cv2

    data = np.fromfile(str(path), dtype=np.uint8)  # works with non-ASCII paths
    bgr = cv2.imdecode(data, cv2.IMREAD_COLOR) if data.size else None
    if bgr is None:
        raise InputError(f"cannot decode image {path}")
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)


class _VideoReader:
    """Sequential frame access to a video; re-opens to go back in time."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._cap = None
        self._index = -1
        self._frame: np.ndarray | None = None

    def _open(self) -> None:
        import cv2

        if self._cap is not None:
            self._cap.release()
        self._cap = cv2.VideoCapture(str(self.path))
        self._index = -1
        self._frame = None

    def frame(self, index: int) -> np.ndarray:
        import cv2

        if self._cap is None or index < self._index:
            self._open()
        while self._index < index:
            ok, bgr = self._cap.read()
            if not ok:
                break  # shorter than its header said: hold the last good frame
            self._index += 1
            self._frame = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
        if self._frame is None:
            raise InputError(f"cannot decode a frame of video {self.path}")
        return self._frame

    def __del__(self) -> None:  # pragma: no cover - best effort
        if self._cap is not None:
            self._cap.release()


def _probe_video(path: Path) -> tuple[int, int, float, int] | None:
    """(width, height, fps, n_frames) if the video opens and its first frame decodes."""
    import cv2

    from mimicry.core.native import native_logs_silenced

    with native_logs_silenced():  # FFmpeg's "moov atom not found": the caller says it in a line
        cap = cv2.VideoCapture(str(path))
    try:
        if not cap.isOpened():
            return None
        w, h = int(cap.get(cv2.CAP_PROP_FRAME_WIDTH)), int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT))
        if w > L.MAX_IMAGE_SIDE or h > L.MAX_IMAGE_SIDE or w * h > L.MAX_IMAGE_PIXELS:
            return None  # refused before a frame is decoded
        ok, bgr = cap.read()
        if not ok or bgr is None:
            return None
        fps = float(cap.get(cv2.CAP_PROP_FPS) or 0.0)
        n = int(cap.get(cv2.CAP_PROP_FRAME_COUNT) or 0)
        if n <= 0:  # some containers do not say: count
            n = 1
            while cap.read()[0]:
                n += 1
        return bgr.shape[1], bgr.shape[0], fps if fps > 0 else 30.0, n
    finally:
        cap.release()


def load_stimulus_set(folder: str | Path) -> StimulusSet:
    """Read and validate a stimulus set folder.

    Parameters
    ----------
    folder : path-like
        A folder with ``manifest.csv`` (or the path of the manifest itself).

    Returns
    -------
    StimulusSet

    Raises
    ------
    InputError
        The folder or manifest is missing, or a listed file is missing or
        cannot be decoded. One line naming the manifest row and the file.
    ConfigError
        The manifest's columns are wrong, a condition is unknown, an
        intensity is not a number in 0-1, a file is listed twice or has an
        unsupported type.
    """
    folder = Path(folder).expanduser()
    if folder.is_file() and folder.name == MANIFEST_NAME:
        folder = folder.parent
    manifest = folder / MANIFEST_NAME
    if not folder.is_dir():
        raise InputError(f"stimulus set folder {folder} not found; expected a folder with a "
                         f"{MANIFEST_NAME} (columns {','.join(MANIFEST_COLUMNS)})")
    if not manifest.is_file():
        raise InputError(f"{manifest} not found; a stimulus set folder needs a {MANIFEST_NAME} "
                         f"with the columns {','.join(MANIFEST_COLUMNS)}")
    try:
        fh = open(manifest, newline="", encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(f"cannot read {manifest}: {exc.strerror or exc}") from None
    with fh:
        try:
            rows = list(csv.reader(fh))
        except (csv.Error, UnicodeDecodeError) as exc:
            raise ConfigError(f"{manifest} is not a readable CSV file: {exc}") from None
    if not rows:
        raise ConfigError(f"{manifest} is empty; expected a header row "
                          f"{','.join(MANIFEST_COLUMNS)} and one row per stimulus")
    header = [h.strip() for h in rows[0]]
    if sorted(header) != sorted(MANIFEST_COLUMNS) or len(header) != len(MANIFEST_COLUMNS):
        raise ConfigError(f"{manifest} row 1: the header must have the columns "
                          f"{','.join(MANIFEST_COLUMNS)}, got {','.join(header) or '(nothing)'}")
    col = {name: header.index(name) for name in MANIFEST_COLUMNS}

    if len(rows) - 1 > L.MAX_MANIFEST_ITEMS:
        raise ConfigError(f"{manifest} has {len(rows) - 1} rows; a stimulus set may list at most "
                          f"{L.MAX_MANIFEST_ITEMS} items")
    items: list[StimulusItem] = []
    seen: dict[str, int] = {}
    for row_no, cells in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in cells):
            continue  # blank line
        where = f"{manifest} row {row_no}"
        if len(cells) != len(header):
            raise ConfigError(f"{where}: expected {len(header)} cells "
                              f"({','.join(header)}), got {len(cells)}")
        file = cells[col["file"]].strip()
        condition = cells[col["condition"]].strip()
        intensity_s = cells[col["intensity"]].strip()
        if not file:
            raise ConfigError(f"{where}: the file cell is empty")
        if file in seen:
            raise ConfigError(f"{where}: file {file!r} is already listed in row {seen[file]}")
        seen[file] = row_no
        check_option("condition", condition, CONDITIONS, where=f"{where} (file {file!r})")
        try:
            intensity = float(intensity_s)
        except ValueError:
            intensity = float("nan")
        if not (0.0 <= intensity <= 1.0):
            raise ConfigError(f"{where} (file {file!r}): intensity must be a number from 0 to 1, "
                              f"got {intensity_s!r}")
        path = L.item_path(folder, file, where)  # inside the folder
        suffix = path.suffix.lower()
        if suffix not in IMAGE_SUFFIXES + VIDEO_SUFFIXES:
            raise ConfigError(
                f"{where}: file {file!r} is neither an image ({', '.join(IMAGE_SUFFIXES)}) "
                f"nor a video ({', '.join(VIDEO_SUFFIXES)})")
        if not path.is_file():
            raise InputError(f"{where}: file {file!r} not found in {folder}{'/' if str(folder)[-1:] != '/' else ''}")
        if suffix in IMAGE_SUFFIXES:
            L.check_image_size(path, f"{where}: file {file!r}")  # from the header: no bombs
            try:
                img = _read_image(path)
            except InputError:
                raise InputError(f"{where}: file {file!r} cannot be decoded as an image") from None
            items.append(StimulusItem(file=file, path=path, condition=condition,
                                      intensity=intensity, kind="image", row=row_no,
                                      width=img.shape[1], height=img.shape[0]))
        else:
            info = _probe_video(path)
            if info is None:
                raise InputError(f"{where}: file {file!r} cannot be decoded as a video")
            w, h, fps, n = info
            items.append(StimulusItem(file=file, path=path, condition=condition,
                                      intensity=intensity, kind="video", row=row_no,
                                      width=w, height=h, fps=fps, n_frames=n))
    if not items:
        raise ConfigError(f"{manifest} lists no stimuli; expected one row per image or video "
                          f"after the header {','.join(MANIFEST_COLUMNS)}")
    return StimulusSet(folder=folder, manifest_path=manifest, items=tuple(items))

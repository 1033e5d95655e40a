"""Py-Feat ``Fex`` CSV (``Detector.detect(..., save=...)`` or ``Fex.to_csv``).

Columns as Py-Feat writes them (``feat/utils/__init__.py``): ``frame``, the
face box ``FaceRectX``, ``FaceRectY``, ``FaceRectWidth``, ``FaceRectHeight``,
``FaceScore``, landmarks ``x_0`` .. ``y_67``, pose ``Pitch``, ``Roll``,
``Yaw``, action units ``AU01`` .. ``AU43`` (detection probabilities, 0-1),
emotions ``anger`` .. ``neutral``, ``input`` and, for videos,
``approx_time`` (``"MM:SS"``, whole seconds). One row per face and frame; a
frame's faces are numbered in row order.

=================  ======  ==========
channel            column  conversion
=================  ======  ==========
smile              AU12    as is
frown              AU15    as is
brow_lower         AU04    as is
brow_raise_inner   AU01    as is
cheek_raise        AU06    as is
jaw_open           AU26    as is
blink              --      (Py-Feat has no AU45; stays empty)
=================  ======  ==========

Time: Py-Feat records frame numbers, not seconds: ``t = frame / fps``. The
frame rate is ``--fps`` when given; otherwise it is worked out from
``approx_time``: each row bounds it (``floor(frame / fps)`` is the whole second
written), the rows together pin it to a narrow interval, and a common video
rate inside it (24, 25, 29.97, 30, 50, 59.94, 60 ...) is taken, else the
middle. A row has a face when ``FaceScore`` and ``AU12`` are numbers.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Sequence

import numpy as np

from mimicry.core.errors import InputError
from mimicry.io.importers.base import (ACTION_UNITS, ImportedTable, Importer, SourceFile,
                                       channels_from, check_times, read_source)

#: channel -> (column, formula); Py-Feat's detectors give no AU45 (blink).
CHANNEL_COLUMNS: dict[str, tuple[str, str]] = {
    ch: (f"AU{au:02d}", f"AU{au:02d} as is (0-1)") for ch, au in ACTION_UNITS.items()
    if ch != "blink"}

#: Frame rates preferred when ``approx_time`` allows them, frames per second.
COMMON_FPS: tuple[float, ...] = (23.976, 24.0, 25.0, 29.97, 30.0, 48.0, 50.0, 59.94, 60.0,
                                 90.0, 100.0, 120.0)


def _seconds(src: SourceFile, i: int, cell: str) -> float:
    """``"MM:SS"`` / ``"H:MM:SS"`` / a number of seconds, as seconds."""
    try:
        parts = [float(p) for p in cell.split(":")]
        if not parts or len(parts) > 3 or not all(math.isfinite(p) and p >= 0 for p in parts):
            raise ValueError
    except ValueError:
        raise InputError(f"{src.where(i, 'approx_time')}: {cell!r} is not a time; expected "
                         f"MM:SS as Py-Feat writes it") from None
    s = 0.0
    for p in parts:
        s = s * 60.0 + p
    return s


def fps_from_approx_time(src: SourceFile, frame: np.ndarray) -> tuple[float, float, float]:
    """The frame rate ``approx_time`` allows: (chosen, lowest, highest) frames per second.

    ``approx_time`` is ``floor(frame / fps)`` seconds, so every row gives
    ``frame / (s + 1) < fps <= frame / s``.
    """
    cells = src.cells("approx_time")
    lo, hi = 0.0, math.inf
    for i, cell in enumerate(cells):
        if not cell or not math.isfinite(frame[i]):
            continue
        s = math.floor(_seconds(src, i, cell))
        lo = max(lo, frame[i] / (s + 1))
        if s > 0:
            hi = min(hi, frame[i] / s)
    if not (lo < hi and math.isfinite(hi)):
        raise InputError(f"{src.path}, column approx_time: the times do not fix the frame rate "
                         f"(they need to span at least 2 s and agree with column frame); "
                         f"expected --fps with the video's frame rate")
    common = [f for f in COMMON_FPS if lo < f <= hi]
    return (common[0] if common else (lo + hi) / 2.0), lo, hi


def face_numbers(frame: np.ndarray) -> np.ndarray:
    """0, 1, ... for the rows of each frame, in row order."""
    out = np.zeros(len(frame), dtype=np.int64)
    seen: dict[float, int] = {}
    for i, f in enumerate(frame):
        out[i] = seen.get(f, 0)
        seen[f] = out[i] + 1
    return out


class PyFeatImporter(Importer):
    """Py-Feat Fex CSV (see the module docstring)."""

    name = "pyfeat"
    what = "a Py-Feat Fex CSV (Detector output)"

    def detect(self, header: Sequence[str]) -> bool:
        return "AU12" in header and ("FaceScore" in header or "FaceRectX" in header)

    def read(self, path: Path) -> ImportedTable:
        src = read_source(path)
        src.require(("frame", "AU12"), self.what)
        frame = src.numbers("frame", finite=True)
        if self.fps is not None:
            fps, how = float(self.fps), "--fps"
        elif src.has("approx_time"):
            fps, lo, hi = fps_from_approx_time(src, frame)
            how = f"from approx_time (it allows {lo:.3f} to {hi:.3f})"
        else:
            raise InputError(f"{src.path} row {src.header_row} (the header), column "
                             f"approx_time: no such column, so the frame rate is unknown; "
                             f"expected --fps with the video's frame rate")
        t = frame / fps
        face_id = face_numbers(frame)
        check_times(src, t, face_id, "frame")
        face = np.isfinite(src.numbers("AU12"))
        if src.has("FaceScore"):
            face &= np.isfinite(src.numbers("FaceScore"))
        channels, conversion = channels_from(src, CHANNEL_COLUMNS, lambda x: x, 0.0, 1.0,
                                             "0 to 1 (Py-Feat's AU probability)", face)
        return ImportedTable(
            tool=self.name, t=t, face_id=face_id, face_detected=face, channels=channels,
            source_columns={h: np.array(src.cells(h), dtype=object) for h in src.header},
            conversion={"time": f"frame / fps, fps = {fps:g} ({how})",
                        "face": "FaceScore and AU12 are numbers", "channels": conversion},
            notes=[f"frame rate {fps:g} fps ({how})"] if self.fps is None else [],
        )

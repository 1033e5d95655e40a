"""File formats: the columns of ``frames.csv`` and ``events.csv``.

Later versions add columns; they never rename or remove one. The README's
"File formats" section documents every column; keep the two in step.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path
from typing import Iterable, Mapping

from mimicry.core import channels as _channels
from mimicry.core.channels import BLENDSHAPE_NAMES
from mimicry.core.errors import InputError

POSE_COLUMNS: tuple[str, ...] = ("yaw", "pitch", "roll")
BLENDSHAPE_COLUMNS: tuple[str, ...] = tuple(f"bs_{n}" for n in BLENDSHAPE_NAMES)
STIMULUS_COLUMNS: tuple[str, ...] = ("trial", "condition", "stimulus_id", "stimulus_intensity",
                                     "group")

FRAME_COLUMNS: tuple[str, ...] = (
    ("t", "frame", "face_id", "face_detected")
    + _channels.CHANNELS
    + POSE_COLUMNS
    + ("source",)
    + BLENDSHAPE_COLUMNS
    + STIMULUS_COLUMNS
)

EVENT_COLUMNS: tuple[str, ...] = ("t", "event", "trial", "condition", "stimulus_id", "detail")

#: Every kind of event a session can log.
EVENT_KINDS: tuple[str, ...] = (
    "session_start",
    "session_end",
    "calibration_start",
    "calibration_end",
    "expression_start",
    "expression_end",
    "stimulus_onset",
    "stimulus_offset",
    "marker",
    "face_lost",
    "face_found",
    "camera_lost",
)

CONDITIONS: tuple[str, ...] = ("happy", "sad", "neutral")


def parse_detail(detail: str) -> dict[str, str]:
    """Parse an events.csv ``detail`` cell: ``key=value`` pairs joined by ``;``.

    Text without ``=`` is kept under the key ``"text"``.
    """
    out: dict[str, str] = {}
    for part in (detail or "").split(";"):
        part = part.strip()
        if not part:
            continue
        key, sep, value = part.partition("=")
        if sep:
            out[key.strip()] = value.strip()
        else:
            out["text"] = (out.get("text", "") + " " + part).strip()
    return out


#: Numbers a ``stimulus_onset`` detail may carry: key -> (default, lo, hi, kind). An
#: empty or missing value means the default.
ONSET_DETAIL: dict[str, tuple[float, float, float, type]] = {
    "intensity": (1.0, 0.0, 1.0, float),
    "morph_s": (0.5, 0.0, 3600.0, float),
    "block": (1, 0, 1_000_000, int),
}


def onset_detail(detail: str, where: str) -> dict[str, float]:
    """The numbers of a ``stimulus_onset`` detail cell (see :data:`ONSET_DETAIL`), checked.

    Raises :class:`InputError` "``where``: intensity must be a number from 0 to 1, got 'abc'"
    for a value that is not a finite number within its range (or not an integer for ``block``).
    """
    d = parse_detail(detail)
    out: dict[str, float] = {}
    for key, (default, lo, hi, kind) in ONSET_DETAIL.items():
        text = d.get(key, "")
        if not text:
            out[key] = default
            continue
        try:
            v = kind(text)
            ok = math.isfinite(v) and lo <= v <= hi
        except (ValueError, OverflowError):
            ok = False
        if not ok:
            what = "an integer" if kind is int else "a number"
            raise InputError(f"{where}: {key} must be {what} from {lo:g} to {hi:g}, got {text!r}")
        out[key] = v
    return out


def format_detail(items: Mapping[str, object]) -> str:
    """The inverse of :func:`parse_detail` (values must not contain ``;``)."""
    return ";".join(f"{k}={_fmt(v)}" for k, v in items.items())


def _fmt(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, float):
        if math.isnan(v):
            return ""
        return f"{v:.6g}"
    return str(v)


def format_cell(v: object) -> str:
    """How one value is written in our CSV files (empty for None/NaN)."""
    return _fmt(v)


def open_csv_writer(path: Path, columns: Iterable[str]):
    """Open ``path`` for writing a CSV with a header; returns (file, csv.writer).

    Raises :class:`InputError` naming the path when it cannot be written.
    """
    try:
        fh = open(path, "w", newline="", encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror or exc}; expected a writable folder") from None
    writer = csv.writer(fh, lineterminator="\n")
    writer.writerow(list(columns))
    return fh, writer

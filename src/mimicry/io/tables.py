"""Reading and writing the session tables (``frames.csv``, ``events.csv``).

Readers return plain numpy columns so analysis code never parses CSV itself.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from mimicry.core.channels import CHANNELS
from mimicry.core.errors import InputError
from mimicry.io.formats import (BLENDSHAPE_COLUMNS, EVENT_COLUMNS, EVENT_KINDS, FRAME_COLUMNS,
                      format_cell, onset_detail, open_csv_writer)
from mimicry.core.messages import StimulusEvent


@dataclass
class FramesTable:
    """The columns of a ``frames.csv``, one entry per row (frame x face slot).

    Attributes
    ----------
    t : ndarray, shape (n,), float
        Seconds from the start.
    frame, face_id : ndarray, shape (n,), int
    face_detected : ndarray, shape (n,), bool
    channels : dict of str to ndarray, shape (n,), float
        Every channel of :data:`mimicry.core.channels.CHANNELS`; NaN where no face.
    pose : ndarray, shape (n, 3), float
        yaw, pitch, roll in degrees; NaN where no face.
    blendshapes : ndarray, shape (n, 52), float
        NaN where no face.
    trial : ndarray, shape (n,), float
        Trial number, NaN outside trials.
    condition, stimulus_id, source : ndarray, shape (n,), object (str)
    stimulus_intensity : ndarray, shape (n,), float
        NaN where empty.
    extra : dict of str to ndarray (str)
        Columns this version does not know (written by a newer version).
    """

    t: np.ndarray
    frame: np.ndarray
    face_id: np.ndarray
    face_detected: np.ndarray
    channels: dict[str, np.ndarray]
    pose: np.ndarray
    blendshapes: np.ndarray
    trial: np.ndarray
    condition: np.ndarray
    stimulus_id: np.ndarray
    stimulus_intensity: np.ndarray
    source: np.ndarray
    extra: dict[str, np.ndarray] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.t)

    def face(self, face_id: int) -> "FramesTable":
        """The rows of one face slot."""
        return self.select(self.face_id == face_id)

    def select(self, mask: np.ndarray) -> "FramesTable":
        return FramesTable(
            t=self.t[mask], frame=self.frame[mask], face_id=self.face_id[mask],
            face_detected=self.face_detected[mask],
            channels={k: v[mask] for k, v in self.channels.items()},
            pose=self.pose[mask], blendshapes=self.blendshapes[mask], trial=self.trial[mask],
            condition=self.condition[mask], stimulus_id=self.stimulus_id[mask],
            stimulus_intensity=self.stimulus_intensity[mask], source=self.source[mask],
            extra={k: v[mask] for k, v in self.extra.items()},
        )


def _float(cells: list[str]) -> np.ndarray:
    return np.array([float(c) if c != "" else np.nan for c in cells], dtype=float)


def read_frames(path: str | Path) -> FramesTable:
    """Read a ``frames.csv``.

    A last line cut short by a crash is ignored. Raises :class:`InputError`
    naming the file when it is missing or lacks the required columns.
    """
    path = Path(path)
    try:
        fh = open(path, newline="", encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}; expected a frames.csv") from None
    with fh:
        reader = csv.reader(fh)
        header = next(reader, None)
        if header is None:
            raise InputError(f"{path} is empty; expected a frames.csv with a header row")
        missing = [c for c in ("t", "frame", "face_id", "face_detected") if c not in header]
        if missing:
            raise InputError(f"{path} lacks column(s) {', '.join(missing)}; expected a frames.csv")
        rows = [r for r in reader if len(r) == len(header)]
    cols = {name: [r[i] for r in rows] for i, name in enumerate(header)}
    n = len(rows)

    def fcol(name: str) -> np.ndarray:
        return _float(cols[name]) if name in cols else np.full(n, np.nan)

    def scol(name: str) -> np.ndarray:
        return np.array(cols.get(name, [""] * n), dtype=object)

    return FramesTable(
        t=fcol("t"),
        frame=np.array([int(c) for c in cols["frame"]], dtype=np.int64),
        face_id=np.array([int(c) for c in cols["face_id"]], dtype=np.int64),
        face_detected=np.array([c == "1" for c in cols["face_detected"]], dtype=bool),
        channels={ch: fcol(ch) for ch in CHANNELS},
        pose=np.column_stack([fcol("yaw"), fcol("pitch"), fcol("roll")]) if n else np.zeros((0, 3)),
        blendshapes=(np.column_stack([fcol(c) for c in BLENDSHAPE_COLUMNS]) if n
                     else np.zeros((0, len(BLENDSHAPE_COLUMNS)))),
        trial=fcol("trial"),
        condition=scol("condition"),
        stimulus_id=scol("stimulus_id"),
        stimulus_intensity=fcol("stimulus_intensity"),
        source=scol("source"),
        extra={k: np.array(v, dtype=object) for k, v in cols.items() if k not in FRAME_COLUMNS},
    )


def read_events(path: str | Path) -> list[StimulusEvent]:
    """Read an ``events.csv``; raises :class:`InputError` naming the file and row."""
    path = Path(path)
    try:
        fh = open(path, newline="", encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read events file {path}: {exc.strerror or exc}") from None
    events: list[StimulusEvent] = []
    with fh:
        reader = csv.DictReader(fh)
        missing = [c for c in ("t", "event") if c not in (reader.fieldnames or [])]
        if missing:
            raise InputError(
                f"{path} lacks column(s) {', '.join(missing)}; expected an events.csv with "
                f"columns {', '.join(EVENT_COLUMNS)}")
        for lineno, row in enumerate(reader, start=2):
            if None in row or any(v is None for v in row.values()):
                continue  # a line cut short by a crash
            try:
                t = float(row["t"])
            except ValueError:
                t = math.nan
            if not math.isfinite(t):  # NaN/inf would silently break the time order
                raise InputError(f"{path} row {lineno}: t={row['t']!r} is not a finite number")
            kind = row["event"].strip()
            if kind not in EVENT_KINDS:
                raise InputError(
                    f"{path} row {lineno}: unknown event {kind!r}; expected one of "
                    f"{', '.join(EVENT_KINDS)}")
            trial_s = (row.get("trial") or "").strip()
            try:
                trial_f = float(trial_s) if trial_s else None
            except ValueError:
                trial_f = math.nan
            if trial_f is not None and not (math.isfinite(trial_f) and trial_f.is_integer()):
                # was int(float(...)): "2.7" became trial 2 and "inf" a traceback
                raise InputError(f"{path} row {lineno}: trial={trial_s!r} is not a whole number")
            trial = int(trial_f) if trial_f is not None else None
            detail = (row.get("detail") or "").strip()
            if kind == "stimulus_onset":
                onset_detail(detail, f"{path} row {lineno}, column detail")
            events.append(StimulusEvent(
                t=t, event=kind, trial=trial, condition=(row.get("condition") or "").strip(),
                stimulus_id=(row.get("stimulus_id") or "").strip(),
                detail=detail))
    return events


def event_row(e: StimulusEvent) -> list[str]:
    return [f"{e.t:.4f}", e.event, format_cell(e.trial), e.condition, e.stimulus_id, e.detail]


def write_events(path: str | Path, events: Iterable[StimulusEvent]) -> None:
    """Write a complete ``events.csv``."""
    fh, writer = open_csv_writer(Path(path), EVENT_COLUMNS)
    with fh:
        for e in events:
            writer.writerow(event_row(e))


def sorted_events(events: Sequence[StimulusEvent]) -> list[StimulusEvent]:
    return sorted(events, key=lambda e: e.t)

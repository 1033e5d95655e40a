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


def _numbers(path: Path, name: str, cells: list[str], row_of,
             kind: type = float, finite: bool = False) -> np.ndarray:
    """Convert one column at once (numpy); only on failure is the bad row looked for.

    Empty cells are NaN (floats). ``finite`` rejects empty, NaN and infinite
    cells; infinite ones are rejected in every column.
    """
    try:
        if kind is int:
            return np.array(list(map(int, cells)), dtype=np.int64)
        out = np.array([c or "nan" for c in cells], dtype=float)
    except (ValueError, OverflowError):
        out = None
    if out is not None:
        bad = ~np.isfinite(out) if finite else np.isinf(out)
        if not bad.any():
            return out
        i, what = int(np.argmax(bad)), "a finite number"
    else:
        i = next(j for j, c in enumerate(cells) if not _parses(c, kind))
        what = "a whole number" if kind is int else "a number"
    expected = ("seconds from the start" if finite else "a whole number, as mimicry writes it"
                if kind is int else "a number or an empty cell")
    raise InputError(f"{path} row {row_of(i)}, column {name}: {cells[i]!r} is not {what}; "
                     f"expected {expected}")


def _parses(cell: str, kind: type) -> bool:
    try:
        v = kind(cell) if cell or kind is int else 0
    except (ValueError, OverflowError):
        return False
    return kind is not int or -2**63 <= v < 2**63


def _csv_rows(path: Path, what: str) -> tuple[list[str], list[list[str]], list[int]]:
    """Header, the rows as long as the header, and the row numbers of those skipped.

    Skipped are blank lines and a last row cut short by a crash.

    Accepts a UTF-8 BOM. Raises :class:`InputError` naming the file, row and
    column for text that is not UTF-8, a cell over the CSV field limit, or a row
    of another length than the header before the last row.
    """
    try:
        fh = open(path, newline="", encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}; expected {what}") from None
    rows: list[list[str]] = []
    blank: list[int] = []
    short: list[tuple[int, int]] = []
    with fh:
        reader = csv.reader(fh)
        try:
            header = next(reader, None)
            if header is None:
                raise InputError(f"{path} is empty; expected {what} with a header row")
            n = len(header)
            for lineno, r in enumerate(reader, start=2):
                if len(r) == n:
                    rows.append(r)
                elif r:
                    short.append((lineno, len(r)))
                else:
                    blank.append(lineno)
        except UnicodeDecodeError:
            raise InputError(not_utf8(path, what)) from None
        except csv.Error as exc:
            raise InputError(csv_problem(path, reader.line_num, exc, what)) from None
    last = len(rows) + len(blank) + len(short) + 1
    cut = [(row, k) for row, k in short if row != last]
    if cut:
        raise InputError(f"{path} row {cut[0][0]}: {cut[0][1]} cells where the header has {n}; "
                         f"expected {what} with whole rows (only a last row cut short by a "
                         f"crash is ignored)")
    return header, rows, blank + [row for row, _ in short if row == last]


def _cells(line: str) -> list[str]:
    """One line split as csv does (naively when csv cannot: the file is damaged anyway)."""
    try:
        return next(csv.reader([line]), [])
    except csv.Error:
        return line.split(",")


def _header_of(data: bytes) -> list[str]:
    return _cells(data.split(b"\n", 1)[0].decode("utf-8", "replace").lstrip("\ufeff"))


def _column_at(header: list[str], line_before: str) -> str:
    i = len(_cells(line_before)) - 1 if line_before else 0
    return header[i] if 0 <= i < len(header) else f"{i + 1}"


def not_utf8(path: Path, what: str) -> str:
    """Where in ``path`` the first byte that is not UTF-8 is (row and column)."""
    data = path.read_bytes()
    bom = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    try:
        data[bom:].decode("utf-8")
        return f"{path} is not UTF-8 text; expected {what} saved as UTF-8"
    except UnicodeDecodeError as exc:
        pos = exc.start + bom
    row = data.count(b"\n", 0, pos) + 1
    line = data[data.rfind(b"\n", 0, pos) + 1:pos].decode("utf-8", "replace")
    where = (f"row {row}, column {_column_at(_header_of(data), line)}" if row > 1
             else "row 1 (the header)")
    return (f"{path} {where}: byte 0x{data[pos]:02x} is not UTF-8 text; expected {what} "
            f"saved as UTF-8")


def csv_problem(path: Path, row: int, exc: csv.Error, what: str) -> str:
    """One line for a csv.Error (e.g. a cell over the field limit) with its row and column."""
    where = f"row {row}"
    if "field limit" in str(exc):
        limit = csv.field_size_limit()
        with open(path, newline="", encoding="utf-8-sig", errors="replace") as fh:
            header = _cells(fh.readline().rstrip("\r\n"))
            for _ in range(row - 2):
                fh.readline()
            cells = fh.readline().split(",")
        big = next((i for i, c in enumerate(cells) if len(c) > limit), None)
        if big is not None:
            col = header[big] if big < len(header) else str(big + 1)
            where += f", column {col}"
        return (f"{path} {where}: a cell is longer than {limit // 1024} KiB; expected {what} "
                f"with short cells")
    return f"{path} {where}: {exc}; expected {what}"


def read_frames(path: str | Path) -> FramesTable:
    """Read a ``frames.csv``.

    A clean file is read by pyarrow (:mod:`mimicry.io.frames_arrow`); any
    other goes through the careful reader below, which reads it the same way or
    says what is wrong. A last line cut short by a crash is ignored. Raises :class:`InputError`
    naming the file (and the row and column) when it is missing, lacks the
    required columns, is not UTF-8 text or holds a cell that is not a number
    where one is expected (``t`` must be finite).
    """
    path = Path(path)
    from mimicry.io.frames_arrow import read_frames_fast  # noqa: PLC0415

    fast = read_frames_fast(path)
    return FramesTable(**fast) if fast is not None else read_frames_careful(path)


def read_frames_careful(path: Path) -> FramesTable:
    """The csv-module reader: slow, but it names the row and column of any damage."""
    header, rows, skipped = _csv_rows(path, "a frames.csv")
    missing = [c for c in ("t", "frame", "face_id", "face_detected") if c not in header]
    if missing:
        raise InputError(f"{path} lacks column(s) {', '.join(missing)}; expected a frames.csv")
    cols = {name: [r[i] for r in rows] for i, name in enumerate(header)}
    n = len(rows)

    def row_of(i: int) -> int:  # the row number of kept row i (the header is row 1)
        row = i + 2
        for s in sorted(skipped):
            row += s <= row
        return row

    def fcol(name: str, **kw) -> np.ndarray:
        if name not in cols:
            return np.full(n, np.nan)
        return _numbers(path, name, cols[name], row_of, **kw)

    def scol(name: str) -> np.ndarray:
        return np.array(cols.get(name, [""] * n), dtype=object)

    return FramesTable(
        t=fcol("t", finite=True),
        frame=fcol("frame", kind=int),
        face_id=fcol("face_id", kind=int),
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
    header, cells, skipped = _csv_rows(path, "an events.csv")
    skipped = set(skipped)
    events: list[StimulusEvent] = []
    missing = [c for c in ("t", "event") if c not in header]
    if missing:
        raise InputError(
            f"{path} lacks column(s) {', '.join(missing)}; expected an events.csv with "
            f"columns {', '.join(EVENT_COLUMNS)}")
    lineno = 1
    for r in cells:
        lineno += 1
        while lineno in skipped:  # blank lines and a last line cut short by a crash
            lineno += 1
        row = dict(zip(header, r))
        try:
            t = float(row["t"])
        except ValueError:
            t = math.nan
        if not math.isfinite(t):  # NaN/inf would silently break the time order
            raise InputError(f"{path} row {lineno}, column t: {row['t']!r} is not a finite "
                             f"number; expected seconds from the start")
        kind = row["event"].strip()
        if kind not in EVENT_KINDS:
            raise InputError(
                f"{path} row {lineno}, column event: unknown event {kind!r}; expected one of "
                f"{', '.join(EVENT_KINDS)}")
        trial_s = (row.get("trial") or "").strip()
        try:
            trial_f = float(trial_s) if trial_s else None
        except ValueError:
            trial_f = math.nan
        if trial_f is not None and not (math.isfinite(trial_f) and trial_f.is_integer()):
            # was int(float(...)): "2.7" became trial 2 and "inf" a traceback
            raise InputError(f"{path} row {lineno}, column trial: {trial_s!r} is not a whole "
                             f"number; expected a trial number or an empty cell")
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

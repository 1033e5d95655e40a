"""The contract every importer keeps, and the reading every importer shares.

An importer reads the per-frame output of another face-analysis tool
(OpenFace, Py-Feat, iMotions) and returns an :class:`ImportedTable`: times in
seconds, Mimicry's expression channels on Mimicry's 0-1 scale, the file's own
columns untouched, and the stimulus events the file itself holds.
:mod:`mimicry.io.importers.writer` turns that table into a session folder.

The files are read with :func:`read_source`: leading metadata lines (``#...``,
as iMotions writes them) and blank lines before the header are skipped, the
delimiter is a tab when the header holds one and a comma otherwise, header
names are stripped of spaces (OpenFace writes ``" timestamp"``), and text that
is not UTF-8 is read as Latin-1 (older iMotions exports). Every problem is an
:class:`~mimicry.core.errors.InputError` naming the file, the row (the line
number in the file) and the column.
"""

from __future__ import annotations

import csv
import math
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from mimicry.core.channels import CHANNELS
from mimicry.core.errors import InputError
from mimicry.core.messages import StimulusEvent
from mimicry.io.tables import _numbers

#: The action unit (FACS) each channel is read from, in every tool that names AUs.
ACTION_UNITS: dict[str, int] = {"smile": 12, "frown": 15, "brow_lower": 4,
                                "brow_raise_inner": 1, "cheek_raise": 6, "jaw_open": 26,
                                "blink": 45}

#: Slack allowed beyond a tool's documented range (a fraction of the range) before a value
#: is refused; values within it are clipped to 0-1 after conversion.
RANGE_SLACK = 0.01


@dataclass(frozen=True)
class SourceFile:
    """A tool's CSV/TSV file as text cells.

    Attributes
    ----------
    path : Path
    header : list of str
        Column names, stripped of surrounding spaces.
    header_row : int
        Line number of the header in the file (1 when there is no metadata).
    rows : list of list of str
        Data rows, each as long as the header (short rows padded with empty cells).
    row_numbers : list of int
        Line number of each data row in the file.
    encoding : str
        ``"utf-8"`` or ``"latin-1"``.
    """

    path: Path
    header: list[str]
    header_row: int
    rows: list[list[str]]
    row_numbers: list[int]
    encoding: str

    def __len__(self) -> int:
        return len(self.rows)

    def has(self, name: str) -> bool:
        return name in self.header

    def cells(self, name: str) -> list[str]:
        """The stripped cells of column ``name`` (the first of that name)."""
        i = self.header.index(name)
        return [r[i].strip() for r in self.rows]

    def require(self, names: Sequence[str], what: str) -> None:
        """Raise naming the file, the header row and the first of ``names`` it lacks."""
        missing = [n for n in names if n not in self.header]
        if missing:
            raise InputError(f"{self.path} row {self.header_row} (the header), column "
                             f"{missing[0]}: no such column; expected {what} with columns "
                             f"{', '.join(names)}")

    def numbers(self, name: str, *, finite: bool = False) -> np.ndarray:
        """Column ``name`` as floats (empty cells NaN); raises naming the row and column."""
        rows = self.row_numbers
        return _numbers(self.path, name, self.cells(name), lambda i: rows[i], finite=finite)

    def where(self, i: int, name: str) -> str:
        """``"<path> row <line>, column <name>"`` of data row ``i``."""
        return f"{self.path} row {self.row_numbers[i]}, column {name}"


@dataclass
class ImportedTable:
    """A tool's file converted to Mimicry's frames, one entry per row (frame x face).

    Attributes
    ----------
    tool : str
        The importer's name (``openface``, ``pyfeat``, ``imotions``).
    t : ndarray, shape (n,), float
        Seconds on the file's own clock (not shifted, so an ``--events`` file
        written against that clock lines up).
    face_id : ndarray, shape (n,), int
    face_detected : ndarray, shape (n,), bool
    channels : dict of str to ndarray, shape (n,), float
        Every channel of :data:`mimicry.core.channels.CHANNELS`, 0-1; NaN where
        no face or where the tool has no action unit for the channel.
    source_columns : dict of str to ndarray, shape (n,), object (str)
        The file's own columns, cells as written, by their stripped names.
    events : list of StimulusEvent
        Stimuli and markers the file itself holds (empty when it holds none).
    conversion : dict
        What was done to the numbers: the time column and its unit, and for
        every channel the source column and formula (``"AU12_r / 5"``), or None.
    notes : list of str
        Things the user should know (one line each).
    """

    tool: str
    t: np.ndarray
    face_id: np.ndarray
    face_detected: np.ndarray
    channels: dict[str, np.ndarray]
    source_columns: dict[str, np.ndarray]
    events: list[StimulusEvent] = field(default_factory=list)
    conversion: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.t)


class Importer(ABC):
    """Reads one tool's per-frame output.

    Attributes
    ----------
    name : str
        Registry name, the value of ``--from``.
    what : str
        The kind of file, for messages ("an OpenFace FeatureExtraction CSV").

    Parameters
    ----------
    fps : float, optional
        Frames per second of the analysed video, for a tool whose file holds
        frame numbers but no times (Py-Feat); the others ignore it.
    """

    name: str = ""
    what: str = ""

    def __init__(self, fps: float | None = None) -> None:
        self.fps = fps

    @abstractmethod
    def detect(self, header: Sequence[str]) -> bool:
        """True when a header (stripped names) looks like this tool's output."""

    @abstractmethod
    def read(self, path: Path) -> ImportedTable:
        """Read and convert ``path``; raises :class:`InputError` naming the row and column."""


def _decode(path: Path) -> tuple[str, str]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}; expected a CSV file "
                         f"from a face-analysis tool") from None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def _is_preamble(line: str) -> bool:
    """A metadata line (``#Study : ...``) or a line of nothing but delimiters."""
    return line.lstrip().startswith("#") or not line.strip(" \t,;\r\n")


def read_header(path: Path) -> list[str]:
    """Only the header of ``path`` (stripped names), for detecting the tool."""
    return read_source(path, header_only=True).header


def read_source(path: str | Path, *, header_only: bool = False) -> SourceFile:
    """Read a tool's file into text cells (see the module docstring for the rules)."""
    path = Path(path)
    text, encoding = _decode(path)
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if not _is_preamble(line)), None)
    if start is None:
        raise InputError(f"{path} holds no header row; expected a CSV file from a "
                         f"face-analysis tool")
    delimiter = "\t" if "\t" in lines[start] else ","
    try:
        parsed = csv.reader(lines[start:], delimiter=delimiter)
        header = [h.strip() for h in next(parsed)]
        rows: list[list[str]] = []
        numbers: list[int] = []
        if not header_only:
            for k, cells in enumerate(parsed):
                if not any(c.strip() for c in cells):
                    continue  # blank line
                row = start + 2 + k
                if len(cells) > len(header):
                    if any(c.strip() for c in cells[len(header):]):
                        raise InputError(f"{path} row {row}: {len(cells)} cells where the "
                                         f"header (row {start + 1}) has {len(header)}; "
                                         f"expected whole rows")
                    cells = cells[:len(header)]
                rows.append(cells + [""] * (len(header) - len(cells)))
                numbers.append(row)
    except csv.Error as exc:
        raise InputError(f"{path} row {start + 1 + parsed.line_num}: {exc}; expected a CSV "
                         f"file from a face-analysis tool") from None
    if not header_only and not rows:
        raise InputError(f"{path} has a header (row {start + 1}) but no data rows; expected "
                         f"a face-analysis tool's per-frame output")
    return SourceFile(path=path, header=header, header_row=start + 1, rows=rows,
                      row_numbers=numbers, encoding=encoding)


def check_times(src: SourceFile, t: np.ndarray, face_id: np.ndarray, column: str) -> None:
    """Refuse a time that goes back within one face (a sorted or merged file is expected)."""
    for fid in np.unique(face_id):
        idx = np.flatnonzero(face_id == fid)
        back = np.flatnonzero(np.diff(t[idx]) < 0)
        if back.size:
            i = int(idx[back[0] + 1])
            raise InputError(f"{src.where(i, column)}: {src.rows[i][src.header.index(column)]!r} "
                             f"is earlier than the row before; expected times that never go "
                             f"back")


def scaled(src: SourceFile, column: str, convert: Callable[[np.ndarray], np.ndarray],
           lo: float, hi: float, unit: str) -> np.ndarray:
    """Column ``column`` converted to 0-1 by ``convert``; a value outside ``[lo, hi]`` is refused.

    Parameters
    ----------
    lo, hi : float
        The tool's documented range of the column (checked before conversion,
        with :data:`RANGE_SLACK`); ``-inf``/``inf`` for none.
    unit : str
        How the range is described in the message ("0 to 5, OpenFace's AU intensity").

    Returns
    -------
    ndarray, shape (n,)
        0-1, NaN where the cell is empty.
    """
    raw = src.numbers(column)
    slack = RANGE_SLACK * (hi - lo) if math.isfinite(hi - lo) else 0.0
    bad = np.flatnonzero((raw < lo - slack) | (raw > hi + slack))
    if bad.size:
        i = int(bad[0])
        raise InputError(f"{src.where(i, column)}: {src.rows[i][src.header.index(column)]!r} "
                         f"is outside {unit}; expected a value from {lo:g} to {hi:g}")
    with np.errstate(over="ignore"):
        return np.clip(convert(raw), 0.0, 1.0)


def channels_from(src: SourceFile, mapping: dict[str, tuple[str, str]],
                  convert: Callable[[np.ndarray], np.ndarray], lo: float, hi: float,
                  unit: str, face: np.ndarray) -> tuple[dict[str, np.ndarray], dict]:
    """Every channel of :data:`CHANNELS` from ``mapping`` (channel -> (column, formula)).

    Channels whose column the file lacks, and channels with no action unit,
    stay NaN; derived channels (``valence``) are computed from the others as
    the tracker does. Rows without a face are NaN.

    Returns
    -------
    channels : dict of str to ndarray, shape (n,)
    conversion : dict of str to str or None
        For each channel the source column and formula, None when left empty.
    """
    n = len(src)
    out = {ch: np.full(n, np.nan) for ch in CHANNELS}
    conversion: dict[str, str | None] = {ch: None for ch in CHANNELS}
    for ch, (column, formula) in mapping.items():
        if ch in out and src.has(column):
            out[ch] = np.where(face, scaled(src, column, convert, lo, hi, unit), np.nan)
            conversion[ch] = formula
    derive_channels(out, conversion)
    return out, conversion


def derive_channels(channels: dict[str, np.ndarray], conversion: dict) -> None:
    """Fill derived tracked channels (``valence``) in place with the tracker's formula.

    The formula of a derived channel reads only the channels computed before
    it, so it is evaluated row by row with the blendshapes unknown (NaN).
    """
    from mimicry.core.channels import REGISTRY  # noqa: PLC0415

    derived = [c for c in REGISTRY if c.tracked and c.derived]
    if not derived:
        return
    n = len(next(iter(channels.values())))
    nan_blendshapes = np.full(52, np.nan)
    for i in range(n):
        done = {ch: float(v[i]) for ch, v in channels.items()}
        for c in derived:
            done[c.name] = c.compute(nan_blendshapes, done)
            channels[c.name][i] = done[c.name]
    for c in derived:
        conversion[c.name] = "derived from the channels above, as the tracker does"

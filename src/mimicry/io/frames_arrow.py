"""The fast path for reading ``frames.csv``: pyarrow's multi-threaded CSV reader.

An hour at 30 fps is 108,000 rows of about 90 columns; the csv module and
per-cell ``float()`` take seconds over that, pyarrow a fraction of one.
pyarrow accepts a subset of what the careful reader in
:mod:`mimicry.io.tables` accepts, so this path only ever answers for a clean
file. For anything else (a damaged row, a cell that is not a number, a last
row cut short by a crash, an infinite value, an empty cell in a whole-number
column) it returns ``None`` and the careful reader runs, which either reads the
file the same way or raises the one-line message naming the row and column.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from mimicry.core.channels import CHANNELS
from mimicry.io.formats import BLENDSHAPE_COLUMNS, FRAME_COLUMNS, POSE_COLUMNS

#: Columns read as whole numbers; any other known column but the text ones is a float.
INT_COLUMNS = ("frame", "face_id")
TEXT_COLUMNS = ("face_detected", "condition", "stimulus_id", "source", "group")
REQUIRED = ("t", "frame", "face_id", "face_detected")


def read_frames_fast(path: Path) -> dict | None:
    """The fields of a :class:`~mimicry.io.tables.FramesTable` read by pyarrow, or ``None``.

    ``None`` means "let the careful reader decide": this function never raises
    for a damaged file and never accepts one the careful reader would reject.
    """
    try:
        import pyarrow as pa  # noqa: PLC0415
        import pyarrow.csv as pcsv  # noqa: PLC0415
    except ImportError:  # a core install without pyarrow still reads, slowly
        return None
    try:
        with open(path, "rb") as fh:
            first = fh.readline(1 << 16).decode("utf-8").lstrip("\ufeff").rstrip("\r\n")
        header = next(csv.reader([first]))
    except (OSError, UnicodeDecodeError, csv.Error, StopIteration):
        return None
    if len(set(header)) != len(header) or any(c not in header for c in REQUIRED):
        return None
    # Text as dictionaries: a column of few distinct values becomes a numpy
    # object array by indexing, not by building a Python string per row.
    TEXT = pa.dictionary(pa.int32(), pa.string())
    types = {name: (pa.int64() if name in INT_COLUMNS else
                    TEXT if name in TEXT_COLUMNS or name not in FRAME_COLUMNS else
                    pa.float64()) for name in header}
    try:
        table = pcsv.read_csv(
            path,
            read_options=pcsv.ReadOptions(encoding="utf8"),
            parse_options=pcsv.ParseOptions(newlines_in_values=False),
            convert_options=pcsv.ConvertOptions(
                column_types=types, null_values=[""], strings_can_be_null=False,
                quoted_strings_can_be_null=False),
        )
    except (pa.ArrowException, OSError, ValueError):
        return None
    if table.column_names != header:
        return None
    n = table.num_rows
    limit = csv.field_size_limit()
    cols: dict[str, np.ndarray] = {}
    for name in header:
        col = table.column(name)
        if name in INT_COLUMNS:
            if col.null_count:
                return None
            cols[name] = col.to_numpy().astype(np.int64, copy=False)
        elif types[name] == TEXT:
            col = col.combine_chunks()
            if len(col) and max(map(len, col.dictionary.to_pylist()), default=0) > limit:
                return None  # the csv module refuses such a cell: let it say where
            cols[name] = _text(col)
        else:
            values = col.to_numpy(zero_copy_only=False).astype(float, copy=False)
            if np.isinf(values).any() or (name == "t" and not np.isfinite(values).all()):
                return None
            cols[name] = values

    def fcol(name: str) -> np.ndarray:
        return cols[name] if name in cols else np.full(n, np.nan)

    def scol(name: str) -> np.ndarray:
        return cols[name] if name in cols else np.array([""] * n, dtype=object)

    return dict(
        t=cols["t"], frame=cols["frame"], face_id=cols["face_id"],
        face_detected=cols["face_detected"] == "1",
        channels={ch: fcol(ch) for ch in CHANNELS},
        pose=_by_rows([fcol(c) for c in POSE_COLUMNS], n),
        blendshapes=_by_rows([fcol(c) for c in BLENDSHAPE_COLUMNS], n),
        trial=fcol("trial"),
        condition=scol("condition"),
        stimulus_id=scol("stimulus_id"),
        stimulus_intensity=fcol("stimulus_intensity"),
        source=scol("source"),
        extra={k: v for k, v in cols.items() if k not in FRAME_COLUMNS},
    )


def _by_rows(columns: list[np.ndarray], n: int) -> np.ndarray:
    """Columns as an array of shape (n, k): a column-major copy (``column_stack``'s
    row-major scatter takes most of the read on a long session)."""
    return np.stack(columns).T if n else np.zeros((0, len(columns)))


def _text(col) -> np.ndarray:
    """A dictionary-encoded text column as a numpy object array of str."""
    words = col.dictionary.to_numpy(zero_copy_only=False).astype(object)
    return words[col.indices.to_numpy()] if len(col) else np.array([], dtype=object)

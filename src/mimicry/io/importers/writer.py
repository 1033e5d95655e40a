"""An imported table written as a session folder that analyze, report and aggregate read.

The folder holds ``frames.csv`` (:data:`~mimicry.io.formats.FRAME_COLUMNS`,
then the source file's own columns as ``src_<name>``), ``events.csv`` and
``session.json`` (``kind: "import"``, ``status: "complete"``, and a
``source`` block naming the tool, the file, its SHA-256 and every conversion).
The files are written aside and moved in only when all are written
(:func:`~mimicry.io.staging.staged_outputs`); a folder that exists and is not
empty is refused, so an import never replaces anything.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Sequence

import numpy as np

from mimicry.core.assets import file_sha256
from mimicry.core.channels import CHANNELS
from mimicry.core.errors import InputError
from mimicry.core.messages import StimulusEvent
from mimicry.io.atomic import formula_safe
from mimicry.io.formats import (BLENDSHAPE_COLUMNS, FRAME_COLUMNS, POSE_COLUMNS,
                                STIMULUS_COLUMNS, open_csv_writer)
from mimicry.io.importers.base import ImportedTable
from mimicry.io.session import new_session_meta, wall_clock_now, write_session_json
from mimicry.io.staging import staged_outputs
from mimicry.io.tables import sorted_events, write_events

#: Prefix of the source file's own columns in ``frames.csv``.
SOURCE_PREFIX = "src_"


def source_column_names(names: Sequence[str]) -> list[str]:
    """``src_<name>`` for each name, unique (``src_column3`` for an unnamed third column)."""
    out: list[str] = []
    for k, name in enumerate(names):
        base = SOURCE_PREFIX + (name or f"column{k + 1}")
        col, n = base, 1
        while col in out:
            n += 1
            col = f"{base}_{n}"
        out.append(col)
    return out


def check_new_folder(out: Path) -> None:
    """Refuse an output that is a file or a folder that is not empty (one line)."""
    if out.exists() and not out.is_dir():
        raise InputError(f"--out {out} is a file; expected a new or empty folder")
    if out.is_dir():
        try:
            entries = next(os.scandir(out), None)
        except OSError as exc:
            raise InputError(f"cannot read --out {out}: {exc.strerror or exc}; expected a new "
                             f"or empty folder") from None
        if entries is not None:
            raise InputError(f"--out {out} is not empty; expected a new or empty folder "
                             f"(an import never overwrites a session)")


def write_imported_session(table: ImportedTable, out: str | os.PathLike, *, source_path: Path,
                           events: Sequence[StimulusEvent], events_from: str,
                           annotator=None) -> Path:
    """Write ``table`` as a session folder ``out``; returns its path.

    Parameters
    ----------
    table : ImportedTable
    out : path
        A new or empty folder.
    source_path : Path
        The imported file (hashed into ``session.json``).
    events : sequence of StimulusEvent
        The session's events (the file's own or an ``--events`` file's).
    events_from : str
        Where ``events`` came from, for ``session.json`` ("the file", an
        events.csv path, or "none").
    annotator : object, optional
        ``annotator.columns(t)`` gives the stimulus cells of a row
        (:class:`mimicry.protocol.timeline.StimulusAnnotator`); without one they stay empty.
    """
    out = Path(out).expanduser()
    check_new_folder(out)
    n = len(table)
    n_face = int(np.count_nonzero(table.face_detected))
    meta = new_session_meta(
        "import",
        source={"kind": "import", "tool": table.tool, "name": str(source_path),
                "sha256": file_sha256(source_path), "conversion": table.conversion,
                "source_columns_prefix": SOURCE_PREFIX},
        model_sha256=None, events_file=events_from, faces=int(len(np.unique(table.face_id))) if n else 0)
    with staged_outputs(out, writes=("frames.csv", "events.csv", "session.json"),
                        keep=[source_path]) as stage:
        _write_frames(stage / "frames.csv", table, source_path.name, annotator)
        write_events(stage / "events.csv", sorted_events(list(events)))
        meta.update(status="complete", ended_at=wall_clock_now(), n_frames=n,
                    face_frames_pct=round(100.0 * n_face / n, 2) if n else 0.0)
        write_session_json(stage, meta)
    return out


def _cell(v: float) -> str:
    return f"{v:.4f}" if np.isfinite(v) else ""


def _write_frames(path: Path, table: ImportedTable, source_name: str, annotator) -> None:
    names = list(table.source_columns)
    src_cols = [table.source_columns[k] for k in names]
    empty_stim = [""] * len(STIMULUS_COLUMNS)
    frame = np.unique(table.t, return_inverse=True)[1]
    empty_tail = [""] * (len(POSE_COLUMNS))
    empty_bs = [""] * len(BLENDSHAPE_COLUMNS)
    fh, writer = open_csv_writer(path, FRAME_COLUMNS + tuple(source_column_names(names)))
    with fh:
        for i in range(len(table)):
            t = float(table.t[i])
            stim = annotator.columns(t) if annotator is not None else empty_stim
            writer.writerow(
                [f"{t:.4f}", str(int(frame[i])), str(int(table.face_id[i])),
                 "1" if table.face_detected[i] else "0"]
                + [_cell(float(table.channels[ch][i])) for ch in CHANNELS]
                + empty_tail + [formula_safe(source_name)] + empty_bs + stim
                + [formula_safe(str(c[i])) for c in src_cols])

"""iMotions facial-expression export: AFFDEX (Affectiva) or FACET (Emotient) columns.

iMotions exports one row per sample with ``Timestamp`` in milliseconds. The
file may open with metadata lines (``#Study : ...``, ``#INFO,...``) and a
blank line before the header, and may be tab-separated (iMotions 5-7) or
comma-separated (8 and later); both are read (:func:`~.base.read_source`).

Two styles of expression columns, told apart by the header:

**AFFDEX** (``Smile``, ``Brow Furrow``, ...): scores from 0 to 100, divided
by 100. ``Blink`` is a 0/1 blink indicator, kept as is.

**FACET evidence** (``AU12 Evidence``, ...): base-10 log-odds that the action
unit is present (an evidence of 1 means ten times more likely present than
absent), turned into a probability with the logistic function in base 10,
``p = 1 / (1 + 10 ** -evidence)`` (Py-Feat's ``softmax`` for FACET does the
same). FACET has no AU45, so ``blink`` stays empty.

=================  ======================  ===========================
channel            AFFDEX column (/ 100)   FACET column (logistic)
=================  ======================  ===========================
smile              Smile                   AU12 Evidence
frown              Lip Corner Depressor    AU15 Evidence
brow_lower         Brow Furrow             AU4 Evidence
brow_raise_inner   Inner Brow Raise        AU1 Evidence
cheek_raise        Cheek Raise             AU6 Evidence
jaw_open           Jaw Drop                AU26 Evidence
blink              Blink (0/1, as is)      --
=================  ======================  ===========================

iMotions puts every sensor's samples in one table: a row whose expression
columns are all empty is another sensor's sample, or a frame without a face,
and is left out. Stimuli come from ``SourceStimuliName`` (iMotions 8 and
later) or ``StimulusName`` (:mod:`~.stimuli`); ``MarkerText``, ``LiveMarker``
and ``Annotation`` become ``marker`` events. Head pose is not converted; the
file's own columns are kept as ``src_...`` columns.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np

from mimicry.core.errors import InputError
from mimicry.io.importers.base import (ACTION_UNITS, ImportedTable, Importer, SourceFile,
                                       channels_from, check_times, read_source)
from mimicry.io.importers.stimuli import marker_events, stimulus_events

#: channel -> (AFFDEX column, formula).
AFFDEX_COLUMNS: dict[str, tuple[str, str]] = {
    "smile": ("Smile", "Smile / 100"),
    "frown": ("Lip Corner Depressor", "Lip Corner Depressor / 100"),
    "brow_lower": ("Brow Furrow", "Brow Furrow / 100"),
    "brow_raise_inner": ("Inner Brow Raise", "Inner Brow Raise / 100"),
    "cheek_raise": ("Cheek Raise", "Cheek Raise / 100"),
    "jaw_open": ("Jaw Drop", "Jaw Drop / 100"),
}
#: AFFDEX's blink indicator (0 or 1).
AFFDEX_BLINK = "Blink"

#: channel -> (FACET evidence column, formula); blinks are AFFDEX's, not FACET's.
FACET_COLUMNS: dict[str, tuple[str, str]] = {
    ch: (f"AU{au} Evidence", f"1 / (1 + 10 ** -(AU{au} Evidence))")
    for ch, au in ACTION_UNITS.items() if ch != "blink"}

#: Stimulus name columns, the first present is used.
STIMULUS_COLUMNS: tuple[str, ...] = ("SourceStimuliName", "StimulusName")
#: Columns whose new non-empty text becomes a ``marker`` event.
MARKER_COLUMNS: tuple[str, ...] = ("MarkerText", "LiveMarker", "Annotation")


def logistic10(evidence: np.ndarray) -> np.ndarray:
    """Probability from base-10 log-odds: ``1 / (1 + 10 ** -evidence)``."""
    return 1.0 / (1.0 + np.power(10.0, -evidence))


def _style(header: Sequence[str]) -> str | None:
    if "AU12 Evidence" in header:
        return "facet"
    if "Smile" in header or "Brow Furrow" in header:
        return "affdex"
    return None


class IMotionsImporter(Importer):
    """iMotions AFFDEX or FACET export (see the module docstring)."""

    name = "imotions"
    what = "an iMotions facial-expression export (AFFDEX or FACET)"

    def detect(self, header: Sequence[str]) -> bool:
        return "Timestamp" in header and _style(header) is not None

    def read(self, path: Path) -> ImportedTable:
        src = read_source(path)
        style = _style(src.header)
        if style is None:
            src.require(("Timestamp", "Smile"), self.what)
        src.require(("Timestamp", "AU12 Evidence" if style == "facet" else "Smile"), self.what)
        mapping = FACET_COLUMNS if style == "facet" else AFFDEX_COLUMNS
        src = _expression_rows(src, [c for c, _ in mapping.values()]
                               + ([AFFDEX_BLINK] if style == "affdex" else []))
        t = src.numbers("Timestamp", finite=True) / 1000.0
        face_id = np.zeros(len(src), dtype=np.int64)
        check_times(src, t, face_id, "Timestamp")
        key = mapping["smile"][0]
        face = np.isfinite(src.numbers(key))
        if style == "facet":
            channels, conversion = channels_from(
                src, mapping, logistic10, -np.inf, np.inf, "any log-odds", face)
        else:
            channels, conversion = channels_from(
                src, mapping, lambda x: x / 100.0, 0.0, 100.0, "0 to 100 (AFFDEX's score)",
                face)
            if src.has(AFFDEX_BLINK):
                blink, _ = channels_from(src, {"blink": (AFFDEX_BLINK, "")}, lambda x: x,
                                         0.0, 1.0, "0 or 1 (AFFDEX's blink indicator)", face)
                channels["blink"] = blink["blink"]
                conversion["blink"] = "Blink as is (0 or 1)"
        events, notes = _events(src, t)
        return ImportedTable(
            tool=self.name, t=t, face_id=face_id, face_detected=face, channels=channels,
            source_columns={h: np.array(src.cells(h), dtype=object) for h in src.header},
            events=events,
            conversion={"style": style, "time": "Timestamp / 1000 (milliseconds to seconds)",
                        "face": f"{key} is a number", "channels": conversion},
            notes=notes,
        )


def _expression_rows(src: SourceFile, columns: list[str]) -> SourceFile:
    """Only the rows with at least one expression cell (other sensors' samples go)."""
    present = [src.header.index(c) for c in columns if src.has(c)]
    keep = [i for i, r in enumerate(src.rows) if any(r[j].strip() for j in present)]
    if not keep:
        raise InputError(f"{src.path}, column {columns[0]}: empty on every row; expected an "
                         f"export with the facial-expression data")
    return SourceFile(path=src.path, header=src.header, header_row=src.header_row,
                      rows=[src.rows[i] for i in keep],
                      row_numbers=[src.row_numbers[i] for i in keep], encoding=src.encoding)


def _events(src: SourceFile, t: np.ndarray) -> tuple[list, list[str]]:
    events, notes = [], []
    column = next((c for c in STIMULUS_COLUMNS if src.has(c)), None)
    if column is not None:
        events, notes = stimulus_events(t, src.cells(column), column)
    for marker in MARKER_COLUMNS:
        if src.has(marker):
            events += marker_events(t, src.cells(marker), marker)
    return sorted(events, key=lambda e: e.t), notes

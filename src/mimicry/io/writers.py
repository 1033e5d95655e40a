"""Incremental, crash-safe writers for ``frames.csv`` and ``events.csv``.

Rows are written as they come and flushed to the operating system at least
every :data:`FLUSH_INTERVAL_S` seconds, so a killed process loses at most the
last second. A write failure (disk full, folder removed) raises
:class:`WriteError` naming the file; what was already flushed stays readable.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Sequence

from mimicry.core.channels import CHANNELS
from mimicry.core.errors import MimicryError
from mimicry.io.formats import EVENT_COLUMNS, FRAME_COLUMNS, STIMULUS_COLUMNS, open_csv_writer
from mimicry.core.messages import FaceObservation, StimulusEvent
from mimicry.io.tables import event_row

FLUSH_INTERVAL_S = 0.5
_N_BS = 52


class WriteError(MimicryError):
    """A session file could not be written."""


class _CsvAppender:
    def __init__(self, path: Path, columns: Sequence[str]) -> None:
        self.path = Path(path)
        self._fh, self._writer = open_csv_writer(self.path, columns)
        self._last_flush = time.monotonic()
        self.rows = 0
        self._fh.flush()

    def _write(self, row: list[str]) -> None:
        try:
            self._writer.writerow(row)
        except OSError as exc:
            raise WriteError(f"cannot write {self.path}: {exc.strerror or exc}; rows written "
                             f"before this point are kept") from None
        self.rows += 1
        if time.monotonic() - self._last_flush >= FLUSH_INTERVAL_S:
            self.flush()

    def flush(self) -> None:
        try:
            self._fh.flush()
            # On POSIX, writing into a file whose folder was deleted succeeds and
            # the rows vanish: notice it here, at most one flush interval late.
            removed = os.fstat(self._fh.fileno()).st_nlink == 0
        except OSError as exc:
            raise WriteError(f"cannot write {self.path}: {exc.strerror or exc}; rows written "
                             f"before this point are kept") from None
        if removed:
            raise WriteError(f"cannot write {self.path}: the file or its folder was removed "
                             f"while recording; expected it to stay in place")
        self._last_flush = time.monotonic()

    def close(self) -> None:
        if self._fh.closed:
            return
        try:
            self._fh.close()
        except OSError as exc:
            raise WriteError(f"cannot write {self.path}: {exc.strerror or exc}") from None


class _NoTimeline:
    """The stimulus columns when no timeline is known: all empty."""

    @staticmethod
    def columns(t: float) -> list[str]:
        return [""] * len(STIMULUS_COLUMNS)


class FramesWriter(_CsvAppender):
    """Writes ``frames.csv`` rows, one per frame and face slot."""

    def __init__(self, path: Path, annotator=None) -> None:
        """``annotator.columns(t)`` gives the stimulus cells of a row
        (:class:`mimicry.protocol.timeline.StimulusAnnotator`); without one they stay empty."""
        super().__init__(path, FRAME_COLUMNS)
        self.annotator = annotator if annotator is not None else _NoTimeline()

    def write(self, obs: FaceObservation, stimulus: list[str] | None = None) -> None:
        stim = stimulus if stimulus is not None else self.annotator.columns(obs.t)
        head = [f"{obs.t:.4f}", str(obs.frame), str(obs.face_id)]
        if obs.detected:
            ch = obs.channels
            bs = obs.blendshapes
            row = (head + ["1"] + [f"{ch[c]:.4f}" for c in CHANNELS]
                   + [f"{v:.2f}" for v in obs.pose] + [obs.source]
                   + [f"{v:.4f}" for v in bs.tolist()] + stim)
        else:
            row = (head + ["0"] + [""] * (len(CHANNELS) + 3) + [obs.source]
                   + [""] * _N_BS + stim)
        self._write(row)

    def write_all(self, observations: Sequence[FaceObservation]) -> None:
        if not observations:
            return
        stim = self.annotator.columns(observations[0].t)
        for obs in observations:
            self.write(obs, stim)


class EventsWriter(_CsvAppender):
    """Writes ``events.csv`` rows as events happen (flushed immediately: they are rare)."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, EVENT_COLUMNS)

    def write(self, event: StimulusEvent) -> None:
        self._write(event_row(event))
        self.flush()

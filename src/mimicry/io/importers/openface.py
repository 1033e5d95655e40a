"""OpenFace 2 (FeatureExtraction, FaceLandmarkVidMulti) per-frame CSV.

The columns are those of OpenFace's wiki page "Output Format": ``frame``,
``face_id`` (multi-face runs), ``timestamp`` (seconds), ``confidence``,
``success``, gaze, pose, landmarks and the action units: ``AU01_r`` ..
``AU45_r`` (intensity, 0-5) and ``AU01_c`` .. ``AU45_c`` (presence, 0 or 1).
OpenFace writes a space after every comma, so the header reads
``frame, face_id, timestamp, ...``; names are stripped.

=================  ==========  =================================
channel            column      conversion
=================  ==========  =================================
smile              AU12_r      / 5
frown              AU15_r      / 5
brow_lower         AU04_r      / 5
brow_raise_inner   AU01_r      / 5
cheek_raise        AU06_r      / 5
jaw_open           AU26_r      / 5
blink              AU45_r      / 5
=================  ==========  =================================

A row has a face when ``success`` is 1 (OpenFace's own verdict from its
``confidence``); without a ``success`` column, when ``confidence`` is at least
0.5. OpenFace writes 0 for every AU of a frame it failed on; those rows get
empty channels, not zeros. The presence columns (``AU12_c``) and every other
column are kept in ``frames.csv`` as ``src_...`` columns; head pose is not
converted (OpenFace's axes differ from Mimicry's) and stays in ``src_pose_R*``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np

from mimicry.io.importers.base import (ACTION_UNITS, ImportedTable, Importer, channels_from,
                                       check_times, read_source)

#: channel -> (intensity column, formula).
CHANNEL_COLUMNS: dict[str, tuple[str, str]] = {
    ch: (f"AU{au:02d}_r", f"AU{au:02d}_r / 5") for ch, au in ACTION_UNITS.items()}

#: Lowest ``confidence`` counted as a face when the file has no ``success`` column.
MIN_CONFIDENCE = 0.5


class OpenFaceImporter(Importer):
    """OpenFace 2 FeatureExtraction output (see the module docstring)."""

    name = "openface"
    what = "an OpenFace output CSV (FeatureExtraction)"

    def detect(self, header: Sequence[str]) -> bool:
        return "timestamp" in header and "AU12_r" in header

    def read(self, path: Path) -> ImportedTable:
        src = read_source(path)
        src.require(("timestamp", "AU12_r"), self.what)
        if not (src.has("success") or src.has("confidence")):
            src.require(("success",), self.what)
        t = src.numbers("timestamp", finite=True)
        face_id = (src.numbers("face_id", finite=True).astype(np.int64) if src.has("face_id")
                   else np.zeros(len(src), dtype=np.int64))
        check_times(src, t, face_id, "timestamp")
        if src.has("success"):
            face = src.numbers("success") == 1
            face_rule = "success == 1"
        else:
            face = src.numbers("confidence") >= MIN_CONFIDENCE
            face_rule = f"confidence >= {MIN_CONFIDENCE:g}"
        face &= np.isfinite(src.numbers("AU12_r"))
        channels, conversion = channels_from(src, CHANNEL_COLUMNS, lambda x: x / 5.0, 0.0, 5.0,
                                             "0 to 5 (OpenFace's AU intensity)", face)
        return ImportedTable(
            tool=self.name, t=t, face_id=face_id, face_detected=face, channels=channels,
            source_columns={h: np.array(src.cells(h), dtype=object) for h in src.header},
            conversion={"time": "timestamp, seconds", "face": face_rule,
                        "channels": conversion},
        )

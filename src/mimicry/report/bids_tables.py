"""One session's BIDS files: ``events.tsv`` from events.csv, ``physio.tsv.gz`` from frames.csv.

Times keep the session clock of frames.csv and events.csv (0 at the session's
start): an event's ``onset`` is its ``t`` in events.csv and the physio file's
``StartTime`` is the time of its first sample on that clock.

Resampling (BIDS continuous recordings need one sampling rate): the frames of
one face slot are linearly interpolated (:func:`numpy.interp`) onto a uniform
grid that starts at the first frame, at the session's median frame rate
rounded to a whole number of Hz unless a rate is given. A sample whose two
neighbouring frames do not both have a value (no face, or an empty cell), or
lie more than :func:`max_gap_s` apart, is ``n/a`` (the BIDS mark for a
missing value in every TSV file) and has ``face_detected`` 0; no gap is
bridged. docs/bids.md describes every column.
"""

from __future__ import annotations

import csv
import gzip
import io
import math
from typing import Sequence

import numpy as np

from mimicry.analysis.baseline import expression_periods
from mimicry.core.channels import CHANNELS, REGISTRY
from mimicry.core.errors import InputError
from mimicry.core.messages import StimulusEvent
from mimicry.io.formats import POSE_COLUMNS, onset_detail, parse_detail
from mimicry.io.tables import FramesTable

NA = "n/a"
#: Columns of events.tsv, in order.
EVENT_COLUMNS: tuple[str, ...] = ("onset", "duration", "trial_type", "trial", "stimulus",
                                  "intensity", "morph_s", "block", "group")
#: Columns of physio.tsv.gz, in order (the file has no header; the sidecar's ``Columns``).
PHYSIO_COLUMNS: tuple[str, ...] = CHANNELS + POSE_COLUMNS + ("face_detected",)

#: What each kind of row of events.tsv (``trial_type``) is; a stimulus row's is its condition.
TRIAL_TYPE_TEXT: dict[str, str] = {
    "happy": "a happy face morphing in from neutral",
    "sad": "a sad face morphing in from neutral",
    "neutral": "a neutral face",
    "calibration": "the neutral calibration at the start (no stimulus): the baseline period",
    "posed_smile": "the participant was asked to smile as widely as they could",
    "posed_sad": "the participant was asked to look as sad as they could",
}

_FORMULA: dict[str, str] = {
    "smile": "mean(mouthSmileLeft, mouthSmileRight)",
    "frown": "mean(mouthFrownLeft, mouthFrownRight)",
    "brow_lower": "mean(browDownLeft, browDownRight)",
    "brow_raise_inner": "browInnerUp",
    "cheek_raise": "max(mean(cheekSquintLeft, cheekSquintRight), "
                   "mean(eyeSquintLeft, eyeSquintRight))",
    "jaw_open": "jawOpen",
    "blink": "mean(eyeBlinkLeft, eyeBlinkRight)",
    "valence": "smile - clip(brow_raise_inner + frown, 0, 1)",
}


# --------------------------------------------------------------------------- events.tsv

def event_rows(events: Sequence[StimulusEvent], where: str) -> list[dict]:
    """The rows of events.tsv: each stimulus, the calibration and each posed expression.

    A stimulus row runs from its ``stimulus_onset`` to its ``stimulus_offset``
    (the face then morphs back over ``morph_s``); an onset without an offset (a
    session cut short) has duration ``n/a``. Markers, face_lost/face_found and
    the session start and end are not rows. ``where`` names events.csv in errors.

    Returns
    -------
    list of dict
        Keys :data:`EVENT_COLUMNS`; values float, int, str or None (``n/a``),
        sorted by onset.
    """
    rows: list[dict] = []
    offsets = {e.trial: e.t for e in events
               if e.event == "stimulus_offset" and e.trial is not None}
    for e in events:
        if e.event != "stimulus_onset" or e.trial is None:
            continue
        d = onset_detail(e.detail, f"{where}, trial {e.trial} onset, column detail")
        group = parse_detail(e.detail).get("group") or None
        off = offsets.get(e.trial)
        rows.append(dict(onset=e.t, duration=off - e.t if off is not None and off >= e.t else None,
                         trial_type=e.condition or None, trial=e.trial,
                         stimulus=e.stimulus_id or None, intensity=d["intensity"],
                         morph_s=d["morph_s"], block=int(d["block"]), group=group))
    start = next((e.t for e in events if e.event == "calibration_start"), None)
    end = next((e.t for e in events if e.event == "calibration_end"), None)
    if start is not None and end is not None and end >= start:
        rows.append(_plain_row(start, end - start, "calibration"))
    for name, t0, t1 in expression_periods(events):
        rows.append(_plain_row(t0, t1 - t0, f"posed_{name}" if name else "posed"))
    return sorted(rows, key=lambda r: (r["onset"], r["trial"] is None))


def _plain_row(onset: float, duration: float, kind: str) -> dict:
    return {**dict.fromkeys(EVENT_COLUMNS), "onset": onset, "duration": duration,
            "trial_type": kind}


def events_sidecar(trial_types: Sequence[str]) -> dict:
    """The data dictionary of events.tsv: every column, with ``Levels`` of the categorical ones."""
    return {
        "onset": {"Description": "Start of the event on the session clock (events.csv t; "
                                 "0 is the start of the session, as the physio StartTime)",
                  "Units": "s"},
        "duration": {"Description": "Stimulus rows: from the onset to the moment the face starts "
                                    "morphing back to neutral (it is gone morph_s later); other "
                                    "rows: the length of the period. n/a when the session ended "
                                    "before the stimulus did", "Units": "s"},
        "trial_type": {"Description": "The stimulus condition, or what the period was",
                       "Levels": {t: TRIAL_TYPE_TEXT.get(t, f"a {t} stimulus")
                                  for t in trial_types}},
        "trial": {"Description": "Trial number in the session (n/a for periods without a "
                                 "stimulus)"},
        "stimulus": {"Description": "Identifier of the stimulus face (stimulus_id in events.csv; "
                                    "a face of the stimulus set, not a file in this dataset)"},
        "intensity": {"Description": "Peak expression intensity of the stimulus face, 0 (neutral) "
                                     "to 1 (full expression)"},
        "morph_s": {"Description": "Time the face takes to morph from neutral to its peak after "
                                   "the onset (smoothstep easing), and back after onset + "
                                   "duration", "Units": "s"},
        "block": {"Description": "Block of the randomisation design the trial belongs to"},
        "group": {"Description": "Group label the face was shown with (group protocols)",
                  "Levels": {"own": "shown as a member of the participant's own group",
                             "other": "shown as a member of the other group"}},
    }


# --------------------------------------------------------------------------- physio.tsv.gz

def median_rate_hz(t: np.ndarray) -> int:
    """The median frame rate of frame times ``t`` (s), rounded to a whole number of Hz (>= 1)."""
    dt = np.diff(t)
    dt = dt[dt > 0]
    if not len(dt):
        return 1
    return max(1, int(round(1.0 / float(np.median(dt)))))


def max_gap_s(rate_hz: float) -> float:
    """Frames further apart than this are not interpolated between: 0.25 s or 2.5 samples."""
    return max(0.25, 2.5 / rate_hz)


def resample(frames: FramesTable, rate_hz: float | None = None) -> tuple[float, int, np.ndarray]:
    """The frames of one face slot on a uniform grid (see the module docstring).

    Parameters
    ----------
    frames : FramesTable
        One face slot's rows, at least two distinct times.
    rate_hz : float, optional
        Sampling rate; default :func:`median_rate_hz` of the frames.

    Returns
    -------
    start_s : float
        Time of the first sample, seconds on the session clock.
    rate_hz : int or float
    data : ndarray, shape (n_samples, len(PHYSIO_COLUMNS)), float
        NaN where missing; the last column (``face_detected``) is 0 or 1.
    """
    order = np.argsort(frames.t, kind="stable")
    t = frames.t[order]
    t, first = np.unique(t, return_index=True)  # a repeated time keeps its first frame
    face = frames.face_detected[order][first]
    rate_hz = median_rate_hz(t) if rate_hz is None else rate_hz
    n = int(math.floor((t[-1] - t[0]) * rate_hz + 1e-9)) + 1
    grid = t[0] + np.arange(n) / rate_hz
    right = np.minimum(np.searchsorted(t, grid, side="right"), len(t) - 1)
    near = (t[right] - t[np.maximum(right - 1, 0)]) <= max_gap_s(rate_hz)
    columns = [frames.channels[ch] for ch in CHANNELS] + [frames.pose[:, k] for k in range(3)]
    data = np.empty((n, len(PHYSIO_COLUMNS)))
    for k, col in enumerate(columns):
        x = col[order][first]
        ok = face & np.isfinite(x)
        # The share of valid neighbours is 1 only when both frames around a sample have a value.
        valid = near & (np.interp(grid, t, ok.astype(float)) > 1 - 1e-9)
        data[:, k] = np.where(valid, np.interp(grid, t, np.where(ok, x, 0.0)), np.nan)
    data[:, -1] = near & (np.interp(grid, t, face.astype(float)) > 1 - 1e-9)
    return float(t[0]), rate_hz, data


def physio_bytes(data: np.ndarray) -> bytes:
    """``data`` as gzipped TSV without a header: ``%.6g`` numbers, ``n/a`` for NaN.

    The gzip header carries no file name or time, so the same data give the same bytes.
    """
    lines = ["\t".join(NA if v != v else f"{v:.6g}" for v in row) for row in data.tolist()]
    text = "\n".join(lines) + "\n" if lines else ""
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0) as gz:
        gz.write(text.encode("ascii"))
    return buf.getvalue()


def physio_sidecar(start_s: float, rate_hz: float, source_fps: float | None) -> dict:
    """The physio JSON: SamplingFrequency, StartTime, Columns and each column's meaning."""
    action = {c.name: c.action_unit for c in REGISTRY}
    cols: dict = {}
    for ch in CHANNELS:
        formula = _FORMULA.get(ch, "see the mimicry README, section Expression channels")
        au = action.get(ch, "--")
        cols[ch] = {"Description": f"Expression channel {ch}"
                                   f"{f' (FACS {au})' if au != '--' else ''}: {formula} of "
                                   f"MediaPipe's face blendshape scores",
                    "Units": "arbitrary"}
    for name, what in zip(POSE_COLUMNS, ("left-right turn", "up-down tilt", "sideways tilt")):
        cols[name] = {"Description": f"Head {name} ({what})", "Units": "degrees"}
    cols["face_detected"] = {"Description": "1 where the sample was interpolated between two "
                                            "frames with the face, 0 where the other columns are "
                                            "n/a"}
    return {
        "SamplingFrequency": rate_hz,
        "StartTime": round(start_s, 4),
        "Columns": list(PHYSIO_COLUMNS),
        "Manufacturer": "mimicry (MediaPipe Face Landmarker on a webcam or video)",
        "RecordingNotes": (
            f"Facial expression channels per video frame ({_fps_text(source_fps)}), linearly "
            f"interpolated onto a uniform {rate_hz:g} Hz grid from the first frame. Samples "
            f"without a face in both neighbouring frames, or between frames more than "
            f"{max_gap_s(rate_hz):g} s apart, are n/a."),
        **cols,
    }


def _fps_text(fps: float | None) -> str:
    return f"the source ran at {fps:g} fps" if fps else "the source's frame rate"


def tsv_text(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A TSV file with a header; None and NaN are written ``n/a``, floats ``%.6g``."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter="\t", lineterminator="\n")
    writer.writerow(list(header))
    writer.writerows([[tsv_cell(v) for v in row] for row in rows])
    return buf.getvalue()


def tsv_cell(v: object) -> str:
    if v is None or isinstance(v, float) and not math.isfinite(v):
        return NA
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, float):  # 4 decimals, as events.csv writes times; no trailing zeros
        text = f"{v:.4f}".rstrip("0").rstrip(".")
        return "0" if text in ("-0", "") else text
    return str(v)


def check_frames(frames: FramesTable, where: str) -> None:
    """Raise :class:`InputError` unless ``frames`` has two distinct frame times."""
    if len(np.unique(frames.t)) < 2:
        raise InputError(f"{where} has {len(frames)} frame(s) of this face slot; expected at "
                         f"least two frames to export")

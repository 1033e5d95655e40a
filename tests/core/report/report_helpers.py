"""Helpers for the report tests: simulated session folders.

:func:`write_session` writes a session folder from the analysis's
signal-level virtual participant (:mod:`mimicry.simulate.signal`), fast
enough for many sessions.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from mimicry.simulate.signal import VirtualParticipant, make_schedule, simulate_frames
from mimicry.core.channels import CHANNELS
from mimicry.io.formats import POSE_COLUMNS, format_cell, open_csv_writer
from mimicry.io.tables import write_events

_COLUMNS = ("t", "frame", "face_id", "face_detected") + CHANNELS + POSE_COLUMNS


def write_session(folder: Path, *, gain: float, seed: int, n_per_condition: int = 8,
                  meta: dict | None = None, noise_sd: float = 0.03, delay_s: float = 0.6,
                  events_filter=None) -> Path:
    """Write a simulated session folder (frames.csv, events.csv, session.json)."""
    sch = make_schedule(n_per_condition, seed=seed)
    p = VirtualParticipant(delay_s=delay_s, gain=gain, noise_sd=noise_sd,
                           smile_amplitude=0.15, brow_amplitude=0.05)
    frames = simulate_frames(sch.trials, p, seed=seed + 1000)
    rng = np.random.default_rng(seed)
    pose = rng.normal(0.0, [3.0, 2.0, 1.0], size=(len(frames), 3))
    folder.mkdir(parents=True)
    fh, writer = open_csv_writer(folder / "frames.csv", _COLUMNS)
    with fh:
        for i in range(len(frames)):
            face = bool(frames.face_detected[i])
            writer.writerow(
                [f"{frames.t[i]:.4f}", str(i), "0", "1" if face else "0"]
                + [format_cell(float(frames.channels[ch][i])) for ch in CHANNELS]
                + [format_cell(float(v)) if face else "" for v in pose[i]])
    events = sch.events if events_filter is None else [e for e in sch.events if events_filter(e)]
    write_events(folder / "events.csv", events)
    if meta is not None:
        (folder / "session.json").write_text(json.dumps(meta), encoding="utf-8")
    return folder


def session_meta(participant: str, **extra) -> dict:
    from mimicry import __version__
    from mimicry.io.session import SESSION_SCHEMA_VERSION

    return {"schema_version": SESSION_SCHEMA_VERSION, "kind": "recording", "status": "complete",
            "app_version": __version__, "participant": participant,
            "started_at": "2026-03-01T10:15:00+01:00", "ended_at": "2026-03-01T10:19:30+01:00",
            "protocol": "default", "dropped_frames": 3,
            "source": {"kind": "camera", "name": "camera 0", "fps": 30.0, "width": 640,
                       "height": 480}, **extra}


GAINS = (-1.0, -0.5, 0.0, 0.5, 1.0)

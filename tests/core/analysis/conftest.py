"""Shared helpers for the analysis tests: simulated sessions and session folders."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from mimicry.simulate.signal import VirtualParticipant, make_schedule, simulate_frames
from mimicry.core.channels import CHANNELS
from mimicry.io.formats import format_cell, open_csv_writer
from mimicry.io.tables import write_events

# Written columns: the ones the analysis reads (read_frames fills the rest with NaN).
_COLUMNS = ("t", "frame", "face_id", "face_detected") + CHANNELS


def write_frames_csv(path: Path, frames, extra_faces: int = 0) -> None:
    """A minimal frames.csv; ``extra_faces`` adds undetected-then-detected rows for face 1.."""
    fh, writer = open_csv_writer(path, _COLUMNS)
    with fh:
        for i in range(len(frames)):
            writer.writerow([f"{frames.t[i]:.4f}", str(int(frames.frame[i])), "0",
                             "1" if frames.face_detected[i] else "0"]
                            + [format_cell(float(frames.channels[ch][i])) for ch in CHANNELS])
            for face_id in range(1, extra_faces + 1):
                writer.writerow([f"{frames.t[i]:.4f}", str(int(frames.frame[i])), str(face_id),
                                 "1"] + [format_cell(0.3) for _ in CHANNELS])


@pytest.fixture
def session_dir(tmp_path):
    """Factory: write a simulated session folder and return its path."""

    def make(n_per_condition=8, gain=1.0, delay_s=0.6, seed=0, status="complete",
             extra_faces=0, events_filter=None, participant=None, modify=None):
        sch = make_schedule(n_per_condition, seed=seed)
        p = participant or VirtualParticipant(delay_s=delay_s, gain=gain)
        frames = simulate_frames(sch.trials, p, seed=seed + 1)
        if modify is not None:
            modify(frames, sch)
        folder = tmp_path / f"session_{seed}_{gain}"
        folder.mkdir()
        write_frames_csv(folder / "frames.csv", frames, extra_faces)
        events = sch.events if events_filter is None else [e for e in sch.events
                                                           if events_filter(e)]
        write_events(folder / "events.csv", events)
        if status is not None:
            (folder / "session.json").write_text(json.dumps({"status": status}))
        return folder

    return make


@pytest.fixture
def simulated():
    """Factory: (schedule, frames) of a simulated session."""

    def make(n_per_condition=8, seed=0, fps=30.0, **participant):
        sch = make_schedule(n_per_condition, seed=seed)
        frames = simulate_frames(sch.trials, VirtualParticipant(**participant), fps=fps,
                                 seed=10_000 + seed)
        return sch, frames

    return make


def knock_out_face(frames, t0: float, t1: float) -> None:
    """Remove the face from frames in [t0, t1) in place."""
    sel = (frames.t >= t0) & (frames.t < t1)
    frames.face_detected[sel] = False
    for ch in frames.channels:
        frames.channels[ch][sel] = np.nan


@pytest.fixture
def knock_out():
    """The :func:`knock_out_face` helper."""
    return knock_out_face

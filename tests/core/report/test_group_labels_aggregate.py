"""``mimicry aggregate`` over sessions with group labels: own minus other across people.

Session folders are written from the signal-level participant watching the
shipped ``groups_quick`` schedule, with known gains per group.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from mimicry.core.channels import CHANNELS
from mimicry.io.formats import POSE_COLUMNS, format_cell, open_csv_writer
from mimicry.io.tables import write_events
from mimicry.protocol.load import load_protocol
from mimicry.protocol.schedule import build_schedule
from mimicry.simulate.signal import VirtualParticipant, simulate_frames

from report_helpers import session_meta

_COLUMNS = ("t", "frame", "face_id", "face_detected") + CHANNELS + POSE_COLUMNS


def _write(folder: Path, seed: int, gains: dict) -> Path:
    sch = build_schedule(load_protocol("groups_quick"), seed)
    p = VirtualParticipant(gain=1.0, smile_amplitude=0.15, brow_amplitude=0.05)
    fr = simulate_frames(sch.trials, p, seed=seed + 1000, duration_s=sch.duration_s,
                         group_gains=gains, blendshapes=False)
    folder.mkdir(parents=True)
    fh, w = open_csv_writer(folder / "frames.csv", _COLUMNS)
    with fh:
        for i in range(len(fr)):
            face = bool(fr.face_detected[i])
            w.writerow([f"{fr.t[i]:.4f}", str(i), "0", "1" if face else "0"]
                       + [format_cell(float(fr.channels[ch][i])) for ch in CHANNELS]
                       + ["0", "0", "0"] if face else
                       [f"{fr.t[i]:.4f}", str(i), "0", "0"] + [""] * (len(CHANNELS) + 3))
    write_events(folder / "events.csv", sch.events())
    (folder / "session.json").write_text(json.dumps(session_meta(f"p{seed}",
                                                                 protocol="groups_quick")))
    return folder


@pytest.fixture(scope="module")
def classes(tmp_path_factory):
    root = tmp_path_factory.mktemp("groups")
    for s in range(6):
        _write(root / "effect" / f"s{s}", s, {"own": 1.0, "other": 0.2})
        _write(root / "null" / f"s{s}", 50 + s, {"own": 1.0, "other": 1.0})
    return root


def _aggregate(folder: Path, out: Path) -> dict:
    r = subprocess.run([sys.executable, "-m", "mimicry.commands.main", "aggregate", str(folder), "--out",
                        str(out)], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    return json.loads((out / "group.json").read_text())


def test_own_minus_other_across_people(classes, tmp_path):
    g = _aggregate(classes / "effect", tmp_path / "a")
    gl = g["group_labels"]
    assert gl["n_sessions"] == 6
    # Six people all positive: the exact sign-flip p is 1/64.
    assert gl["paired"]["p_sign_flip_greater"] == pytest.approx(1 / 64, rel=1e-6)
    assert gl["paired"]["mean"] > 0.05
    assert gl["mixed_model"]["estimate"] > 0.05 and gl["mixed_model"]["p_greater"] < 0.05
    with open(tmp_path / "a" / "sessions.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    diffs = [float(r["group_difference"]) for r in rows]
    assert gl["paired"]["mean"] == pytest.approx(np.mean(diffs), abs=1e-5)
    t = stats.ttest_1samp(diffs, 0.0, alternative="greater")
    assert gl["paired"]["p_t_test_greater"] == pytest.approx(t.pvalue, rel=1e-3)
    html = (tmp_path / "a" / "report.html").read_text()
    assert "Own versus other group" in html and "more than chance" in html


def test_equal_gains_across_people_are_not_a_finding(classes, tmp_path):
    g = _aggregate(classes / "null", tmp_path / "b")
    gl = g["group_labels"]
    assert gl["paired"]["p_sign_flip_greater"] > 0.05
    html = (tmp_path / "b" / "report.html").read_text()
    assert "not distinguishable from chance" in html


def test_sessions_without_groups_have_no_group_test(gain_sessions, tmp_path):
    g = _aggregate(gain_sessions, tmp_path / "c")
    assert "group_labels" not in g

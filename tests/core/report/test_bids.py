"""``mimicry export --bids``: the files, their columns and times, the BIDS validator's verdict."""

from __future__ import annotations

import csv
import gzip
import json
import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from report_helpers import session_meta, write_session

from mimicry.commands.main import main
from mimicry.io.session import load_session
from mimicry.io.tables import read_events
from mimicry.report.bids_tables import EVENT_COLUMNS, PHYSIO_COLUMNS, resample

_LOCAL_VALIDATOR = "/tmp/bidsv/node_modules/.bin/bids-validator"
_QUESTIONNAIRES = {
    "sites": {"id": "sites", "title": "Single-Item Trait Empathy Scale", "score": 4, "min": 1,
              "max": 5, "scoring": "mean", "n_items": 1},
    "mood_before": {"id": "mood", "title": "Mood", "score": 3, "min": 1, "max": 5},
}


def _validator() -> str | None:
    for cand in (os.environ.get("BIDS_VALIDATOR"), shutil.which("bids-validator"),
                 _LOCAL_VALIDATOR):
        if cand and Path(cand).is_file() and os.access(cand, os.X_OK):
            return cand
    return None


def _validate(root: Path) -> dict:
    """The validator's JSON report of ``root`` (skips only when the validator is not installed)."""
    exe = _validator()
    if exe is None:
        pytest.skip("bids-validator is not installed (npm install -g bids-validator@1.15.0)")
    proc = subprocess.run([exe, str(root), "--json"], capture_output=True, text=True,
                          timeout=300)
    report = json.loads(proc.stdout)
    errors = [(i["key"], [f["file"]["relativePath"] for f in i["files"] if f.get("file")])
              for i in report["issues"]["errors"]]
    assert errors == [], errors
    return report


def _tsv(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


@pytest.fixture(scope="module")
def sessions(tmp_path_factory) -> Path:
    """p01 twice (the later folder recorded first), p-02 once with questionnaires."""
    root = tmp_path_factory.mktemp("bids_sessions")
    write_session(root / "b_first", gain=1.0, seed=1, n_per_condition=3,
                  meta=session_meta("p01", started_at="2026-03-01T10:15:00+01:00",
                                    self_rating=5))
    write_session(root / "a_second", gain=0.5, seed=2, n_per_condition=3,
                  meta=session_meta("p01", started_at="2026-03-08T10:15:00+01:00"))
    write_session(root / "c", gain=0.0, seed=3, n_per_condition=3,
                  meta=session_meta("p-02", questionnaires=_QUESTIONNAIRES))
    (root / "c" / "video.mp4").write_bytes(b"not a video")
    (root / "c" / "landmarks.csv").write_text("t,frame,face_id,x0,y0,z0\n", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def dataset(sessions, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("bids") / "ds"
    argv = ["export", *(str(sessions / n) for n in ("a_second", "b_first", "c")),
            "--bids", str(out), "--author", "A. Researcher", "--author", "B. Researcher"]
    assert main(argv) == 0
    return out


def test_the_dataset_has_every_file_and_sessions_in_recording_order(dataset):
    desc = json.loads((dataset / "dataset_description.json").read_text(encoding="utf-8"))
    assert desc["DatasetType"] == "raw" and desc["BIDSVersion"]
    assert desc["GeneratedBy"][0]["Name"] == "mimicry" and desc["GeneratedBy"][0]["Version"]
    for name in ("README", "CHANGES", "participants.tsv", "participants.json"):
        assert (dataset / name).is_file(), name
    for prefix in ("sub-p01/ses-1/beh/sub-p01_ses-1", "sub-p01/ses-2/beh/sub-p01_ses-2",
                   "sub-p02/ses-1/beh/sub-p02_ses-1"):
        for suffix in ("events.tsv", "events.json", "physio.tsv.gz", "physio.json"):
            assert (dataset / f"{prefix}_task-mimicry_{suffix}").is_file(), (prefix, suffix)
    ses = _tsv(dataset / "sub-p01" / "sub-p01_sessions.tsv")
    # ses-1 is the session recorded first, whatever the order on the command line
    assert [(r["session_id"], r["self_rating"]) for r in ses] == [("ses-1", "5"), ("ses-2", "n/a")]
    assert ses[0]["acq_time"] == "2026-03-01T09:15:00Z"


def test_participants_carry_the_scores_of_session_json(dataset):
    rows = {r["participant_id"]: r for r in _tsv(dataset / "participants.tsv")}
    assert set(rows) == {"sub-p01", "sub-p02"}
    assert rows["sub-p01"]["self_rating"] == "5" and rows["sub-p02"]["sites"] == "4"
    assert "mood_before" not in rows["sub-p01"]  # a per-session score: in sessions.tsv
    assert _tsv(dataset / "sub-p02" / "sub-p02_sessions.tsv")[0]["mood_before"] == "3"
    sidecar = json.loads((dataset / "participants.json").read_text(encoding="utf-8"))
    assert set(sidecar) == {"participant_id", "self_rating", "sites"}
    assert "Single-Item Trait Empathy Scale" in sidecar["sites"]["Description"]


def test_events_tsv_onsets_are_the_events_csv_stimuli(dataset, sessions):
    rows = _tsv(dataset / "sub-p01/ses-1/beh/sub-p01_ses-1_task-mimicry_events.tsv")
    assert tuple(rows[0]) == EVENT_COLUMNS
    events = read_events(sessions / "b_first" / "events.csv")
    onsets = {e.trial: e for e in events if e.event == "stimulus_onset"}
    offsets = {e.trial: e.t for e in events if e.event == "stimulus_offset"}
    stim = [r for r in rows if r["trial"] != "n/a"]
    assert len(stim) == len(onsets) == 9
    for r in stim:
        on = onsets[int(r["trial"])]
        assert float(r["onset"]) == pytest.approx(on.t, abs=1e-4)
        assert float(r["duration"]) == pytest.approx(offsets[on.trial] - on.t, abs=2e-4)
        assert r["trial_type"] == on.condition and r["stimulus"] == on.stimulus_id
        assert r["intensity"] == "1" and r["group"] == "n/a"
    calibration = [r for r in rows if r["trial_type"] == "calibration"]
    assert [(r["onset"], r["duration"]) for r in calibration] == [("0.5", "20")]
    sidecar = json.loads((dataset / "sub-p01/ses-1/beh/sub-p01_ses-1_task-mimicry_events.json")
                         .read_text(encoding="utf-8"))
    assert set(sidecar) == set(EVENT_COLUMNS)
    assert set(sidecar["trial_type"]["Levels"]) == {"happy", "sad", "neutral", "calibration"}


def test_physio_is_uniform_and_n_a_exactly_where_no_face(dataset, sessions):
    beh = dataset / "sub-p01/ses-1/beh"
    meta = json.loads((beh / "sub-p01_ses-1_task-mimicry_physio.json").read_text("utf-8"))
    assert meta["SamplingFrequency"] == 30 and meta["StartTime"] == 0.0
    assert meta["Columns"] == list(PHYSIO_COLUMNS)
    assert all(c in meta for c in PHYSIO_COLUMNS)  # every column described
    with gzip.open(beh / "sub-p01_ses-1_task-mimicry_physio.tsv.gz", "rt") as fh:
        rows = [line.rstrip("\n").split("\t") for line in fh]
    frames = load_session(sessions / "b_first").frames
    assert len(rows) == int(np.floor((frames.t[-1] - frames.t[0]) * 30 + 1e-9)) + 1
    assert all(len(r) == len(PHYSIO_COLUMNS) for r in rows)
    face = np.array([r[-1] for r in rows])
    assert set(face) == {"0", "1"}  # the simulation drops the face now and then
    na = np.array([r[0] == "n/a" for r in rows])
    assert (na == (face == "0")).all()
    smile = np.array([float(r[0]) if r[0] != "n/a" else np.nan for r in rows])
    # The simulation runs at 30 fps: samples fall on the frames, up to the 4 decimals of
    # frames.csv's t (at most 0.2% of a frame interval away).
    n = min(len(smile), len(frames.t))
    ok = ~np.isnan(smile[:n])
    np.testing.assert_allclose(smile[:n][ok], frames.channels["smile"][:n][ok], atol=1e-3)


def test_no_video_or_landmarks_are_copied(dataset):
    names = [p.name for p in dataset.rglob("*")]
    assert not any(n.endswith((".mp4", "landmarks.csv")) for n in names)
    for p in dataset.rglob("*.tsv"):
        assert "x0" not in p.read_text(encoding="utf-8")


def test_the_bids_validator_finds_no_error(dataset):
    report = _validate(dataset)
    warnings = {i["key"] for i in report["issues"]["warnings"]}
    # p02 has one session where p01 has two: the only thing left to warn about.
    assert warnings <= {"MISSING_SESSION"}, warnings
    assert report["summary"]["subjects"] == ["p01", "p02"]


def test_one_session_each_needs_no_session_level_and_validates(tmp_path):
    write_session(tmp_path / "2026-03-01_101500_anonymous", gain=1.0, seed=4,
                  n_per_condition=2, meta=session_meta("anonymous"))
    # No session.json, and cut short: the last stimulus has no offset.
    write_session(tmp_path / "x", gain=1.0, seed=5, n_per_condition=2,
                  events_filter=lambda e: not (e.event == "stimulus_offset" and e.trial == 6
                                               or e.event == "session_end"))
    out = tmp_path / "ds"
    assert main(["export", str(tmp_path / "2026-03-01_101500_anonymous"), str(tmp_path / "x"),
                 "--bids", str(out), "--rate", "20"]) == 0
    assert (out / "sub-20260301101500anonymous" / "beh").is_dir()  # anonymous: the folder name
    assert (out / "sub-x" / "beh" / "sub-x_task-mimicry_physio.tsv.gz").is_file()
    meta = json.loads((out / "sub-x/beh/sub-x_task-mimicry_physio.json").read_text("utf-8"))
    assert meta["SamplingFrequency"] == 20
    last = _tsv(out / "sub-x/beh/sub-x_task-mimicry_events.tsv")[-1]
    assert (last["trial"], last["duration"]) == ("6", "n/a")
    assert [r["participant_id"] for r in _tsv(out / "participants.tsv")] == [
        "sub-20260301101500anonymous", "sub-x"]
    report = _validate(out)
    assert {i["key"] for i in report["issues"]["warnings"]} <= {"NO_AUTHORS"}


def test_resampling_interpolates_onto_a_uniform_grid_and_bridges_no_gap(tmp_path):
    folder = write_session(tmp_path / "s", gain=1.0, seed=6, n_per_condition=1)
    frames = load_session(folder).frames
    rng = np.random.default_rng(0)
    frames.t = np.arange(len(frames)) / 25.0 + rng.uniform(-0.004, 0.004, len(frames))
    frames.face_detected[:] = True
    frames.channels["smile"] = frames.t.copy()  # linear in time: interpolation is exact
    frames.face_detected[100] = False
    keep = (frames.t < 10) | (frames.t > 11)  # a one-second hole (frames dropped)
    start, rate, data = resample(frames.select(keep))
    assert rate == 25 and start == frames.t[0]
    grid = start + np.arange(len(data)) / 25.0
    smile, face = data[:, 0], data[:, -1]
    kept = frames.t[keep]
    hole = (grid > kept[kept < 10][-1]) & (grid < kept[kept > 11][0])
    assert np.isnan(smile[hole]).all() and (face[hole] == 0).all()
    around = (grid > frames.t[99]) & (grid < frames.t[101])  # either side of the faceless frame
    assert around.sum() >= 1 and np.isnan(smile[around]).all()
    ok = ~np.isnan(smile)
    assert (ok == ~(hole | around)).all()  # every other sample has its value
    assert (face == ok).all()
    np.testing.assert_allclose(smile[ok], grid[ok], atol=1e-9)


def test_two_participants_with_one_label_are_refused(tmp_path, capsys):
    write_session(tmp_path / "a", gain=1.0, seed=1, n_per_condition=1, meta=session_meta("p_1"))
    write_session(tmp_path / "b", gain=1.0, seed=2, n_per_condition=1, meta=session_meta("p-1"))
    assert main(["export", str(tmp_path / "a"), str(tmp_path / "b"),
                 "--bids", str(tmp_path / "ds")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "sub-p1" in err
    assert not (tmp_path / "ds").exists()  # nothing left behind


def _bad(tmp_path, capsys, argv) -> str:
    assert main(["export", *argv]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and err.startswith("mimicry export: error:"), err
    return err


def test_bad_input_is_one_line_and_exit_code_2(tmp_path, capsys):
    good = write_session(tmp_path / "good", gain=1.0, seed=1, n_per_condition=1,
                         meta=session_meta("p01"))
    (tmp_path / "empty").mkdir()
    assert "holds no frames.csv" in _bad(tmp_path, capsys, [str(tmp_path / "empty"), "--bids",
                                                           str(tmp_path / "o1")])
    assert "not found" in _bad(tmp_path, capsys, [str(tmp_path / "nope"), "--bids",
                                                 str(tmp_path / "o2")])
    damaged = write_session(tmp_path / "damaged", gain=1.0, seed=1, n_per_condition=1)
    (damaged / "frames.csv").write_bytes(b"t,frame,face_id,face_detected\n0.0,0,0,1\nabc,1,0,1\n")
    assert "column t" in _bad(tmp_path, capsys, [str(damaged), "--bids", str(tmp_path / "o3")])
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "keep.txt").write_text("x", encoding="utf-8")
    assert "not empty" in _bad(tmp_path, capsys, [str(good), "--bids", str(tmp_path / "full")])
    (tmp_path / "file").write_text("x", encoding="utf-8")
    assert "is a file" in _bad(tmp_path, capsys, [str(good), "--bids", str(tmp_path / "file")])
    assert "cannot create" in _bad(tmp_path, capsys, [str(good), "--bids",
                                                     str(tmp_path / "file" / "ds")])
    assert not any((tmp_path / n).exists() for n in ("o1", "o2", "o3"))
    assert sorted(p.name for p in (tmp_path / "full").iterdir()) == ["keep.txt"]


@pytest.mark.slow
def test_a_tracked_session_validates(quick_processed, tmp_path):
    """A rendered participant tracked by real MediaPipe (``mimicry process --events``)."""
    out = tmp_path / "ds"
    assert main(["export", str(quick_processed), "--bids", str(out), "--author", "A",
                 "--author", "B"]) == 0
    report = _validate(out)
    assert {i["key"] for i in report["issues"]["warnings"]} == set()
    meta = json.loads(next(out.rglob("*_physio.json")).read_text(encoding="utf-8"))
    assert meta["SamplingFrequency"] == 25

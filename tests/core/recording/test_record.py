"""``mimicry record``: sessions that survive crashes, camera loss and hostile input."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import cv2
import numpy as np
import pytest

from mimicry.commands.main import main
from mimicry.runtime.recorder import sanitize_participant
from mimicry.io.session import load_session
from mimicry.io.tables import read_frames


def _only_session(root: Path) -> Path:
    sessions = [p for p in root.iterdir() if p.is_dir()]
    assert len(sessions) == 1, sessions
    return sessions[0]


def test_record_video_matches_process_path(quick_sim, quick_processed, tmp_path):
    rc = main(["record", "--source", str(quick_sim / "participant.mp4"), "--protocol", "quick",
               "--seed", "1", "--no-display", "--fast", "--out", str(tmp_path),
               "--participant", "p01"])
    assert rc == 0
    s = load_session(_only_session(tmp_path))
    # The recording is analysed at the end, and scores like the process --events path.
    assert s.summary is not None and len(s.trials) == 9
    offline = tmp_path / "offline"
    shutil.copytree(quick_processed, offline)
    assert main(["analyze", str(offline)]) == 0
    ref = json.loads((offline / "summary.json").read_text())
    for key in ("n_trials", "n_valid_trials", "p_value", "p_floor", "conclusion"):
        assert s.summary[key] == ref[key], key
    assert s.summary["mimicry_index"] == pytest.approx(ref["mimicry_index"], rel=0.02)
    assert s.summary["xcorr"]["peak_lag_s"] == pytest.approx(ref["xcorr"]["peak_lag_s"], abs=0.02)
    assert s.status == "complete"
    assert s.path.name.endswith("_p01")
    p = read_frames(quick_processed / "frames.csv")
    # The same frames, tracked the same way, with the same stimulus columns.
    assert len(s.frames) == len(p)
    assert np.allclose(s.frames.channels["smile"], p.channels["smile"], atol=1e-3, equal_nan=True)
    assert np.allclose(s.frames.stimulus_intensity, p.stimulus_intensity, atol=1e-3)
    assert list(s.frames.condition) == list(p.condition)
    # Every stimulus onset/offset and the calibration are logged.
    kinds = [e.event for e in s.events]
    assert kinds.count("stimulus_onset") == 9 and kinds.count("stimulus_offset") == 9
    assert "calibration_start" in kinds and "calibration_end" in kinds
    assert kinds[0] == "session_start" and kinds[-1] == "session_end"
    meta = s.meta
    assert meta["protocol"] == "quick" and meta["seed"] == 1
    assert meta["model_sha256"].startswith("64184e22")
    assert meta["source"]["kind"] == "video" and meta["source"]["fps"] == pytest.approx(25)
    assert meta["calibration_baseline"]["smile"]["median"] < 0.2
    assert meta["started_at"] and meta["ended_at"]
    assert meta["saved"] == {"video": False, "landmarks": False}


def test_no_image_data_on_disk_by_default(quick_sim, tmp_path):
    assert main(["record", "--source", str(quick_sim / "participant.mp4"), "--protocol", "quick",
                 "--no-display", "--fast", "--out", str(tmp_path), "--no-analyze"]) == 0
    folder = _only_session(tmp_path)
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["events.csv", "frames.csv", "session.json"]
    header = (folder / "frames.csv").read_text().splitlines()[0].split(",")
    assert not any(h.startswith(("x", "y", "z")) and h[1:].isdigit() for h in header)
    for p in folder.iterdir():
        data = p.read_bytes()
        # No JPEG, PNG or MP4 signatures hiding anywhere.
        assert b"\xff\xd8\xff" not in data and b"\x89PNG" not in data and b"ftyp" not in data


def test_save_landmarks_and_video_only_when_asked(quick_sim, tmp_path):
    assert main(["record", "--source", str(quick_sim / "participant.mp4"), "--protocol", "quick",
                 "--no-display", "--fast", "--out", str(tmp_path), "--no-analyze",
                 "--save-landmarks", "--save-video"]) == 0
    folder = _only_session(tmp_path)
    meta = json.loads((folder / "session.json").read_text())
    assert meta["saved"] == {"video": True, "landmarks": True}
    assert (folder / "landmarks.csv").stat().st_size > 1000
    cap = cv2.VideoCapture(str(folder / "video.mp4"))
    assert cap.isOpened() and int(cap.get(cv2.CAP_PROP_FRAME_COUNT)) > 1000
    cap.release()


@pytest.mark.parametrize("hostile", ["../../etc/passwd", "/abs/path", "..", "a/../../b",
                                     "con\\sole", ".hidden", "", "x" * 300, "ünï cødé 名前"])
def test_hostile_participant_id_stays_inside(hostile, tmp_path):
    from mimicry.runtime.recorder import SessionRecorder

    rec = SessionRecorder(tmp_path / "root", hostile)
    try:
        assert rec.path.parent == tmp_path / "root"
        assert ".." not in rec.path.name and "/" not in rec.path.name
        assert not rec.path.name.split("_", 2)[-1].startswith(".")
    finally:
        rec.finish("complete")
    assert sanitize_participant(hostile)


def test_camera_lost_midway_keeps_everything(face_photo, tmp_path, monkeypatch):
    """A camera that stops delivering frames partway: status camera_lost, data kept."""
    import mimicry.sources.base as sources
    import mimicry.sources.camera as camera

    class DyingCamera:
        def __init__(self, index):
            self.left = 40

        def isOpened(self):
            return True

        def set(self, *a):
            return True

        def get(self, prop):
            return 20.0

        def read(self):
            time.sleep(0.05)
            if self.left <= 0:
                return False, None
            self.left -= 1
            return True, cv2.resize(face_photo, (320, 320))

        def release(self):
            pass

    monkeypatch.setattr(camera, "CAMERA_TIMEOUT_S", 0.5)
    monkeypatch.setitem(sources._FACTORIES, "camera", lambda spec, realtime=None, clock=None:
                        camera.CameraSource(int(spec), capture_factory=DyingCamera))
    rc = main(["record", "--source", "0", "--protocol", "quick", "--no-display",
               "--out", str(tmp_path), "--no-analyze"])
    assert rc == 1
    s = load_session(_only_session(tmp_path))
    assert s.status == "camera_lost"
    assert [e.event for e in s.events].count("camera_lost") == 1
    assert 20 <= len(s.frames) <= 40 and s.frames.face_detected.mean() > 0.9


def test_sigkill_loses_at_most_the_last_second(quick_sim, tmp_path):
    out = tmp_path / "out"
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    # Paced at the video's own frame rate, like a camera.
    proc = subprocess.Popen(
        [sys.executable, "-m", "mimicry.commands.main", "record", "--source",
         str(quick_sim / "participant.mp4"), "--protocol", "quick", "--no-display",
         "--out", str(out), "--no-analyze"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        frames_csv = None
        deadline = time.monotonic() + 60
        # Wait until the recording is well under way (rows at t >= 7 s, past the calm start).
        while time.monotonic() < deadline:
            found = list(out.glob("*/frames.csv"))
            if found and found[0].stat().st_size > 0:
                lines = found[0].read_text().splitlines()
                if len(lines) > 2 and float(lines[-2].split(",")[0]) >= 7.0:
                    frames_csv = found[0]
                    break
            time.sleep(0.05)
        assert frames_csv is not None, proc.stderr.read() if proc.poll() is not None else "slow"
        t_seen = float(frames_csv.read_text().splitlines()[-2].split(",")[0])
        time.sleep(2.0)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    # The paced recording reached about t_seen + 2 s when it was killed.
    f = read_frames(frames_csv)
    assert f.t[-1] >= t_seen + 2.0 - 1.0 - 0.3  # at most the last second (+ pacing slack) lost
    assert np.all(np.diff(f.t) > 0)
    s = load_session(frames_csv.parent)
    assert s.status == "incomplete"
    r = subprocess.run([sys.executable, "-m", "mimicry.commands.main", "analyze", str(frames_csv.parent)],
                       capture_output=True, text=True)
    assert "incomplete" in (r.stdout + r.stderr).lower()


def test_unwritable_out_is_one_line_exit_2(quick_sim, tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    rc = main(["record", "--source", str(quick_sim / "participant.mp4"), "--protocol", "quick",
               "--no-display", "--out", str(blocker / "sub")])
    assert rc == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "file/sub" in err[0]


def test_invalid_protocol_fails_before_anything_starts(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text("schema_version = 1\nname = 'x'\n[trials]\nper_condition = 0\n")
    rc = main(["record", "--source", "demo", "--protocol", str(bad), "--no-display",
               "--out", str(tmp_path / "o")])
    assert rc == 2
    assert "per_condition" in capsys.readouterr().err
    assert not (tmp_path / "o").exists() or not any((tmp_path / "o").iterdir())


def _record_cmd(quick_sim, out, *extra):
    return [sys.executable, "-m", "mimicry.commands.main", "record", "--source",
            str(quick_sim / "participant.mp4"), "--protocol", "quick", "--no-display",
            "--out", str(out), *extra]


def test_disk_full_midway_is_one_line_exit_2_and_keeps_the_rows(quick_sim, tmp_path):
    import resource

    limit = 200_000  # bytes any one file may reach: frames.csv fills it about 10 s in

    def small_disk():  # writes past the limit fail with EFBIG, as on a full disk
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    out = tmp_path / "out"
    r = subprocess.run(_record_cmd(quick_sim, out, "--fast"), capture_output=True, text=True,
                       preexec_fn=small_disk, timeout=300)
    assert r.returncode == 2
    err = r.stderr.strip().splitlines()
    assert len(err) == 1 and "frames.csv" in err[0] and "Traceback" not in r.stderr
    folder = _only_session(out)
    f = read_frames(folder / "frames.csv")  # what was written stays readable
    assert len(f) > 100 and np.all(np.diff(f.t) > 0)
    s = load_session(folder)
    assert s.status in ("incomplete", "failed")
    assert not (folder / "session.json.tmp").exists()
    # The analysis, on the same full disk, fails just as cleanly.
    r = subprocess.run([sys.executable, "-m", "mimicry.commands.main", "analyze", str(folder)],
                       capture_output=True, text=True, preexec_fn=lambda: resource.setrlimit(
                           resource.RLIMIT_FSIZE, (0, 0)))
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1
    assert "trials.csv" in r.stderr and "Traceback" not in r.stderr


def test_folder_removed_midway_is_one_line_exit_2(quick_sim, tmp_path):
    import shutil as sh

    out = tmp_path / "out"
    proc = subprocess.Popen(_record_cmd(quick_sim, out, "--no-analyze"),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not any(
                p.stat().st_size > 10_000 for p in out.glob("*/frames.csv")):
            time.sleep(0.05)
        sh.rmtree(out)
        _, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 2
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and "removed" in lines[0] and "frames.csv" in lines[0]

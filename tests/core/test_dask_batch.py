"""``--dask``: many videos and sessions on a Dask cluster (here a local one of two workers).

Outputs are identical to serial processing; a corrupt video is retried once,
reported in the final table and never stops the rest (exit code 1); a run
killed midway resumes without redoing the videos it completed.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("distributed")

from mimicry.commands.main import main  # noqa: E402
from mimicry.io.session import load_session  # noqa: E402

MIMICRY = [sys.executable, "-m", "mimicry.commands.main"]


@pytest.fixture(scope="module")
def clips(quick_sim, tmp_path_factory) -> list[Path]:
    """Four short rendered clips (2.4 s each, different parts of the virtual participant)."""
    import cv2

    folder = tmp_path_factory.mktemp("clips")
    cap = cv2.VideoCapture(str(quick_sim / "participant.mp4"))
    fps = cap.get(cv2.CAP_PROP_FPS)
    frames = []
    while len(frames) < 4 * 100:
        ok, bgr = cap.read()
        if not ok:
            break
        frames.append(bgr)
    cap.release()
    out = []
    for k in range(4):
        path = folder / f"clip{k}.mp4"
        h, w = frames[0].shape[:2]
        writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, (w, h))
        for bgr in frames[k * 100:k * 100 + 60]:
            writer.write(bgr)
        writer.release()
        out.append(path)
    return out


def _rows(stdout: str) -> dict[str, tuple[str, str]]:
    rows = {}
    for line in stdout.splitlines()[1:-1]:
        name, status, detail = line.split(None, 2)
        rows[Path(name).name] = (status, detail)
    return rows


def test_a_local_cluster_matches_serial_and_reports_a_corrupt_video(clips, tmp_path, capsys):
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(b"\x00\x01not a video" * 100)
    out = tmp_path / "dask"
    rc = main(["process", *map(str, clips[:2]), str(broken), *map(str, clips[2:]),
               "--out", str(out), "--dask", "--jobs", "2", "--quiet"])
    captured = capsys.readouterr()
    assert rc == 1, captured.err
    rows = _rows(captured.out)
    assert rows["broken.mp4"][0] == "failed" and "cannot read video" in rows["broken.mp4"][1]
    assert [rows[c.name][0] for c in clips] == ["done"] * 4
    assert "4 done, 0 skipped, 1 failed" in captured.out
    assert "Traceback" not in captured.err and "Compute Failed" not in captured.err
    serial = tmp_path / "serial"
    assert main(["process", *map(str, clips), "--out", str(serial), "--quiet"]) == 0
    for c in clips:
        assert (out / c.stem / "frames.csv").read_bytes() == \
            (serial / c.stem / "frames.csv").read_bytes()
    assert not (out / "broken").exists()


def test_a_killed_run_resumes_without_redoing_finished_videos(clips, tmp_path):
    out = tmp_path / "out"
    cmd = [*MIMICRY, "process", *map(str, clips), "--out", str(out), "--dask", "--jobs", "1",
           "--quiet"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            done = [c for c in clips if (out / c.stem / "session.json").is_file()]
            if done:
                break
            time.sleep(0.05)
        assert proc.poll() is None, proc.stderr.read()
        os.killpg(proc.pid, signal.SIGKILL)  # the client and its worker processes
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    finished = [c for c in clips if (out / c.stem / "session.json").is_file()
                and load_session(out / c.stem).status == "complete"]
    assert finished and len(finished) < len(clips)
    stamps = {c.stem: (out / c.stem / "frames.csv").stat().st_mtime_ns for c in finished}
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    rows = _rows(r.stdout)
    assert {c.name for c in clips if rows[c.name][0] == "skipped"} == {c.name for c in finished}
    assert all(rows[c.name][0] == "done" for c in clips if c not in finished)
    assert {c.stem: (out / c.stem / "frames.csv").stat().st_mtime_ns for c in finished} == stamps
    assert not list(out.glob("*/.partial-*"))  # the killed task's half-built folder is gone


def test_analyze_and_aggregate_on_the_cluster(quick_processed, tmp_path, capsys):
    import shutil

    folders = []
    for name in ("p1", "p2"):
        shutil.copytree(quick_processed, tmp_path / name)
        folders.append(str(tmp_path / name))
    empty = tmp_path / "empty"
    empty.mkdir()
    rc = main(["analyze", *folders, str(empty), "--dask"])
    out = capsys.readouterr().out
    assert rc == 1
    assert "2 done, 0 skipped, 1 failed" in out
    assert all((Path(f) / "summary.json").is_file() for f in folders)
    assert main(["aggregate", *folders, "--out", str(tmp_path / "g_dask"), "--dask"]) == 0
    assert main(["aggregate", *folders, "--out", str(tmp_path / "g_serial")]) == 0
    assert (tmp_path / "g_dask" / "sessions.csv").read_bytes() == \
        (tmp_path / "g_serial" / "sessions.csv").read_bytes()


def test_an_unreachable_scheduler_is_one_line(clips, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("mimicry.runtime.cluster.CONNECT_TIMEOUT_S", 2)
    rc = main(["process", str(clips[0]), "--out", str(tmp_path / "o"), "--dask",
               "tcp://127.0.0.1:9"])
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 2 and len(err) == 1 and "Dask scheduler" in err[0]

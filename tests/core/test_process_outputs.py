"""``process --out`` onto a folder that holds a session: refused, or replaced whole; never half.

Each test here failed before outputs were built aside (mimicry.io.staging):
a failed run cut an earlier session's frames.csv to its header, and a
successful one left the old trials.csv and summary.json beside new frames.
"""

from __future__ import annotations

import resource
import shutil
import subprocess
import sys
from pathlib import Path

from mimicry.commands.main import main
from mimicry.io.session import load_session
from mimicry.io.tables import read_frames

MIMICRY = [sys.executable, "-m", "mimicry.commands.main"]


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _analysed_copy(quick_processed, tmp_path) -> Path:
    folder = tmp_path / "session"
    shutil.copytree(quick_processed, folder)
    assert main(["analyze", str(folder)]) == 0
    assert (folder / "trials.csv").is_file() and (folder / "summary.json").is_file()
    return folder


def test_a_folder_holding_a_session_is_refused(quick_sim, quick_processed, tmp_path, capsys):
    folder = _analysed_copy(quick_processed, tmp_path)
    before = _snapshot(folder)
    capsys.readouterr()
    rc = main(["process", str(quick_sim / "participant.mp4"), "--out", str(folder), "--quiet"])
    assert rc == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "already holds a session" in err[0] and "--overwrite" in err[0]
    assert _snapshot(folder) == before


def test_a_run_that_fails_midway_leaves_the_old_session_whole(quick_sim, quick_processed,
                                                               tmp_path):
    folder = _analysed_copy(quick_processed, tmp_path)
    before = _snapshot(folder)
    limit = 100_000  # frames.csv passes it part way through: the disk is full

    r = subprocess.run([*MIMICRY, "process", str(quick_sim / "participant.mp4"), "--events",
                        str(quick_sim / "events.csv"), "--out", str(folder), "--overwrite",
                        "--quiet"], capture_output=True, text=True, timeout=300,
                       preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_FSIZE,
                                                             (limit, limit)))
    assert r.returncode == 2, r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr
    assert _snapshot(folder) == before  # nothing half-written, no hidden leftovers
    assert main(["analyze", str(folder)]) == 0


def test_overwrite_replaces_the_whole_session(quick_sim, quick_processed, tmp_path, capsys):
    folder = _analysed_copy(quick_processed, tmp_path)
    (folder / "notes.txt").write_text("the experimenter's own file")
    rc = main(["process", str(quick_sim / "participant.mp4"), "--out", str(folder),
               "--overwrite", "--quiet"])
    assert rc == 0, capsys.readouterr().err
    names = sorted(p.name for p in folder.iterdir())
    # No events given: the old timeline, trials and summary went with the old session.
    assert names == ["frames.csv", "notes.txt", "session.json"]
    assert load_session(folder).status == "complete"
    assert len(read_frames(folder / "frames.csv")) > 1000


def test_processing_into_the_simulation_folder_keeps_its_files(quick_sim, tmp_path, capsys):
    folder = tmp_path / "sim"
    shutil.copytree(quick_sim, folder)
    events = (folder / "events.csv").read_bytes()
    rc = main(["process", str(folder / "participant.mp4"), "--events", str(folder / "events.csv"),
               "--out", str(folder), "--quiet"])
    assert rc == 0, capsys.readouterr().err
    assert (folder / "events.csv").read_bytes() == events
    assert (folder / "participant.mp4").is_file() and (folder / "simulation.json").is_file()
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]
    assert main(["analyze", str(folder)]) == 0


def test_a_failed_run_into_a_new_folder_leaves_nothing(tmp_path, capsys):
    bad = tmp_path / "bad.mp4"
    bad.write_bytes(b"\x00" * 5000)
    out = tmp_path / "new"
    assert main(["process", str(bad), "--out", str(out), "--quiet"]) == 2
    assert not out.exists()

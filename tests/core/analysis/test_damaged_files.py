"""Damaged session files: one line on stderr naming the file (and row and column), exit 2.

Every case copies one processed session (``quick_processed``), damages one of
its files and runs a command in-process. A damaged file must never give a
traceback nor an "internal error" (exit 70): it is one line, exit code 2; a
damaged ``session.json`` is a note and the analysis goes on (its frames stand);
``aggregate`` leaves out a damaged session with a warning and goes on.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from mimicry.commands.main import main


@pytest.fixture(scope="module")
def base(quick_processed, tmp_path_factory) -> Path:
    """The processed session, without any analysis outputs, shared by the module."""
    out = tmp_path_factory.mktemp("damaged_base") / "session"
    shutil.copytree(quick_processed, out,
                    ignore=shutil.ignore_patterns("trials.csv", "summary.json", "report*"))
    return out


# --------------------------------------------------------------------------- damage

def _lines(path: Path) -> list[bytes]:
    return path.read_bytes().split(b"\n")


def set_cell(name: str, row: int, column: str, value: bytes):
    """Replace one cell (row 1 is the header) with raw bytes."""

    def damage(folder: Path) -> None:
        path = folder / name
        lines = _lines(path)
        header = lines[0].decode("utf-8").split(",")
        cells = lines[row - 1].split(b",")
        cells[header.index(column)] = value
        lines[row - 1] = b",".join(cells)
        path.write_bytes(b"\n".join(lines))

    return damage


def cut_row(name: str, row: int, keep: int):
    """Keep only the first ``keep`` cells of a row in the middle of the file."""

    def damage(folder: Path) -> None:
        path = folder / name
        lines = _lines(path)
        lines[row - 1] = b",".join(lines[row - 1].split(b",")[:keep])
        path.write_bytes(b"\n".join(lines))

    return damage


def add_bom(name: str):
    def damage(folder: Path) -> None:
        path = folder / name
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())

    return damage


def keep_rows(name: str, n: int):
    """Keep the header and the first ``n - 1`` rows (a clip cut short)."""

    def damage(folder: Path) -> None:
        path = folder / name
        path.write_bytes(b"\n".join(_lines(path)[:n]) + b"\n")

    return damage


def write(name: str, data: bytes):
    def damage(folder: Path) -> None:
        (folder / name).write_bytes(data)

    return damage


def killed_in_calibration(folder: Path) -> None:
    """A ``record`` killed during calibration: no trials, status ``incomplete``."""
    meta = json.loads((folder / "session.json").read_text(encoding="utf-8"))
    (folder / "session.json").write_text(json.dumps({**meta, "status": "incomplete"}))
    lines = _lines(folder / "events.csv")
    (folder / "events.csv").write_bytes(b"\n".join(lines[:3]) + b"\n")


def latin1_session_json(folder: Path) -> None:
    path = folder / "session.json"
    path.write_bytes(path.read_bytes().replace(b'"processed"', b'"trait\xe9"'))


BIG = b"x" * (130 * 1024)  # over csv's field limit (128 KiB)

# name, file named in the message, damage, command, exit code, text the line holds
CASES = [
    ("t_text", "frames.csv", set_cell("frames.csv", 17, "t", b"abc"), "analyze", 2,
     "row 17, column t: 'abc' is not a number"),
    ("frame_text", "frames.csv", set_cell("frames.csv", 17, "frame", b"x"), "analyze", 2,
     "row 17, column frame"),
    ("face_id_fraction", "frames.csv", set_cell("frames.csv", 40, "face_id", b"1.5"),
     "report", 2, "row 40, column face_id"),
    ("channel_comma", "frames.csv", set_cell("frames.csv", 17, "smile", b'"1,2"'), "analyze",
     2, "row 17, column smile: '1,2'"),
    ("t_nan", "frames.csv", set_cell("frames.csv", 17, "t", b"nan"), "analyze", 2,
     "row 17, column t"),
    ("t_inf", "frames.csv", set_cell("frames.csv", 500, "t", b"inf"), "report", 2,
     "row 500, column t"),
    ("trial_inf", "frames.csv", set_cell("frames.csv", 300, "trial", b"inf"), "analyze", 2,
     "row 300, column trial"),
    ("frames_latin1", "frames.csv", set_cell("frames.csv", 17, "source", b"caf\xe9"),
     "analyze", 2, "row 17, column source"),
    ("frames_binary", "frames.csv", write("frames.csv", bytes(range(256)) * 4), "analyze", 2,
     "is not UTF-8 text"),
    ("frames_big_cell", "frames.csv", set_cell("frames.csv", 17, "source", BIG), "analyze", 2,
     "row 17, column source"),
    ("frames_row_cut", "frames.csv", cut_row("frames.csv", 17, 5), "analyze", 2, "row 17"),
    ("frames_bom", "frames.csv", add_bom("frames.csv"), "analyze", 0, None),
    ("clip_before_first_stimulus", "frames.csv", keep_rows("frames.csv", 80), "analyze", 0,
     None),
    ("events_latin1", "events.csv", set_cell("events.csv", 5, "stimulus_id", b"caf\xe9"),
     "analyze", 2, "row 5, column stimulus_id"),
    ("events_big_cell", "events.csv", set_cell("events.csv", 5, "detail", BIG), "report", 2,
     "row 5, column detail"),
    ("events_row_cut", "events.csv", cut_row("events.csv", 6, 3), "analyze", 2, "row 6"),
    ("events_bom", "events.csv", add_bom("events.csv"), "analyze", 0, None),
    ("killed_in_calibration", "events.csv", killed_in_calibration, "analyze", 2,
     "incomplete (session.json status 'incomplete')"),
    ("session_json_latin1", "session.json", latin1_session_json, "analyze", 0, None),
    ("session_json_deep", "session.json", write("session.json", b"[" * 100_000 + b"]" * 100_000),
     "report", 0, None),
    ("aggregate_skips_big_cell", "frames.csv", set_cell("frames.csv", 17, "source", BIG),
     "aggregate", 0, "not analysed"),
    ("aggregate_notes_deep_json", "session.json",
     write("session.json", b'{"a": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"), "aggregate", 0,
     "nested too deeply"),
    ("aggregate_skips_trial_inf", "frames.csv", set_cell("frames.csv", 300, "trial", b"inf"),
     "aggregate", 0, "not analysed"),
]

# score file (``aggregate --scores``) content, text the line holds
SCORE_CASES = [
    ("latin1", b"session,score\ncaf\xe9,3\n", "row 2"),
    ("binary", bytes(range(256)) * 8, "is not UTF-8 text"),
    ("big_field", b"session,score\ns," + BIG + b"\n", "row 2"),
    ("huge", b"session,score\ns,1e308\n", "row 2: score='1e308' is out of range"),
]


def _one_line(err: str) -> str:
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert "Traceback" not in err and "internal error" not in err, err
    assert len(lines) == 1, err
    return lines[0]


@pytest.mark.parametrize("name, file, damage, command, code, text", CASES,
                         ids=[c[0] for c in CASES])
def test_damaged_file_is_one_line(name, file, damage, command, code, text, base, tmp_path,
                                  capsys):
    folder = tmp_path / name
    shutil.copytree(base, folder)
    damage(folder)
    if command == "aggregate":
        good = [tmp_path / "good_a", tmp_path / "good_b"]
        for g in good:
            shutil.copytree(base, g)
        rc = main(["aggregate", str(folder), *map(str, good), "--out", str(tmp_path / "out")])
    else:
        rc = main([command, str(folder)])
    out, err = capsys.readouterr()
    assert rc == code, err
    assert "Traceback" not in err and "internal error" not in err, err
    if command == "aggregate":  # the run goes on: one warning names the damaged session
        about = [ln for ln in err.splitlines() if f"{name}:" in ln]
        assert len(about) == 1 and text in about[0] and file in about[0], err
        rows = (tmp_path / "out" / "sessions.csv").read_text(encoding="utf-8")
        assert name in rows and "good_a" in rows and "good_b" in rows
    elif code == 2:
        line = _one_line(err)
        assert line.startswith(f"mimicry {command}: error: ") and file in line, line
        assert text in line, line
    elif file == "session.json":  # a note in the output; the frames are analysed
        shown = out if command == "analyze" else (folder / "report.html").read_text("utf-8")
        assert err.strip() == "" and "session.json" in shown, (out, err)
        assert ("not UTF-8" if "latin1" in name else "nested too deeply") in shown
    else:
        assert err.strip() == "", err
        if name.startswith("clip"):
            assert "too short" in out, out


@pytest.mark.parametrize("name, data, text", SCORE_CASES, ids=[c[0] for c in SCORE_CASES])
def test_damaged_score_file_is_one_line(name, data, text, base, tmp_path, capsys):
    scores = tmp_path / f"scores_{name}.csv"
    scores.write_bytes(data)
    rc = main(["aggregate", str(base), "--scores", str(scores), "--out", str(tmp_path / "out")])
    line = _one_line(capsys.readouterr().err)
    assert rc == 2
    assert line.startswith("mimicry aggregate: error: ") and scores.name in line, line
    assert text in line, line

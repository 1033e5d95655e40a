"""Bad input to ``mimicry import``: one line on stderr naming the file, row and column; exit 2."""

from __future__ import annotations

import filecmp
from pathlib import Path

import pytest

from mimicry.commands.main import main
from mimicry.io.importers import detect
from mimicry.io.importers.stimuli import condition_of

DATA = Path(__file__).resolve().parent / "data"
EVENTS = DATA / "events_sample.csv"
OPENFACE = DATA / "openface_sample.csv"


def _fails(capsys, *argv: str) -> str:
    """Run ``mimicry import ...``; assert exit 2 and one stderr line; return that line."""
    assert main(["import", *argv]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    return err[0]


def _openface_lines() -> list[str]:
    return OPENFACE.read_text().splitlines()


def _mimicry_frames(tmp_path: Path) -> Path:
    out = tmp_path / "session"
    assert main(["import", str(OPENFACE), "--events", str(EVENTS), "--out", str(out)]) == 0
    return out / "frames.csv"


def test_a_mimicry_frames_csv_as_openface(tmp_path, capsys):
    frames = _mimicry_frames(tmp_path)
    capsys.readouterr()
    line = _fails(capsys, str(frames), "--from", "openface", "--out", str(tmp_path / "o"))
    assert str(frames) in line and "row 1 (the header), column timestamp" in line
    line = _fails(capsys, str(frames), "--out", str(tmp_path / "o"))
    assert str(frames) in line and "mimicry frames.csv" in line
    assert not (tmp_path / "o").exists()


def test_missing_au12_column(tmp_path, capsys):
    lines = _openface_lines()
    header = lines[0].split(", ")
    k = header.index("AU12_r")
    bad = tmp_path / "no_au12.csv"
    bad.write_text("\n".join(", ".join(c for j, c in enumerate(line.split(", ")) if j != k)
                             for line in lines) + "\n")
    line = _fails(capsys, str(bad), "--from", "openface", "--out", str(tmp_path / "o"))
    assert str(bad) in line and "row 1 (the header), column AU12_r" in line


@pytest.mark.parametrize("cell, what", [("abc", "not a number"), ("7.5", "outside 0 to 5")])
def test_a_bad_cell_names_its_row_and_column(tmp_path, capsys, cell, what):
    lines = _openface_lines()
    k = lines[0].split(", ").index("AU12_r")
    cells = lines[41].split(", ")  # row 42 of the file
    cells[k] = cell
    lines[41] = ", ".join(cells)
    bad = tmp_path / "bad_cell.csv"
    bad.write_text("\n".join(lines) + "\n")
    line = _fails(capsys, str(bad), "--from", "openface", "--out", str(tmp_path / "o"))
    assert f"{bad} row 42, column AU12_r" in line and what in line


def test_a_time_going_back(tmp_path, capsys):
    lines = _openface_lines()
    lines[10], lines[11] = lines[11], lines[10]
    bad = tmp_path / "unsorted.csv"
    bad.write_text("\n".join(lines) + "\n")
    line = _fails(capsys, str(bad), "--from", "openface", "--out", str(tmp_path / "o"))
    assert f"{bad} row 12, column timestamp" in line


def test_a_row_longer_than_the_header(tmp_path, capsys):
    lines = _openface_lines()
    lines[5] += ", 1, 2"
    bad = tmp_path / "long_row.csv"
    bad.write_text("\n".join(lines) + "\n")
    line = _fails(capsys, str(bad), "--from", "openface", "--out", str(tmp_path / "o"))
    assert f"{bad} row 6" in line


def test_a_missing_or_empty_file(tmp_path, capsys):
    line = _fails(capsys, str(tmp_path / "nope.csv"), "--from", "openface", "--out",
                  str(tmp_path / "o"))
    assert "nope.csv" in line
    empty = tmp_path / "header_only.csv"
    empty.write_text(_openface_lines()[0] + "\n")
    assert "no data rows" in _fails(capsys, str(empty), "--out", str(tmp_path / "o"))


def test_pyfeat_without_a_time(tmp_path, capsys):
    lines = (DATA / "pyfeat_sample.csv").read_text().splitlines()
    k = lines[0].split(",").index("approx_time")
    bad = tmp_path / "fex.csv"
    bad.write_text("\n".join(",".join(c for j, c in enumerate(line.split(",")) if j != k)
                             for line in lines) + "\n")
    line = _fails(capsys, str(bad), "--out", str(tmp_path / "o"))
    assert "column approx_time" in line and "--fps" in line


def test_an_unknown_or_ambiguous_header(tmp_path, capsys):
    other = tmp_path / "other.csv"
    other.write_text("a,b\n1,2\n")
    assert "not that of any known tool" in _fails(capsys, str(other), "--out",
                                                  str(tmp_path / "o"))
    both = tmp_path / "both.csv"
    both.write_text("timestamp,AU12_r,AU12,FaceScore\n0,1,0.5,0.9\n")
    line = _fails(capsys, str(both), "--out", str(tmp_path / "o"))
    assert "openface and pyfeat" in line and "--from" in line


def test_an_out_folder_that_is_not_empty_is_never_touched(tmp_path, capsys):
    out = tmp_path / "session"
    assert main(["import", str(OPENFACE), "--events", str(EVENTS), "--out", str(out)]) == 0
    before = (out / "frames.csv").read_bytes()
    capsys.readouterr()
    line = _fails(capsys, str(DATA / "imotions_sample.csv"), "--out", str(out))
    assert "is not empty" in line
    assert (out / "frames.csv").read_bytes() == before
    other = tmp_path / "notes"
    other.mkdir()
    (other / "readme.txt").write_text("mine")
    assert "is not empty" in _fails(capsys, str(OPENFACE), "--out", str(other))


def test_an_out_that_cannot_be_a_folder(tmp_path, capsys):
    a_file = tmp_path / "file"
    a_file.write_text("x")
    assert "is a file" in _fails(capsys, str(OPENFACE), "--out", str(a_file))
    line = _fails(capsys, str(OPENFACE), "--out", str(a_file / "sub"))
    assert "cannot create" in line


def test_a_bad_events_file(tmp_path, capsys):
    bad = tmp_path / "events.csv"
    bad.write_text("t,event\n1.0,stimulus_begin\n")
    line = _fails(capsys, str(OPENFACE), "--events", str(bad), "--out", str(tmp_path / "o"))
    assert f"{bad} row 2, column event" in line
    assert not (tmp_path / "o").exists()


def test_a_bad_from(tmp_path, capsys):
    assert main(["import", str(OPENFACE), "--from", "facereader", "--out",
                 str(tmp_path / "o")]) == 2
    assert "invalid choice" in capsys.readouterr().err


@pytest.mark.parametrize("name, condition", [
    ("happy_face01.jpg", "happy"), ("HA_smiling_woman", "happy"), ("Joy 3", "happy"),
    ("sad_face02.jpg", "sad"), ("F01_SAD", "sad"), ("neutral_7", "neutral"),
    ("Fixation", None), ("Instructions", None), ("happy_then_sad", None)])
def test_condition_from_stimulus_name(name, condition):
    assert condition_of(name) == condition


def test_samples_are_what_make_samples_writes(tmp_path):
    import make_samples

    make_samples.main(tmp_path)
    for f in sorted(DATA.iterdir()):
        assert filecmp.cmp(f, tmp_path / f.name, shallow=False), f.name
    assert detect(tmp_path / "openface_sample.csv") == "openface"

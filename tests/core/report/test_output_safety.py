"""What analyze, report and aggregate write: never through a symlink, never onto data, never half.

Each case failed before: a ``trials.csv`` symlinked out of the folder was
written through; ``report --out frames.csv`` overwrote the data; ``aggregate
--out`` onto a session folder mixed group files into it; a run stopped midway
left new ``sessions.csv``/``group.json`` beside an old ``report.html``; and
folder names went into ``sessions.csv`` verbatim, to run as spreadsheet formulas.
"""

from __future__ import annotations

import csv
import resource
import subprocess
import sys

import pytest
from report_helpers import session_meta

from mimicry.commands.main import main

MIMICRY = [sys.executable, "-m", "mimicry.commands.main"]


@pytest.mark.parametrize("name", ["trials.csv", "summary.json", "report.html",
                                  "report_curves.png"])
def test_outputs_replace_a_symlink_instead_of_writing_through_it(name, synthetic_session,
                                                                  tmp_path, capsys):
    folder = synthetic_session("s", gain=1.0, seed=1, meta=session_meta("p01"))
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    (folder / name).symlink_to(victim)
    assert main(["report", str(folder)]) == 0, capsys.readouterr().err
    assert main(["analyze", str(folder)]) == 0, capsys.readouterr().err
    assert victim.read_text() == "precious"
    assert not (folder / name).is_symlink() and (folder / name).stat().st_size > 0


@pytest.mark.parametrize("out", ["frames.csv", "events.csv", "session.json", "."])
def test_report_out_onto_data_or_a_folder_is_refused(out, synthetic_session, capsys):
    folder = synthetic_session("s", gain=1.0, seed=1, meta=session_meta("p01"))
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    assert main(["report", str(folder), "--out", str(folder / out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and ".html" in err[0]
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_aggregate_out_onto_a_session_folder_is_refused(synthetic_session, capsys):
    a = synthetic_session("a", gain=1.0, seed=1, meta=session_meta("p01"))
    b = synthetic_session("b", gain=0.5, seed=2, meta=session_meta("p02"))
    before = sorted(p.name for p in a.iterdir())
    assert main(["aggregate", str(a), str(b), "--out", str(a)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "holds a session" in err[0]
    assert sorted(p.name for p in a.iterdir()) == before


def test_a_failed_aggregate_leaves_the_earlier_group_whole(synthetic_session, tmp_path):
    a = synthetic_session("a", gain=1.0, seed=1, meta=session_meta("p01"))
    b = synthetic_session("b", gain=0.5, seed=2, meta=session_meta("p02"))
    c = synthetic_session("c", gain=0.0, seed=3, meta=session_meta("p03"))
    out = tmp_path / "group"
    assert main(["aggregate", str(a), str(b), "--out", str(out)]) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    # The disk fills up at the first big file (a figure or the report): nothing may change.
    limit = 20_000
    r = subprocess.run([*MIMICRY, "aggregate", str(a), str(b), str(c), "--out", str(out)],
                       capture_output=True, text=True, timeout=300,
                       preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_FSIZE,
                                                             (limit, limit)))
    assert r.returncode == 2, r.stderr
    assert "Traceback" not in r.stderr and ".tmp" not in " ".join(p.name for p in out.iterdir())
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


@pytest.mark.parametrize("hostile", ["=HYPERLINK(\"http://x\",\"y\")", "+1+cmd", "-2+3", "@SUM(A1)"])
def test_sessions_csv_neutralises_formulas(hostile, synthetic_session, tmp_path, capsys):
    a = synthetic_session(hostile, gain=1.0, seed=1, meta=session_meta(hostile))
    b = synthetic_session("b", gain=0.5, seed=2, meta=session_meta("p02"))
    out = tmp_path / "group"
    assert main(["aggregate", str(a), str(b), "--out", str(out)]) == 0, capsys.readouterr().err
    with open(out / "sessions.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    texts = [v for row in rows for v in row.values() if v]
    assert not [v for v in texts if v[0] in "=+@" or (v[0] == "-" and not _number(v))]
    assert any(v == "'" + hostile for v in texts)
    assert any(v.startswith("-0.") or v.startswith("0.") for v in texts)  # numbers untouched


def _number(v: str) -> bool:
    try:
        float(v)
    except ValueError:
        return False
    return True

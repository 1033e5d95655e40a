"""Fuzzing what users hand the CLI: protocol TOML, events.csv and frames.csv.

Whatever the bytes, a command either succeeds (exit 0) or says what is wrong
in one line on stderr with exit code 2; it never prints a traceback and never
hits an internal error (exit 70). Hypothesis edits a valid file cell by cell,
line by line and byte by byte, with the values that broke it before (NaN,
inf, 1e308, text in numbers, control characters, huge cells, a byte-order
mark, non-UTF-8 bytes, cut lines).
"""

from __future__ import annotations

import shutil

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from mimicry.commands.main import main  # noqa: E402

NASTY = ["", "nan", "NaN", "inf", "-inf", "1e308", "-1e308", "1e-320", "abc", "1,2", "0x10",
         "\x00", "\r", "\t", "=1+1", "'", '"', "\ufeff", "é", "9" * 400, "x" * 140_000,
         "-1", "0", "1", "2.5", "99999999999999999999", "True", "[1, 2]", "{a = 1}"]

cells = st.one_of(st.sampled_from(NASTY), st.text(max_size=20),
                  st.floats(allow_nan=True, allow_infinity=True).map(repr),
                  st.integers(min_value=-10**30, max_value=10**30).map(str))


@st.composite
def damaged(draw, text: str, sep: str = ","):
    """``text`` with a few random edits: a cell replaced, a line dropped or cut, bytes inserted."""
    lines = text.split("\n")
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["cell", "cell", "cell", "drop", "cut", "bytes", "bom"]))
        i = draw(st.integers(0, len(lines) - 1))
        if kind == "cell":
            parts = lines[i].split(sep)
            j = draw(st.integers(0, max(len(parts) - 1, 0)))
            parts[j] = draw(cells)
            lines[i] = sep.join(parts)
        elif kind == "drop" and len(lines) > 1:
            del lines[i]
        elif kind == "cut":
            lines[i] = lines[i][:draw(st.integers(0, len(lines[i])))]
        elif kind == "bom":
            lines[0] = "\ufeff" + lines[0]
    data = "\n".join(lines).encode("utf-8", "surrogatepass")
    if draw(st.booleans()) and draw(st.booleans()):
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(min_size=1, max_size=8)) + data[at:]
    return data


def _assert_clean(rc: int, err: str) -> None:
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert "Traceback" not in err and "internal error" not in err, err
    assert rc in (0, 2), (rc, err)
    if rc == 2:
        errors = [ln for ln in lines if ": error: " in ln]
        assert len(errors) == 1 and len(lines) - len(errors) <= 0 + sum(
            ": warning: " in ln for ln in lines), err


@pytest.fixture(scope="module")
def base_session(tmp_path_factory):
    """A small simulated session folder (3 faces per condition), written once."""
    import json

    from mimicry.core.channels import CHANNELS
    from mimicry.io.formats import format_cell, open_csv_writer
    from mimicry.io.tables import write_events
    from mimicry.simulate.signal import VirtualParticipant, make_schedule, simulate_frames

    folder = tmp_path_factory.mktemp("fuzz_base")
    sch = make_schedule(3, seed=4)
    frames = simulate_frames(sch.trials, VirtualParticipant(delay_s=0.6, gain=1.0), seed=5)
    fh, writer = open_csv_writer(folder / "frames.csv", ("t", "frame", "face_id", "face_detected")
                                 + CHANNELS)
    with fh:
        for i in range(0, len(frames), 3):  # every third frame: 10 fps keeps each run short
            writer.writerow([f"{frames.t[i]:.4f}", str(i), "0", "1" if frames.face_detected[i]
                             else "0"] + [format_cell(float(frames.channels[c][i]))
                                          for c in CHANNELS])
    write_events(folder / "events.csv", sch.events)
    (folder / "session.json").write_text(json.dumps({"status": "complete"}))
    assert main(["analyze", str(folder)]) == 0
    return folder


FUZZ = settings(max_examples=40, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow, HealthCheck.data_too_large])


@pytest.mark.parametrize("name", ["events.csv", "frames.csv"])
def test_damaged_session_files_give_one_line_or_success(name, base_session, tmp_path_factory,
                                                        capsys):
    text = (base_session / name).read_text(encoding="utf-8")
    if name == "frames.csv":  # a shorter file: the edits hit the header and the trials alike
        text = "\n".join(text.split("\n")[:400])

    @FUZZ
    @given(data=damaged(text))
    def check(data):
        folder = tmp_path_factory.mktemp("fuzz")
        for f in ("frames.csv", "events.csv", "session.json"):
            shutil.copyfile(base_session / f, folder / f)
        (folder / name).write_bytes(data)
        capsys.readouterr()
        rc = main(["analyze", str(folder)])
        _assert_clean(rc, capsys.readouterr().err)
        shutil.rmtree(folder)

    check()


PROTOCOL = """schema_version = 1
name = "fuzz"
description = "a protocol to damage"
seed = 3

[calibration]
duration_s = 2.0

[trials]
blocks = 1
per_condition = 2
conditions = ["happy", "sad", "neutral"]
stimulus_s = 1.5
morph_s = 0.3
intensity = 0.8
iti_s = 1.0
iti_jitter_s = 0.2

[display]
face_scale = 0.8
background = "#c0c0c0"
"""


def test_damaged_protocols_give_one_line_or_success(tmp_path, capsys):
    path = tmp_path / "p.toml"

    @FUZZ
    @given(data=damaged(PROTOCOL, sep=" = "))
    def check(data):
        path.write_bytes(data)
        capsys.readouterr()
        rc = main(["stimuli", "check", str(path)])
        _assert_clean(rc, capsys.readouterr().err)

    check()

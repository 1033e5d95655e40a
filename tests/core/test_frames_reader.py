"""The two frames.csv readers agree: pyarrow's fast path and the careful csv-module one.

The fast path must read every clean file exactly as the careful reader does,
and must step aside (return None) for every file the careful reader rejects,
so that damage is still reported as one line naming the row and column.
"""

from __future__ import annotations

import numpy as np
import pytest

hypothesis = pytest.importorskip("hypothesis")
pytest.importorskip("pyarrow")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from mimicry.core.errors import InputError  # noqa: E402
from mimicry.io.formats import FRAME_COLUMNS, format_cell, open_csv_writer  # noqa: E402
from mimicry.io.frames_arrow import read_frames_fast as _fast  # noqa: E402
from mimicry.io.tables import FramesTable, read_frames, read_frames_careful  # noqa: E402


def read_frames_fast(path):
    fields = _fast(path)
    return None if fields is None else FramesTable(**fields)

TEXT = {"face_detected", "condition", "stimulus_id", "source", "group"}


def _write(path, n: int = 40, seed: int = 0, extra: bool = True) -> None:
    rng = np.random.default_rng(seed)
    columns = FRAME_COLUMNS + (("note",) if extra else ())
    fh, writer = open_csv_writer(path, columns)
    with fh:
        for i in range(n):
            seen = rng.random() > 0.2
            row = []
            for c in columns:
                if c == "t":
                    row.append(f"{i / 30:.4f}")
                elif c in ("frame", "face_id"):
                    row.append(str(i if c == "frame" else 0))
                elif c == "face_detected":
                    row.append("1" if seen else "0")
                elif c in ("condition", "stimulus_id", "group"):
                    row.append(["", "happy", "sad", "own"][i % 4])
                elif c == "source":
                    row.append("camera")
                elif c == "note":
                    row.append(["", "a,b", "x"][i % 3])
                else:
                    row.append(format_cell(float(rng.random())) if seen else "")
            writer.writerow(row)


def _assert_same(a, b) -> None:
    assert len(a) == len(b)
    for name in ("t", "frame", "face_id", "face_detected", "pose", "blendshapes", "trial",
                 "stimulus_intensity"):
        x, y = getattr(a, name), getattr(b, name)
        assert x.dtype.kind == y.dtype.kind, name
        np.testing.assert_array_equal(x, y, err_msg=name)
    for name in ("condition", "stimulus_id", "source"):
        assert list(getattr(a, name)) == list(getattr(b, name)), name
    assert a.channels.keys() == b.channels.keys()
    for k in a.channels:
        np.testing.assert_array_equal(a.channels[k], b.channels[k], err_msg=k)
    assert a.extra.keys() == b.extra.keys()
    for k in a.extra:
        assert list(a.extra[k]) == list(b.extra[k]), k


def test_a_clean_file_takes_the_fast_path_and_reads_the_same(tmp_path):
    path = tmp_path / "frames.csv"
    _write(path)
    fast = read_frames_fast(path)
    assert fast is not None
    _assert_same(fast, read_frames_careful(path))
    assert list(fast.extra["note"])[:3] == ["", "a,b", "x"]
    assert np.isnan(fast.channels["smile"][~fast.face_detected]).all()


def test_an_empty_table_and_a_bom_read_the_same(tmp_path):
    path = tmp_path / "frames.csv"
    _write(path, n=0)
    _assert_same(read_frames_fast(path), read_frames_careful(path))
    _write(path, n=5)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    _assert_same(read_frames_fast(path), read_frames_careful(path))


@pytest.mark.parametrize("edit, where", [
    (lambda lines: lines.__setitem__(3, lines[3].replace("0.0", "abc", 1)), "row 4"),
    (lambda lines: lines.__setitem__(5, ",".join(lines[5].split(",")[:7])), "row 6"),
    (lambda lines: lines.__setitem__(2, "inf" + lines[2][lines[2].index(","):]), "row 3, column t"),
    (lambda lines: lines.__setitem__(4, lines[4].replace(",0,", ",,", 1)), "row 5"),
])
def test_damage_falls_back_to_the_line_that_names_the_row(tmp_path, edit, where):
    path = tmp_path / "frames.csv"
    _write(path, n=12, extra=False)
    lines = path.read_text().split("\n")
    edit(lines)
    path.write_text("\n".join(lines))
    assert read_frames_fast(path) is None
    with pytest.raises(InputError, match=where):
        read_frames(path)


CELLS = st.one_of(st.sampled_from(["", "nan", "NaN", "inf", "-inf", "1e308", "1e400", "abc",
                                   "0x10", "1_0", " 2", "+3", "-0", "NA", "null", "\x00",
                                   '"', "é", "99999999999999999999", "1", "0", "2.5",
                                   "x" * 140_000]),
                  st.text(max_size=6))


@settings(max_examples=150, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=st.lists(st.tuples(st.integers(0, 12), st.integers(0, len(FRAME_COLUMNS) - 1),
                                CELLS), min_size=1, max_size=4),
       cut=st.booleans())
def test_whatever_the_damage_the_fast_path_never_disagrees(tmp_path, edits, cut):
    path = tmp_path / "frames.csv"
    _write(path, n=12, seed=1, extra=False)
    lines = path.read_text().rstrip("\n").split("\n")
    for row, col, cell in edits:
        parts = lines[row].split(",")
        parts[col] = cell
        lines[row] = ",".join(parts)
    if cut:
        lines[-1] = lines[-1][: len(lines[-1]) // 2]
    path.write_bytes("\n".join(lines).encode("utf-8", "surrogatepass"))
    fast = read_frames_fast(path)
    try:
        careful = read_frames_careful(path)
    except InputError:
        assert fast is None, "the fast path read a file the careful reader rejects"
        return
    if fast is not None:
        _assert_same(fast, careful)

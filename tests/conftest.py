"""Shared fixtures.

``testdata`` is ../shared/testdata beside the repository (real face clips and
photos). A user's clone won't have it, so tests that use it skip without it;
tests that must always run use faces the project renders itself.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
TESTDATA = Path(os.environ.get("MIMICRY_TESTDATA", REPO.parent / "shared" / "testdata"))


#: A short protocol for live tests: 1.5 s calibration, one face per condition, ~8 s.
TINY_PROTOCOL = """
schema_version = 1
name = "tiny"
description = "Test protocol: one face of each condition, about 8 s."
seed = 3

[calibration]
duration_s = 1.5

[trials]
per_condition = 1
stimulus_s = 1.2
morph_s = 0.3
iti_s = 0.8
iti_jitter_s = 0.0

[display]
face_scale = 0.8
background = "#707070"
"""


@pytest.fixture(scope="session")
def tiny_protocol(tmp_path_factory) -> Path:
    p = tmp_path_factory.mktemp("protocols") / "tiny.toml"
    p.write_text(TINY_PROTOCOL, encoding="utf-8")
    return p


@pytest.fixture(scope="session")
def testdata() -> Path:
    if not (TESTDATA / "SOURCES.md").is_file():
        pytest.skip(f"real face test data not found at {TESTDATA}")
    return TESTDATA


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture(scope="session")
def face_photo():
    """A frontal neutral face (BGR), from the shipped stimulus faces or the test photos."""
    import cv2

    candidates = sorted((REPO / "assets" / "faces").glob("*/neutral.jpg"))
    candidates += [TESTDATA / "images" / "london_004_03_neutral.jpg"]
    for c in candidates:
        if c.is_file():
            return cv2.imread(str(c))
    pytest.skip("no face photo available")


@pytest.fixture(scope="session")
def quick_sim(tmp_path_factory):
    """A virtual participant watching the ``quick`` protocol (delay 0.6 s, gain 1).

    Rendered once per test run (320 px, 25 fps) and shared: ``participant.mp4``,
    ``events.csv`` and ``simulation.json`` in the returned folder.
    """
    from mimicry.protocol.load import load_protocol
    from mimicry.simulate.rendered import simulate_participant

    out = tmp_path_factory.mktemp("quick_sim")
    simulate_participant(load_protocol("quick"), out, delay_s=0.6, gain=1.0, noise=0.05, seed=1,
                         fps=25, size_px=320, jobs=2)
    return out


@pytest.fixture(scope="session")
def quick_processed(quick_sim, tmp_path_factory):
    """``quick_sim`` run through ``mimicry process --events`` (a session folder)."""
    from mimicry.runtime.process import process_input

    out = tmp_path_factory.mktemp("quick_processed")
    process_input(quick_sim / "participant.mp4", out, events_path=quick_sim / "events.csv",
                  progress=False)
    return out


@pytest.fixture
def library_missing(tmp_path):
    """``make(soname, name)``: a real shared library ``name`` whose dependency ``soname``
    has been deleted (built with the C compiler; skips without one, or without ldd)."""
    import shutil
    import subprocess
    import sys

    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None or shutil.which("ldd") is None or not sys.platform.startswith("linux"):
        pytest.skip("needs Linux, a C compiler and ldd")

    def make(soname: str, name: str = "libuser.so") -> Path:
        (tmp_path / "gone.c").write_text("int gone(void) { return 1; }\n")
        (tmp_path / "user.c").write_text("int gone(void);\nint user(void) { return gone(); }\n")
        dep, lib = tmp_path / soname, tmp_path / name
        subprocess.run([cc, "-shared", "-fPIC", f"-Wl,-soname,{soname}", "-o", str(dep),
                        str(tmp_path / "gone.c")], check=True)
        subprocess.run([cc, "-shared", "-fPIC", "-o", str(lib), str(tmp_path / "user.c"),
                        str(dep)], check=True)
        dep.unlink()
        return lib

    return make

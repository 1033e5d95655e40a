"""The one validation helper and the CLI's one-line argparse errors."""

from __future__ import annotations

import argparse
import math
import sys

import numpy as np
import pytest

from mimicry.core.check import (arg_range, check_int, check_number, check_option, check_range,
                                check_type)
from mimicry.core.errors import ConfigError, InputError


def test_check_option_message_and_error_class():
    with pytest.raises(InputError) as info:
        check_option("condition", "hapy", ("happy", "sad"), error=InputError)
    assert str(info.value) == ("Invalid value for the 'condition' parameter. Allowed values are "
                               "'happy', 'sad', but got 'hapy' instead.")
    assert check_option("condition", "sad", ("happy", "sad")) == "sad"
    with pytest.raises(ConfigError, match="^f.toml: Invalid value for the 'x' parameter"):
        check_option("x", [1], ("a",), where="f.toml")  # unhashable: still one line


@pytest.mark.parametrize("value", ["abc", None, True, math.nan, math.inf, -math.inf, 1e308, -0.5])
def test_check_range_rejects(value):
    with pytest.raises(ConfigError) as info:
        check_range("noise", value, 0.0, 1.0)
    assert str(info.value) == ("Invalid value for the 'noise' parameter: expected a number from "
                               f"0 to 1, but got {value!r} instead.")


def test_check_range_bounds_and_words():
    assert check_range("x", 0, 0.0, 1.0) == 0.0
    assert check_number("x", np.float32(0.5), 0.0, 1.0) == 0.5
    with pytest.raises(ConfigError, match="expected a number > 0, but got 0 instead"):
        check_range("x", 0, 0.0, lo_open=True)
    with pytest.raises(ConfigError, match=r"expected a number >= 0 and < 1, but got 1 instead"):
        check_range("x", 1, 0.0, 1.0, hi_open=True)
    with pytest.raises(InputError, match="expected a finite number, but got nan instead"):
        check_range("gain", math.nan, error=InputError)


@pytest.mark.parametrize("value", [1.5, "3", True, 0, 65, None])
def test_check_int_rejects(value):
    with pytest.raises(InputError) as info:
        check_int("jobs", value, 1, 64, error=InputError)
    assert str(info.value) == ("Invalid value for the 'jobs' parameter: expected an integer from "
                               f"1 to 64, but got {value!r} instead.")
    assert check_int("jobs", np.int64(3), 1, 64) == 3


def test_check_type():
    with pytest.raises(ConfigError, match="expected int instances, but got 'a' instead"):
        check_type("n", "a", int)


@pytest.mark.parametrize("text", ["abc", "nan", "inf", "1e308", "0", "241", ""])
def test_arg_range_rejects(text):
    parse = arg_range(1.0, 240.0)
    with pytest.raises(argparse.ArgumentTypeError,
                       match=r"expected a number from 1 to 240, but got .* instead"):
        parse(text)
    assert parse("30") == 30.0
    assert arg_range(1, 64, kind=int)("4") == 4
    with pytest.raises(argparse.ArgumentTypeError, match="expected an integer from 1 to 64"):
        arg_range(1, 64, kind=int)("2.5")


def _cli(capsys, *argv):
    from mimicry.commands.main import main

    try:
        code = main(list(argv))
    except SystemExit as exc:
        code = exc.code
    err = capsys.readouterr().err
    return code, err.splitlines()


@pytest.mark.parametrize("argv, expected", [
    (["simulate", "--out", "x", "--fps", "abc"],
     "mimicry simulate: error: argument --fps: expected a number from 1 to 240, but got 'abc' "
     "instead"),
    (["simulate", "--out", "x", "--noise", "nan"],
     "mimicry simulate: error: argument --noise: expected a number from 0 to 1, but got 'nan' "
     "instead"),
    (["simulate", "--out", "x", "--gain", "inf"],
     "mimicry simulate: error: argument --gain: expected a finite number, but got 'inf' instead"),
    (["simulate", "--out", "x", "--delay", "-1"],
     "mimicry simulate: error: argument --delay: expected a number >= 0, but got '-1' instead"),
    (["simulate", "--out", "x", "--size", "1e308"],
     "mimicry simulate: error: argument --size: expected an integer from 64 to 4096, but got "
     "'1e308' instead"),
    (["simulate", "--out", "x", "--jobs", "0"],
     "mimicry simulate: error: argument --jobs: expected an integer from 1 to 64, but got '0' "
     "instead"),
    (["simulate", "--out", "x", "--seed", "-3"],
     "mimicry simulate: error: argument --seed: expected an integer >= 0, but got '-3' instead"),
    (["simulate", "--out", "x", "--duration-s", "2"],
     "mimicry simulate: error: argument --duration-s: expected a number from 5 to 3600, but got "
     "'2' instead"),
    (["process", "in.mp4", "--out", "x", "--faces", "9"],
     "mimicry process: error: argument --faces: expected an integer from 1 to 4, but got '9' "
     "instead"),
    (["stimuli", "export", "--protocol", "quick", "--out", "a.mp4", "--fps", "0"],
     "mimicry stimuli export: error: argument --fps: expected a number from 1 to 240, but got "
     "'0' instead"),
    (["simulate", "--bogus"], None),
])
def test_cli_bad_number_is_one_line_exit_2(capsys, argv, expected):
    code, lines = _cli(capsys, *argv)
    assert code == 2
    assert len(lines) == 1, lines  # no "usage:" line
    if expected is not None:
        assert lines[0] == expected
    else:
        assert lines[0].startswith("mimicry simulate: error: ")


def test_cli_bad_leader_is_one_line_exit_2(capsys):
    code, lines = _cli(capsys, "simulate", "--dyad", "--out", "x", "--leader", "up")
    assert code == 2
    assert lines == ["mimicry simulate: error: Invalid value for the '--leader' parameter. "
                     "Allowed values are 'left', 'right', but got 'up' instead."]


# --------------------------------------------------------------------------- system libraries

@pytest.mark.parametrize("soname, package", [
    ("libxcb-icccm.so.4", "libxcb-icccm4"), ("libxcb-keysyms.so.1", "libxcb-keysyms1"),
    ("libxcb-cursor.so.0", "libxcb-cursor0"), ("libxkbcommon-x11.so.0", "libxkbcommon-x11-0"),
    ("libX11-xcb.so.1", "libx11-xcb1"), ("libEGL.so.1", "libegl1"),
    ("libdbus-1.so.3", "libdbus-1-3"), ("libxcb-render-util.so.0", "libxcb-render-util0"),
    ("libglib-2.0.so.0", "libglib2.0-0")])
def test_debian_package_of_a_library(soname, package):
    from mimicry.runtime.diagnostics import debian_package

    assert debian_package(soname) == package


def test_the_apt_line_is_the_one_everything_quotes(repo):
    """README, docs/app.md and CI install the same packages the check recommends."""
    from mimicry.runtime.diagnostics import APT_PACKAGES

    for doc in ("README.md", "docs/app.md"):
        text = (repo / doc).read_text(encoding="utf-8")
        assert " ".join(APT_PACKAGES) in text, doc
    ci = " ".join((repo / ".ci" / "run").read_text().split())
    assert all(f" {p} " in ci for p in APT_PACKAGES)


def test_missing_libraries_are_named_and_check_exits_1(library_missing, monkeypatch, capsys):
    from mimicry.commands.main import main
    from mimicry.runtime import diagnostics

    library_missing_a_dependency = library_missing("libmimicrygone.so.1")

    assert diagnostics.missing_libraries(library_missing_a_dependency) == ["libmimicrygone.so.1"]
    monkeypatch.setattr(diagnostics, "xcb_plugin", lambda: str(library_missing_a_dependency))
    monkeypatch.setenv("DISPLAY", ":99")
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    problem = diagnostics.window_libraries_problem()
    assert "libmimicrygone.so.1" in problem and "apt-get install libmimicrygone1" in problem
    assert main(["check", "--cameras", "0"]) == 1
    out = capsys.readouterr().out
    (qt_line,) = [ln for ln in out.splitlines() if "Qt:" in ln]
    assert qt_line.startswith("[FAIL]") and "libmimicrygone.so.1" in qt_line


def test_check_exits_1_without_a_display(monkeypatch, capsys):
    from mimicry.commands.main import main

    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    assert main(["check", "--cameras", "0"]) == (1 if sys.platform.startswith("linux") else 0)
    if sys.platform.startswith("linux"):
        assert "[FAIL] Qt: no display found" in capsys.readouterr().out

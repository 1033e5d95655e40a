"""Protocol files and stimulus sets refuse out-of-range values with one line, never a hang."""

from __future__ import annotations

import struct
import time
import zlib
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from mimicry.commands.main import main
from mimicry.core.errors import ConfigError, InputError
from mimicry.protocol.load import SHIPPED_PROTOCOLS, load_protocol, parse_protocol
from mimicry.protocol.schedule import build_schedule
from mimicry.protocol.stimulus_set import load_stimulus_set

HEAD = 'schema_version = 1\nname = "mine"\n'

#: case -> (file contents, a fragment the one error line must hold)
BAD: dict[str, tuple[bytes | str, str]] = {
    "per_condition_huge": (HEAD + "[trials]\nper_condition = 100000\n",
                           "[trials] per_condition must be an integer from 1 to 500, got 100000"),
    "blocks_huge": (HEAD + "[trials]\nblocks = 99999999999999999999\n",
                    "[trials] blocks must be an integer from 1 to 100, got 99999999999999999999"),
    "too_many_trials": (HEAD + "[trials]\nblocks = 10\nper_condition = 50\n",
                        "[trials] blocks x per_condition x conditions must be at most 1000 trials, "
                        "got 10 x 50 x 3 = 1500"),
    "session_over_2h": (HEAD + "[trials]\nper_condition = 300\nstimulus_s = 20.0\n",
                        "a protocol may last at most 7200 s (2 hours)"),
    "duration_1e308": (HEAD + "[calibration]\nduration_s = 1e308\n",
                       "[calibration] duration_s must be a number from 0 to 600, got 1e+308"),
    "duration_nan": (HEAD + "[calibration]\nduration_s = nan\n",
                     "[calibration] duration_s must be a number from 0 to 600, got nan"),
    "iti_inf": (HEAD + "[trials]\niti_s = inf\n",
                "[trials] iti_s must be a number from 0 to 600, got inf"),
    "break_negative": (HEAD + "[trials]\nblock_break_s = -1\n",
                       "[trials] block_break_s must be a number from 0 to 600, got -1"),
    "stimulus_huge_int": (HEAD + "[trials]\nstimulus_s = 1" + "0" * 400 + "\n",
                          "[trials] stimulus_s must be a number > 0 and <= 600, got 1000"),
    "seed_huge": (HEAD + "seed = 99999999999999999999\n",
                  "seed must be an integer from 0 to 4294967295"),
    "nested_toml": (HEAD + "a = " + "[" * 10000 + "\n", "not valid TOML (nested too deeply"),
    "name_140000": ('schema_version = 1\nname = "' + "x" * 140_000 + '"\n',
                    "name must be a non-empty string of at most 100 characters"),
    "name_cr": ('schema_version = 1\nname = "a\\rb"\n',
                "name must be text without control characters such as '\\r'"),
    "name_nul": ('schema_version = 1\nname = "a\\u0000b"\n',
                 "name must be text without control characters such as '\\x00'"),
    "description_long": (HEAD + 'description = "' + "d" * 2001 + '"\n',
                         "description must be a string of at most 2000 characters"),
    "calibration_text_nul": (HEAD + '[display]\ncalibration_text = "a\\u0000"\n',
                             "[display] calibration_text must be text without control"),
    "identity_long": (HEAD + '[stimuli]\nidentities = ["' + "i" * 5000 + '"]\n',
                      "[stimuli] identities must be a list of names from"),
    "schema_float": ("schema_version = 1.0\n", "schema_version must be 1"),
    "latin1": (HEAD.encode() + 'description = "caf\xe9"\n'.encode("latin-1"),
               "not UTF-8 text (byte 0xe9"),
}


def _write(folder: Path, contents: bytes | str, name: str = "bad.toml") -> Path:
    path = folder / name
    path.write_bytes(contents if isinstance(contents, bytes) else contents.encode("utf-8"))
    return path


@pytest.mark.timeout(60)  # the old scheduler took minutes over some of these
@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_protocol_is_one_line_exit_2(tmp_path, capsys, case):
    contents, expected = BAD[case]
    path = _write(tmp_path, contents)
    assert main(["stimuli", "check", str(path)]) == 2
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert len(lines) == 1 and captured.err.endswith("\n"), captured.err[:500]
    assert lines[0].startswith("mimicry stimuli: error: protocol bad.toml: "), lines[0][:500]
    assert expected in lines[0], lines[0][:500]
    assert len(lines[0]) < 400  # a 140,000-character value is not echoed in full


def test_utf8_bom_is_accepted(tmp_path, capsys):
    path = _write(tmp_path, b"\xef\xbb\xbf" + HEAD.encode())
    assert main(["stimuli", "check", str(path)]) == 0
    assert capsys.readouterr().out.startswith("OK: mine: 12 trials")


def test_oversized_file_is_refused(tmp_path):
    path = _write(tmp_path, HEAD + "# " + "x" * 1_000_000 + "\n")
    with pytest.raises(ConfigError, match=r"^protocol bad.toml: too large for a protocol file"):
        load_protocol(path)


def test_protocol_at_the_limits_loads_and_schedules_quickly(tmp_path):
    # 1000 trials (the most), two faces for two conditions (the hardest repair).
    text = (HEAD + "seed = 4294967295\n[calibration]\nduration_s = 590\n[trials]\n"
            'blocks = 2\nper_condition = 250\nconditions = ["happy", "sad"]\n'
            "stimulus_s = 2.0\nmorph_s = 0.5\niti_s = 3.0\niti_jitter_s = 0.5\n"
            'block_break_s = 600\n[stimuli]\nidentities = ["alex", "casey"]\n')
    path = _write(tmp_path, text)
    t0 = time.monotonic()
    p = load_protocol(path)
    s = build_schedule(p)
    assert main(["stimuli", "check", str(path)]) == 0
    assert time.monotonic() - t0 < 3.0
    assert len(s.trials) == 1000 and p.max_duration_s <= 7200
    # One trial more is refused.
    with pytest.raises(ConfigError, match="at most 1000 trials, got 3 x 250 x 2 = 1500"):
        parse_protocol(text.replace("blocks = 2", "blocks = 3"), source=path)


@pytest.mark.timeout(60)
def test_schedule_builder_is_linear_beyond_the_file_limits():
    # Longer than a file may ask for, with only two faces: the old repair was quadratic.
    p = parse_protocol('schema_version = 1\n[trials]\nconditions = ["happy", "sad"]\n'
                       '[stimuli]\nidentities = ["alex", "casey"]\n', source="<t>")
    p = replace(p, per_condition=10_000)
    t0 = time.monotonic()
    s = build_schedule(p, 3)
    assert time.monotonic() - t0 < 3.0
    assert len(s.trials) == 20_000


@pytest.mark.parametrize("name", SHIPPED_PROTOCOLS)
def test_shipped_protocols_are_within_the_limits(name):
    from mimicry.protocol import limits

    p = load_protocol(name)
    assert (limits.MAX_TRIALS, limits.MAX_SESSION_S) == (1000, 7200.0)  # as docs/protocols.md says
    assert p.n_trials <= limits.MAX_TRIALS and p.max_duration_s <= limits.MAX_SESSION_S
    assert p.blocks <= limits.MAX_BLOCKS and p.per_condition <= limits.MAX_PER_CONDITION
    assert len(p.name) <= limits.MAX_NAME_CHARS
    assert len(p.description) <= limits.MAX_DESCRIPTION_CHARS


# --------------------------------------------------------------------------- stimulus sets

def _png(path: Path, w: int, h: int) -> None:
    """A valid 1-bit greyscale PNG of w x h black pixels: tiny on disk, huge decoded."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    row = b"\x00" * (1 + (w + 7) // 8)
    z = zlib.compressobj(9)
    body = b"".join(z.compress(row) for _ in range(h)) + z.flush()
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 1, 0, 0,
                                                                       0, 0))
                     + chunk(b"IDAT", body) + chunk(b"IEND", b""))


def _set(folder: Path, file: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "manifest.csv").write_text(f"file,condition,intensity\n{file},happy,1\n",
                                         encoding="utf-8")
    return folder


@pytest.fixture
def outside_image(tmp_path) -> Path:
    import cv2

    path = tmp_path / "outside.png"
    assert cv2.imwrite(str(path), np.zeros((8, 8, 3), np.uint8))
    return path


def _cli_error(capsys, folder: Path) -> str:
    assert main(["stimuli", "check", str(folder)]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1, lines
    return lines[0]


def test_manifest_path_may_not_be_absolute(tmp_path, capsys, outside_image):
    folder = _set(tmp_path / "set", str(outside_image))
    line = _cli_error(capsys, folder)
    assert "manifest.csv row 2: file " in line and "must be a path relative to the set folder" \
        in line


def test_manifest_path_may_not_climb_out(tmp_path, capsys, outside_image):
    folder = _set(tmp_path / "set", "../outside.png")
    line = _cli_error(capsys, folder)
    assert "manifest.csv row 2: file '../outside.png' must be a path relative" in line
    with pytest.raises(ConfigError, match="no '..'"):
        load_stimulus_set(_set(tmp_path / "set2", "sub/../../outside.png"))


def test_manifest_symlink_out_of_the_folder_is_refused(tmp_path, capsys, outside_image):
    folder = tmp_path / "set"
    folder.mkdir()
    (folder / "link.png").symlink_to(outside_image)
    _set(folder, "link.png")
    line = _cli_error(capsys, folder)
    assert "manifest.csv row 2: file 'link.png' leads outside the set folder" in line
    # A link that stays inside the folder is fine.
    (folder / "real.png").write_bytes(outside_image.read_bytes())
    (folder / "inner.png").symlink_to(folder / "real.png")
    assert load_stimulus_set(_set(folder, "inner.png")).items[0].width == 8


@pytest.mark.parametrize("w, h", [(9000, 16), (7000, 7000)])
def test_image_over_the_pixel_limit_is_refused_from_its_header(tmp_path, capsys, w, h):
    folder = tmp_path / "set"
    folder.mkdir()
    _png(folder / "bomb.png", w, h)
    assert (folder / "bomb.png").stat().st_size < 200_000
    _set(folder, "bomb.png")
    line = _cli_error(capsys, folder)
    assert f"manifest.csv row 2: file 'bomb.png' is too large ({w}x{h} pixels)" in line
    with pytest.raises(InputError, match="at most 8000 pixels per side and 40 megapixels"):
        load_stimulus_set(folder)


def test_manifest_with_too_many_rows_is_refused(tmp_path):
    folder = tmp_path / "set"
    folder.mkdir()
    rows = "".join(f"f{i}.png,happy,1\n" for i in range(2001))
    (folder / "manifest.csv").write_text("file,condition,intensity\n" + rows, encoding="utf-8")
    with pytest.raises(ConfigError, match="has 2001 rows; a stimulus set may list at most 2000"):
        load_stimulus_set(folder)

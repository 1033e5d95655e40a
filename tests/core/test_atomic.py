"""Atomic writes and the writable-folder check (mimicry.io.atomic)."""

import json
import os

import pytest

from mimicry.core.errors import InputError
from mimicry.io.atomic import (ensure_writable_folder, write_bytes_atomic, write_json_atomic,
                               write_text_atomic)


def test_writes_and_leaves_no_temp_file(tmp_path):
    write_bytes_atomic(tmp_path / "a.png", b"\x89PNG")
    write_text_atomic(tmp_path / "b.html", "<p>é</p>")
    write_json_atomic(tmp_path / "c.json", {"x": 1}, allow_nan=False)
    assert (tmp_path / "a.png").read_bytes() == b"\x89PNG"
    assert (tmp_path / "b.html").read_text(encoding="utf-8") == "<p>é</p>"
    assert json.loads((tmp_path / "c.json").read_text()) == {"x": 1}
    assert (tmp_path / "c.json").read_text().endswith("\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.png", "b.html", "c.json"]


def test_replaces_a_symlink_instead_of_following_it(tmp_path):
    target = tmp_path / "elsewhere.txt"
    target.write_text("keep")
    link = tmp_path / "out.txt"
    link.symlink_to(target)
    write_text_atomic(link, "new")
    assert not link.is_symlink()
    assert link.read_text() == "new"
    assert target.read_text() == "keep"


def test_missing_folder_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="cannot write"):
        write_bytes_atomic(tmp_path / "nope" / "x.bin", b"")


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs permissions")
def test_unwritable_folder(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        with pytest.raises(InputError, match="is not writable"):
            ensure_writable_folder(ro)
    finally:
        ro.chmod(0o700)
    assert ensure_writable_folder(tmp_path / "new" / "sub").is_dir()

"""Atomic writes of final output files, and the writable-folder check.

A file is written to a temporary file in the same folder, flushed to disk
(``fsync``) and renamed over the destination with :func:`os.replace`, so a
crash leaves the old file or the new one, never half of one. The rename
replaces a symlink at the destination instead of writing through it.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from pathlib import Path

from mimicry.core.errors import InputError

__all__ = ["ensure_writable_folder", "formula_safe", "write_bytes_atomic", "write_csv_atomic",
           "write_json_atomic", "write_text_atomic"]


def write_bytes_atomic(path: str | os.PathLike, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically.

    Raises
    ------
    InputError
        When the folder cannot be written (``"cannot write <path>: <reason>"``).
    """
    path = Path(path)
    fd, tmp_name = -1, None
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as fh:
            fd = -1  # owned by fh now
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp_name, path)
        tmp_name = None
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror or exc}") from None
    finally:
        if fd >= 0:
            os.close(fd)
        if tmp_name is not None:
            try:
                os.unlink(tmp_name)
            except OSError:
                pass


def write_text_atomic(path: str | os.PathLike, text: str, encoding: str = "utf-8") -> None:
    """Write ``text`` to ``path`` atomically (see :func:`write_bytes_atomic`)."""
    write_bytes_atomic(path, text.encode(encoding))


def write_json_atomic(path: str | os.PathLike, obj, *, indent: int | None = 2,
                      allow_nan: bool = True, default=None) -> None:
    """Write ``obj`` as JSON plus a final newline to ``path`` atomically."""
    text = json.dumps(obj, indent=indent, allow_nan=allow_nan, default=default) + "\n"
    write_text_atomic(path, text)


def write_csv_atomic(path: str | os.PathLike, header, rows) -> None:
    """Write a CSV (a header, then rows of cells) to ``path`` atomically."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(list(header))
    writer.writerows(rows)
    write_text_atomic(path, buf.getvalue())


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def formula_safe(cell: str) -> str:
    """``cell`` with a leading ``'`` when a spreadsheet would run it as a formula.

    Folder names and participant ids go into CSV files a researcher opens in a
    spreadsheet; ``=HYPERLINK(...)`` there would run. Following OWASP's advice
    on CSV injection, text starting with ``= + - @``, a tab or a carriage
    return gets a leading apostrophe; numbers (``-0.12``) are left as they are.
    """
    if not cell.startswith(_FORMULA_START):
        return cell
    try:
        float(cell)
    except ValueError:
        return "'" + cell
    return cell


def ensure_writable_folder(folder: str | os.PathLike, what: str = "output folder") -> Path:
    """Create ``folder`` if needed and check that files can be created in it (by creating one).

    A real write is tried because ``os.access`` says yes to root on a read-only mount.

    Raises
    ------
    InputError
        Naming ``what`` and the folder: it is a file, cannot be created, or is not writable.
    """
    folder = Path(folder).expanduser()
    if folder.exists() and not folder.is_dir():
        raise InputError(f"{what} {folder} is a file; expected a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create {what} {folder}: {exc.strerror or exc}; "
                         f"expected a writable folder") from None
    probe = folder / f".mimicry-write-test-{os.getpid()}"
    try:
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise InputError(f"{what} {folder} is not writable ({exc.strerror or exc}); "
                         f"expected a writable folder") from None
    return folder

"""Output folders built aside and moved in whole: a failed run never touches what was there.

``mimicry process --out DIR`` writes a session into DIR. Writing straight into
DIR would cut an earlier session's ``frames.csv`` down even when processing
then failed, and a successful run would leave the old ``trials.csv`` and
``summary.json`` beside new frames. Instead :func:`staged_outputs` refuses a
folder that already holds a session unless told to replace it, lets the run
write into a hidden folder inside DIR, and only when the run succeeds moves
the new files in, with ``session.json`` last. On replacing, the old session's
own files (:data:`SESSION_OUTPUTS`) are removed first, so none of them is left
beside the new ones; other files in DIR are never touched.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import Iterable, Iterator

from mimicry.core.errors import InputError
from mimicry.io.atomic import ensure_writable_folder

__all__ = ["SESSION_OUTPUTS", "session_files", "staged_outputs"]

#: The files mimicry writes into a session folder (recording, analysis, report).
SESSION_OUTPUTS: tuple[str, ...] = (
    "frames.csv", "events.csv", "landmarks.csv", "video.mp4", "trials.csv", "summary.json",
    "yawns.csv", "report.html", "report_curves.png", "report_trials.png", "report_xcorr.png",
    "session.json")


def session_files(folder: Path, names: Iterable[str] = SESSION_OUTPUTS) -> list[Path]:
    """The files of ``names`` (a session's own, by default) present in ``folder``."""
    return [folder / name for name in names
            if (folder / name).is_file() or (folder / name).is_symlink()]


def _same(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


@contextlib.contextmanager
def staged_outputs(out: str | os.PathLike, *, writes: Iterable[str], overwrite: bool = False,
                   keep: Iterable[str | os.PathLike] = (),
                   replaces: Iterable[str] = SESSION_OUTPUTS) -> Iterator[Path]:
    """Yield a hidden folder in ``out`` to write into; move its files into ``out`` on success.

    Parameters
    ----------
    out : path
        The output folder; created if missing.
    writes : names
        The files the run will write; ``out`` must not hold any of them
        (nor a session) unless ``overwrite``.
    overwrite : bool
        Replace the earlier outputs ``out`` holds: its files named in ``replaces`` go.
    keep : paths
        Input files, never removed or replaced even when they lie in ``out``
        under a session file's name (``--events DIR/events.csv``).
    replaces : names
        The earlier outputs a new run replaces as one (a session's own files).

    Raises
    ------
    InputError
        ``out`` holds a session or one of ``writes`` and ``overwrite`` is off,
        or it cannot be written.
    """
    existed = Path(out).expanduser().exists()
    out = ensure_writable_folder(out)
    keep = [Path(k) for k in keep]
    writes = list(writes)
    old = [p for p in session_files(out, replaces) if not any(_same(p, k) for k in keep)]
    clash = [p.name for p in old if p.name in writes or p.name in ("session.json", "frames.csv")]
    if clash and not overwrite:
        raise InputError(f"{out} already holds a session ({', '.join(clash)}); expected a new or "
                         f"empty folder, or --overwrite to replace that session")
    try:
        stage = Path(tempfile.mkdtemp(prefix=".partial-", dir=out))
    except OSError as exc:
        raise InputError(f"cannot write to {out}: {exc.strerror or exc}") from None
    try:
        yield stage
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        if not existed:
            shutil.rmtree(out, ignore_errors=True)
        raise
    try:
        for path in old:
            path.unlink()
        staged = sorted(stage.iterdir(), key=lambda p: p.name == "session.json")
        for path in staged:
            if not any(_same(out / path.name, k) for k in keep):
                os.replace(path, out / path.name)
        shutil.rmtree(stage)
        for left in out.glob(".partial-*"):  # what a killed earlier run left behind
            shutil.rmtree(left, ignore_errors=True)
    except OSError as exc:
        raise InputError(f"cannot move the new files into {out}: {exc.strerror or exc}; "
                         f"they are in {stage}") from None

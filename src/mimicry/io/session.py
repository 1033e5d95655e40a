"""Session folders: ``session.json`` and reading a whole session back.

A session folder (from ``mimicry record``, the app, or ``mimicry process``)
holds ``frames.csv``, ``events.csv``, ``session.json`` and, once analysed,
``trials.csv`` and ``summary.json``. ``session.json`` is written when the
session starts with ``"status": "incomplete"`` and rewritten atomically when it
ends (``complete``, ``stopped``, ``camera_lost`` or ``failed``), so a crash
leaves a readable folder that says it is incomplete.
"""

from __future__ import annotations

import csv
import json
import os
import platform
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from mimicry._version import __version__
from mimicry.core.errors import InputError
from mimicry.core.messages import StimulusEvent
from mimicry.io.tables import FramesTable, read_events, read_frames

SESSION_FILE = "session.json"
SESSION_SCHEMA_VERSION = 1
STATUSES = ("incomplete", "complete", "stopped", "camera_lost", "failed")


def wall_clock_now() -> str:
    """Wall-clock time, ISO 8601 with offset: written once at start and once at end."""
    return datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds")


def new_session_meta(kind: str, **fields) -> dict:
    """The initial ``session.json`` content (status ``incomplete``)."""
    from mimicry.core.assets import MODEL_SHA256  # noqa: PLC0415

    meta = {
        "schema_version": SESSION_SCHEMA_VERSION,
        "kind": kind,
        "status": "incomplete",
        "app_version": __version__,
        "model_sha256": MODEL_SHA256,
        "python": platform.python_version(),
        "started_at": wall_clock_now(),
        "ended_at": None,
        "saved": {"video": False, "landmarks": False},
    }
    meta.update(fields)
    return meta


def write_session_json(folder: str | os.PathLike, meta: dict) -> None:
    """Write ``session.json`` atomically (a crash leaves the old or the new file, never half)."""
    from mimicry.io.atomic import write_json_atomic  # noqa: PLC0415

    write_json_atomic(Path(folder) / SESSION_FILE, meta, default=_json_default)


def _json_default(o):
    import numpy as np  # noqa: PLC0415

    if isinstance(o, np.generic):
        return o.item()
    if isinstance(o, np.ndarray):
        return o.tolist()
    if isinstance(o, Path):
        return str(o)
    raise TypeError(f"not JSON serialisable: {type(o).__name__}")


def read_json(path: Path) -> dict:
    """Read a JSON file; raises :class:`InputError` naming it (and the line) when damaged."""
    try:
        with open(path, encoding="utf-8-sig") as fh:
            return json.load(fh)
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{path} is not valid JSON (line {exc.lineno}, column {exc.colno}: "
                         f"{exc.msg}); expected a {path.name}") from None
    except UnicodeDecodeError:
        data = path.read_bytes()
        try:
            data.decode("utf-8", "strict")
            where = ""
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            where = f" (line {line}: byte 0x{data[exc.start]:02x})"
        raise InputError(f"{path} is not UTF-8 text{where}; expected a {path.name} saved as "
                         f"UTF-8") from None
    except RecursionError:
        raise InputError(f"{path} is nested too deeply to read; expected a {path.name}") from None


@dataclass
class Session:
    """A session folder, loaded.

    Attributes
    ----------
    path : Path
    meta : dict
        ``session.json`` (empty dict when absent, e.g. a hand-made folder).
    frames : FramesTable
        ``frames.csv`` as numpy columns.
    events : list of StimulusEvent
        ``events.csv`` (empty when absent).
    trials : list of dict or None
        ``trials.csv`` rows (strings), when the session has been analysed.
    summary : dict or None
        ``summary.json``, when analysed.
    """

    path: Path
    meta: dict
    frames: FramesTable
    events: list[StimulusEvent]
    trials: list[dict] | None = None
    summary: dict | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        """``complete``, ``incomplete`` (crashed or still running), ``stopped``, ..."""
        return str(self.meta.get("status", "unknown"))


def load_session(path: str | os.PathLike) -> Session:
    """Load a session folder.

    Raises :class:`InputError` when the folder or its ``frames.csv`` is missing.
    """
    p = Path(path)
    if not p.is_dir():
        raise InputError(f"session folder {p} not found; expected a folder with frames.csv")
    if not (p / "frames.csv").is_file():
        raise InputError(f"{p} holds no frames.csv; expected a session folder from "
                         f"'mimicry record', 'mimicry process' or the app")
    warnings = []
    meta = {}
    if (p / SESSION_FILE).is_file():
        try:
            meta = read_json(p / SESSION_FILE)
        except InputError as exc:
            # A damaged session.json must not hide the recorded frames.
            warnings.append(f"{exc}; whether the session finished normally is unknown")
        if not isinstance(meta, dict):
            warnings.append(f"{p / SESSION_FILE} is not a JSON object; metadata ignored")
            meta = {}
    else:
        warnings.append("no session.json: metadata unknown")
    if not isinstance(meta.get("schema_version", SESSION_SCHEMA_VERSION), int):
        warnings.append(f"session.json schema_version {meta.get('schema_version')!r} is not a "
                        f"whole number; metadata may be misread")
    elif meta.get("schema_version", SESSION_SCHEMA_VERSION) > SESSION_SCHEMA_VERSION:
        warnings.append(f"session.json schema_version {meta.get('schema_version')} is newer than "
                        f"this version of mimicry understands ({SESSION_SCHEMA_VERSION})")
    events = read_events(p / "events.csv") if (p / "events.csv").is_file() else []
    trials = None
    if (p / "trials.csv").is_file():
        try:
            with open(p / "trials.csv", newline="", encoding="utf-8-sig") as fh:
                trials = list(csv.DictReader(fh))
        except (OSError, UnicodeDecodeError, csv.Error) as exc:  # an old analysis output
            warnings.append(f"{p / 'trials.csv'} cannot be read ({exc}); run 'mimicry analyze' "
                            f"again")
    summary = None
    if (p / "summary.json").is_file():
        try:
            summary = read_json(p / "summary.json")
        except InputError as exc:  # an old analysis output; analysing again rewrites it
            warnings.append(f"{exc}; run 'mimicry analyze' again")
    return Session(path=p, meta=meta, frames=read_frames(p / "frames.csv"), events=events,
                   trials=trials, summary=summary, warnings=warnings)

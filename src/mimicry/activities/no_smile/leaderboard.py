"""The class leaderboard of *Try not to smile*, kept locally.

One JSON file in the user's data folder (platformdirs; on Linux
``~/.local/share/mimicry/no_smile_leaderboard.json``; ``MIMICRY_DATA_DIR``
overrides the folder). Entries are keyed by session folder, so analysing a
session again updates its entry instead of adding a second one. Only a
name, the time survived and the date are stored; nothing leaves the computer.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from mimicry.core.errors import InputError

LEADERBOARD_FILE = "no_smile_leaderboard.json"
LEADERBOARD_SCHEMA_VERSION = 1


def data_dir() -> Path:
    """The user's data folder (``MIMICRY_DATA_DIR`` overrides it)."""
    env = os.environ.get("MIMICRY_DATA_DIR")
    if env:
        return Path(env).expanduser()
    import platformdirs  # noqa: PLC0415

    return Path(platformdirs.user_data_dir("mimicry", appauthor=False))


def leaderboard_path() -> Path:
    return data_dir() / LEADERBOARD_FILE


@dataclass(frozen=True)
class Entry:
    """One game: who, how long they survived (s), when, and which session."""

    name: str
    survived_s: float
    cracked: bool
    date: str
    session: str


def read_leaderboard(path: Path | None = None) -> list[Entry]:
    """Entries, best first (longest survived). A missing file is an empty board.

    Raises :class:`InputError` naming the file when it is damaged (it is never
    silently replaced: that would lose the class's scores).
    """
    path = path or leaderboard_path()
    if not path.is_file():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        entries = [Entry(name=str(e["name"]), survived_s=float(e["survived_s"]),
                         cracked=bool(e["cracked"]), date=str(e["date"]),
                         session=str(e["session"])) for e in data["entries"]]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError(f"the leaderboard {path} is damaged ({exc.__class__.__name__}); "
                         f"expected a JSON file written by mimicry: move it away to start a "
                         f"new board") from None
    return sorted(entries, key=lambda e: -e.survived_s)


def add_entry(entry: Entry, path: Path | None = None) -> tuple[list[Entry], int]:
    """Add (or update, for the same session) an entry; returns (board, rank from 1)."""
    path = path or leaderboard_path()
    board = [e for e in read_leaderboard(path) if e.session != entry.session]
    board.append(entry)
    board.sort(key=lambda e: -e.survived_s)
    from mimicry.io.atomic import write_json_atomic  # noqa: PLC0415

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_json_atomic(path, {"schema_version": LEADERBOARD_SCHEMA_VERSION,
                                 "entries": [asdict(e) for e in board]})
    except OSError as exc:
        raise InputError(f"cannot write the leaderboard {path}: {exc.strerror or exc}") from None
    return board, board.index(entry) + 1

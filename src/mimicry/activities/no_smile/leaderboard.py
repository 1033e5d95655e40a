"""The class leaderboard of *Try not to smile*, kept beside the class's sessions.

One JSON file, :data:`LEADERBOARD_FILE`, in the sessions folder a game was
saved under (the parent of its session folder): a teacher who saves a class
with ``--out ~/class1`` gets that class's board in ``~/class1``. Entries are
keyed by session folder, so putting a session on the board again updates its
entry instead of adding a second one. Only a name, the time survived and the
date are stored; nothing leaves the computer.

The demo participant is never put on the board (it is a rendered face, not a
player). Boards written before this (schema 1, one board in the user's data
folder, ``MIMICRY_DATA_DIR`` overriding it) are still read: a folder without a
board of its own starts from the old board's entries of its sessions, and an
old entry whose session was the demo is marked as such and never ranked.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from mimicry.core.errors import InputError

LEADERBOARD_FILE = "no_smile_leaderboard.json"
LEADERBOARD_SCHEMA_VERSION = 2
#: How a demo participant's entry is named wherever the board is shown.
DEMO_NAME = "DEMO participant"


def data_dir() -> Path:
    """The user's data folder (``MIMICRY_DATA_DIR`` overrides it): where the old, single board was."""
    env = os.environ.get("MIMICRY_DATA_DIR")
    if env:
        return Path(env).expanduser()
    import platformdirs  # noqa: PLC0415

    return Path(platformdirs.user_data_dir("mimicry", appauthor=False))


def legacy_leaderboard_path() -> Path:
    """The board of older versions: one for every session, in the user's data folder."""
    return data_dir() / LEADERBOARD_FILE


def leaderboard_path(sessions_root: str | os.PathLike) -> Path:
    """The board of the sessions saved under ``sessions_root`` (``--out``, or the default folder)."""
    return Path(sessions_root).expanduser().resolve() / LEADERBOARD_FILE


def board_path_for(session_folder: str | os.PathLike) -> Path:
    """The board a session folder's game goes on: in the folder it was saved under."""
    return leaderboard_path(Path(session_folder).expanduser().resolve().parent)


@dataclass(frozen=True)
class Entry:
    """One game: who, how long they survived (s), when, which session, and whether it was the demo."""

    name: str
    survived_s: float
    cracked: bool
    date: str
    session: str
    demo: bool = False

    @property
    def shown_name(self) -> str:
        """The name shown on the board (:data:`DEMO_NAME` for the demo participant)."""
        return DEMO_NAME if self.demo else self.name


def _was_demo(session: str) -> bool:
    """Whether an old entry's session folder (when it still exists) was the demo participant."""
    from mimicry.analysis.folder import is_demo_session  # noqa: PLC0415

    return is_demo_session(session)


def _entry(e: dict) -> Entry:
    session = str(e["session"])
    demo = bool(e["demo"]) if "demo" in e else _was_demo(session)
    return Entry(name=str(e["name"]), survived_s=float(e["survived_s"]),
                 cracked=bool(e["cracked"]), date=str(e["date"]), session=session, demo=demo)


def ranked(entries) -> list[Entry]:
    """Best first (longest survived); the demo participant's entries after every real player."""
    return sorted(entries, key=lambda e: (e.demo, -e.survived_s))


def _read_file(path: Path) -> list[Entry]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return [_entry(e) for e in data["entries"]]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError(f"the leaderboard {path} is damaged ({exc.__class__.__name__}); "
                         f"expected a JSON file written by mimicry: move it away to start a "
                         f"new board") from None


def read_leaderboard(path: str | os.PathLike) -> list[Entry]:
    """The entries of the board file ``path``, :func:`ranked`. A missing file is an empty board,
    unless the old single board holds games of sessions in the same folder: those are its start.

    Raises :class:`InputError` naming the file when it is damaged (it is never
    silently replaced: that would lose the class's scores).
    """
    path = Path(path)
    if path.is_file():
        return ranked(_read_file(path))
    legacy = legacy_leaderboard_path()
    if not legacy.is_file() or legacy.resolve() == path.resolve():
        return []
    root = path.resolve().parent
    return ranked(e for e in _read_file(legacy) if Path(e.session).parent == root)


def rank_of(board: list[Entry], session: str) -> int | None:
    """The place (from 1, among real players) of ``session`` on ``board``; None when not ranked."""
    players = [e for e in ranked(board) if not e.demo]
    return next((i for i, e in enumerate(players, 1) if e.session == session), None)


def add_entry(entry: Entry, path: str | os.PathLike) -> tuple[list[Entry], int | None]:
    """Add (or update, for the same session) an entry; returns (board, place from 1 or None)."""
    path = Path(path)
    board = [e for e in read_leaderboard(path) if e.session != entry.session]
    board = ranked(board + [entry])
    from mimicry.io.atomic import write_json_atomic  # noqa: PLC0415

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_json_atomic(path, {"schema_version": LEADERBOARD_SCHEMA_VERSION,
                                 "entries": [asdict(e) for e in board]})
    except OSError as exc:
        raise InputError(f"cannot write the leaderboard {path}: {exc.strerror or exc}") from None
    return board, rank_of(board, entry.session)


def board_lines(board: list[Entry], shown: int) -> list[str]:
    """The board as text lines: the best ``shown`` players, then any demo entries, marked."""
    players = [e for e in board if not e.demo][:shown]
    lines = [f"{i}. {e.name}: {e.survived_s:.1f} s" + ("" if e.cracked else " (never smiled)")
             for i, e in enumerate(players, 1)]
    lines += [f"-. {e.shown_name}: {e.survived_s:.1f} s (a rendered face, not ranked)"
              for e in board if e.demo]
    return lines

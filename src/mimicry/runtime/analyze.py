"""Analyse the classroom-demo sessions that are not stimulus-trial sessions.

``mimicry analyze`` calls :func:`analyze_demo_folder` first; it returns None
for an ordinary session, which then goes to
:func:`mimicry.analysis.folder.analyze_folder`. Handled here:

* **two-person synchrony**: a session with two face slots and no stimulus
  trials (``mimicry process --faces 2``, or the app's *Two people* mode):
  :mod:`.dyad`, written to ``summary.json`` (no ``trials.csv``: there are no
  trials).
* **contagious yawns**: a session with ``yawn`` or ``talk`` trials: the
  ordinary analysis (``trials.csv``, ``summary.json``), plus :mod:`.yawn`
  in ``summary.json`` → ``yawn`` and one row per trial in ``yawns.csv``.
* **try not to smile**: a session of the ``no_smile`` protocol: the ordinary
  analysis plus :mod:`.no_smile` in ``summary.json`` → ``no_smile``, and the
  game goes on the class leaderboard (:mod:`mimicry.activities.no_smile.leaderboard`).

For the last two, ``summary_text`` is the demo's plain summary; the ordinary
analysis's text is kept as ``mimicry_summary_text``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from mimicry import __version__
from mimicry.analysis.folder import write_summary_json


#: Places of the leaderboard shown in the summary text.
LEADERBOARD_SHOWN = 5


@dataclass(frozen=True)
class DemoAnalysis:
    """What :func:`analyze_demo_folder` wrote.

    Attributes
    ----------
    kind : str
        ``"dyad"``.
    summary : dict
        The content of ``summary.json``.
    text : str
        Plain-language summary.
    written : tuple of Path
    result : object
        The analysis result (e.g. :class:`~mimicry.activities.dyad.analysis.DyadResult`).
    """

    kind: str
    summary: dict
    text: str
    written: tuple
    result: object


def is_dyad_session(frames, events) -> bool:
    """Two face slots with faces in them, and no stimulus trials."""
    from mimicry.protocol.timeline import trials_from_events  # noqa: PLC0415

    if trials_from_events(events) or not len(frames):
        return False
    ids = set(int(i) for i in np.unique(frames.face_id[frames.face_detected]))
    return {0, 1} <= ids


def protocol_name(session) -> str | None:
    """The protocol of a session: ``session.json``, else the ``session_start`` detail."""
    from mimicry.io.formats import parse_detail  # noqa: PLC0415

    name = session.meta.get("protocol")
    if isinstance(name, str) and name:
        return name
    for ev in session.events:
        if ev.event == "session_start" and ev.detail:
            return parse_detail(ev.detail).get("protocol")
    return None


def demo_kind(session) -> str | None:
    """``"dyad"``, ``"yawn"``, ``"no_smile"`` or None (an ordinary session)."""
    from mimicry.protocol.timeline import trials_from_events  # noqa: PLC0415

    if is_dyad_session(session.frames, session.events):
        return "dyad"
    conditions = {tr.condition for tr in trials_from_events(session.events)}
    if conditions & {"yawn", "talk"}:
        return "yawn"
    if conditions and protocol_name(session) == "no_smile":
        return "no_smile"
    return None


def analyze_demo_folder(folder: str | Path, seed: int = 0, leaderboard: bool = True,
                        face_id: int = 0) -> DemoAnalysis | None:
    """Analyse a demo session folder, or return None when it is an ordinary session.

    Parameters
    ----------
    folder : str or Path
    seed : int
        Seeds the surrogates, the bootstrap and the permutations.
    leaderboard : bool
        Put a try-not-to-smile game on the class leaderboard.
    face_id : int
        The viewer's face slot (yawn and try-not-to-smile sessions).
    """
    from mimicry.io.session import load_session  # noqa: PLC0415

    session = load_session(folder)
    kind = demo_kind(session)
    if kind in ("yawn", "no_smile"):
        return _with_ordinary_analysis(session, kind, seed, leaderboard, face_id)
    if kind == "dyad":
        from mimicry.activities.dyad.analysis import DyadConfig, analyze_dyad_session, dyad_summary_dict  # noqa: PLC0415

        result = analyze_dyad_session(session.frames, DyadConfig(seed=seed))
        summary = dyad_summary_dict(result)
        summary["notes"] = list(session.warnings) + summary["notes"]
        summary["session_status"] = session.status
        summary["mimicry_version"] = __version__
        out = session.path / "summary.json"
        write_summary_json(out, summary)
        return DemoAnalysis("dyad", summary, summary["summary_text"], (out,), result)
    return None


def _with_ordinary_analysis(session, kind: str, seed: int, leaderboard: bool,
                            face_id: int = 0) -> DemoAnalysis:
    from mimicry.io.formats import format_cell, open_csv_writer  # noqa: PLC0415
    from mimicry.analysis.config import AnalysisConfig  # noqa: PLC0415
    from mimicry.analysis.folder import analyze_folder  # noqa: PLC0415

    ordinary = analyze_folder(session.path, AnalysisConfig(seed=seed, face_id=face_id))
    summary = dict(ordinary.summary)
    summary["mimicry_summary_text"] = summary.get("summary_text")
    summary["analysis"] = kind
    written = [ordinary.trials_csv, ordinary.summary_json]
    if kind == "yawn":
        from mimicry.activities.yawn.analysis import (YAWN_CSV_COLUMNS, analyze_yawn_session, yawn_rows,  # noqa: PLC0415
                           yawn_summary_dict)

        result = analyze_yawn_session(session.frames, session.events, face_id=face_id)
        summary["yawn"] = yawn_summary_dict(result)
        text = summary["yawn"]["summary_text"]
        out = session.path / "yawns.csv"
        try:
            fh, writer = open_csv_writer(out, YAWN_CSV_COLUMNS)
        except OSError as exc:
            from mimicry.core.errors import InputError  # noqa: PLC0415

            raise InputError(f"cannot write {out}: {exc.strerror or exc}") from None
        with fh:
            for row in yawn_rows(result):
                writer.writerow([format_cell(row[c]) for c in YAWN_CSV_COLUMNS])
        written.insert(1, out)
    else:
        from mimicry.activities.no_smile.analysis import analyze_no_smile_session, no_smile_summary_dict  # noqa: PLC0415

        result = analyze_no_smile_session(session.frames, session.events, face_id=face_id)
        summary["no_smile"] = no_smile_summary_dict(result)
        text = summary["no_smile"]["summary_text"]
        if leaderboard:
            from mimicry.activities.no_smile import leaderboard as lb  # noqa: PLC0415

            name = str(session.meta.get("participant") or session.path.name)
            date = str(session.meta.get("started_at") or "")[:10]
            board, rank = lb.add_entry(lb.Entry(name=name, survived_s=round(result.survived_s, 2),
                                                cracked=result.cracked, date=date,
                                                session=str(session.path.resolve())))
            summary["no_smile"]["leaderboard_rank"] = rank
            summary["no_smile"]["leaderboard_size"] = len(board)
            summary["no_smile"]["leaderboard_file"] = str(lb.leaderboard_path())
            text += f" Place {rank} of {len(board)} on the class leaderboard."
            text += "\n\nClass leaderboard (longest straight face):\n" + "\n".join(
                f"{i}. {e.name}: {e.survived_s:.1f} s" + ("" if e.cracked else " (never smiled)")
                for i, e in enumerate(board[:LEADERBOARD_SHOWN], 1))
    summary["summary_text"] = text
    write_summary_json(ordinary.summary_json, summary)
    return DemoAnalysis(kind, summary, text, tuple(written), result)


def analyze_any_folder(folder: str | Path, seed: int = 0, face_id: int = 0) -> tuple[str, tuple]:
    """Analyse a session folder whatever it holds: a classroom demo (two people, yawns,
    try not to smile) or an ordinary mimicry session. Returns (plain text, files written).

    Raises what :func:`mimicry.analysis.folder.analyze_folder` raises, including
    :class:`~mimicry.analysis.folder.NoTrialsError`.
    """
    from mimicry.analysis.config import AnalysisConfig  # noqa: PLC0415
    from mimicry.analysis.folder import analyze_folder  # noqa: PLC0415

    demo = analyze_demo_folder(folder, seed=seed, face_id=face_id)
    if demo is not None:
        return demo.text, tuple(demo.written)
    done = analyze_folder(folder, AnalysisConfig(face_id=face_id, seed=seed))
    return done.text, (done.trials_csv, done.summary_json)

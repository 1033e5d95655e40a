"""Analyse a session folder whatever it holds: a classroom activity or an ordinary mimicry session.

``mimicry analyze`` calls :func:`analyze_any_folder`. The session's activity
(``session.json`` ``activity``, or told from the data for older sessions: see
:func:`mimicry.activities.registry.session_activity`) is looked up in the
activity registry (:mod:`mimicry.core.activities`) and analysed by it; a session
without one goes to :func:`mimicry.analysis.folder.analyze_folder`. Analysing
writes the outputs only (``summary.json``, ``trials.csv``, the activity's own
files): what a recorded session does once it has ended (the try-not-to-smile
leaderboard) is :func:`after_recording`, called by ``mimicry record`` and the app.

For the activities run over stimulus trials (yawns, try not to smile),
``summary_text`` is the activity's plain summary; the ordinary analysis's text
is kept as ``mimicry_summary_text``. Whatever the session held, ``summary.json``
says in ``demo`` whether its source was the demo participant, and a demo's
summary says so in its first line (:func:`mimicry.analysis.folder.label_demo`).
"""

from __future__ import annotations

from pathlib import Path

from mimicry.activities.base import ActivityAnalysis
from mimicry.activities.registry import get_activity, is_dyad_session, protocol_name, session_activity

#: What :func:`analyze_demo_folder` returns (its old name).
DemoAnalysis = ActivityAnalysis

__all__ = ["DemoAnalysis", "after_recording", "analyze_any_folder", "analyze_demo_folder",
           "demo_kind", "is_dyad_session", "protocol_name"]


def demo_kind(session) -> str | None:
    """The activity of a loaded session (``"dyad"``, ``"yawn"``, ``"no_smile"``, ...) or None."""
    return session_activity(session)


def analyze_demo_folder(folder: str | Path, seed: int = 0,
                        face_id: int = 0) -> ActivityAnalysis | None:
    """Analyse an activity's session folder, or return None when it is an ordinary session.

    Parameters
    ----------
    folder : str or Path
    seed : int
        Seeds the surrogates, the bootstrap and the permutations.
    face_id : int
        The viewer's face slot (yawn and try-not-to-smile sessions).
    """
    from mimicry.io.session import load_session  # noqa: PLC0415

    session = load_session(folder)
    name = session_activity(session)
    if name is None:
        return None
    activity = get_activity(name)
    if activity.analyze is None:
        return None
    return activity.analyze(session, seed=seed, face_id=face_id)


def after_recording(folder: str | Path) -> None:
    """What the session's activity does once a recording has ended (before it is analysed)."""
    from mimicry.io.session import load_session  # noqa: PLC0415

    name = session_activity(load_session(folder))
    if name is None:
        return
    hook = get_activity(name).after_recording
    if hook is not None:
        hook(folder)


def analyze_any_folder(folder: str | Path, seed: int = 0, face_id: int = 0) -> tuple[str, tuple]:
    """Analyse a session folder whatever it holds: a classroom activity (two people, yawns,
    try not to smile) or an ordinary mimicry session. Returns (plain text, files written).

    Raises what :func:`mimicry.analysis.folder.analyze_folder` raises, including
    :class:`~mimicry.analysis.folder.NoTrialsError`.
    """
    from mimicry.analysis.config import AnalysisConfig  # noqa: PLC0415
    from mimicry.analysis.folder import analyze_folder, label_demo  # noqa: PLC0415

    done = analyze_demo_folder(folder, seed=seed, face_id=face_id)
    if done is not None:
        text, written, summary = done.text, tuple(done.written), done.summary
    else:
        ordinary = analyze_folder(folder, AnalysisConfig(face_id=face_id, seed=seed))
        text, summary = ordinary.text, ordinary.summary
        written = (ordinary.trials_csv, ordinary.summary_json)
    # Whatever it held, a demo participant's session says so first (summary.json ``demo``).
    return label_demo(folder, text, summary), written

"""Analyse a session folder and write its outputs: the one path every front end uses.

``mimicry analyze``, ``mimicry record`` (at the end of a recording) and the
app's results screen all call :func:`analyze_folder`, so they read the session
the same way (:func:`mimicry.load_session`) and write the same
``trials.csv`` and ``summary.json``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path

from mimicry.core.errors import InputError
from mimicry.analysis.config import AnalysisConfig
from mimicry.analysis.offline import SessionResult, analyze_session, summary_dict, trial_rows, TRIAL_CSV_COLUMNS


class NoTrialsError(InputError):
    """The session has no stimulus trials, so there is nothing to analyse."""


@dataclass(frozen=True)
class FolderAnalysis:
    """What :func:`analyze_folder` found and wrote.

    Attributes
    ----------
    result : SessionResult
    summary : dict
        The content written to ``summary.json``.
    text : str
        The plain-language summary.
    trials_csv, summary_json : Path
    """

    result: SessionResult
    summary: dict
    text: str
    trials_csv: Path
    summary_json: Path


def write_trials_csv(path: Path, result: SessionResult) -> None:
    """Write ``trials.csv``: :data:`~mimicry.analysis.offline.TRIAL_CSV_COLUMNS`."""
    from mimicry.io.atomic import write_csv_atomic  # noqa: PLC0415
    from mimicry.io.formats import format_cell  # noqa: PLC0415

    rows = [[format_cell(row[c]) for c in TRIAL_CSV_COLUMNS] for row in trial_rows(result)]
    try:
        write_csv_atomic(path, TRIAL_CSV_COLUMNS, rows)  # whole, so a crash never leaves half a file
    except InputError as exc:  # e.g. the disk is full
        raise InputError(f"{exc}; expected a writable session folder") from None


def write_summary_json(path: Path, summary: dict) -> None:
    """Write ``summary.json`` atomically as strict JSON (no NaN)."""
    from mimicry.io.atomic import write_text_atomic  # noqa: PLC0415

    text = json.dumps(summary, indent=2, allow_nan=False) + "\n"
    try:
        write_text_atomic(path, text)
    except InputError as exc:
        raise InputError(f"{exc}; expected a writable session folder") from None


def require_trials(session) -> None:
    """Raise NoTrialsError (saying whether the session ended early) unless it has trials."""
    from mimicry.protocol.timeline import trials_from_events  # noqa: PLC0415

    if trials_from_events(session.events):
        return
    status = session.meta.get("status")
    why = ("" if status in (None, "complete") else
           f"; the session is incomplete (session.json status {status!r}): it ended before "
           f"its first trial")
    raise NoTrialsError(f"{session.path / 'events.csv'} has no stimulus trials (no "
                        f"stimulus_onset events), so there is nothing to analyse{why}")


def is_demo_session(folder: str | Path) -> bool:
    """True when ``session.json`` of ``folder`` says its source was the demo participant.

    A folder without a readable ``session.json`` (a hand-made one) is not a demo.
    """
    from mimicry.io.session import read_json  # noqa: PLC0415

    path = Path(folder) / "session.json"
    try:
        meta = read_json(path) if path.is_file() else None
    except InputError:  # damaged: load_session has already said so
        return False
    source = meta.get("source") if isinstance(meta, dict) else None
    return isinstance(source, dict) and source.get("kind") == "demo"


def label_demo(folder: str | Path, text: str, summary: dict) -> str:
    """Say whether the session was the demo participant: the one place every front end gets it.

    Sets ``summary["demo"]``; for a demo session puts
    :data:`~mimicry.analysis.summary.DEMO_LINE` first in ``text`` and in
    ``summary["summary_text"]``. Rewrites ``folder/summary.json``; returns the text.
    """
    from mimicry.analysis.summary import with_demo_line  # noqa: PLC0415

    demo = is_demo_session(folder)
    summary["demo"] = demo
    text = with_demo_line(text, demo)
    summary["summary_text"] = with_demo_line(summary.get("summary_text") or text, demo)
    write_summary_json(Path(folder) / "summary.json", summary)
    return text


def analyze_folder(folder: str | Path, config: AnalysisConfig | None = None) -> FolderAnalysis:
    """Analyse ``folder`` and write ``trials.csv`` and ``summary.json`` into it.

    Parameters
    ----------
    folder : str or Path
        A session folder (``frames.csv``, ``events.csv``, ``session.json``).
    config : AnalysisConfig | None

    Raises
    ------
    InputError
        The folder or its ``frames.csv`` is missing, or an output cannot be written.
    NoTrialsError
        ``events.csv`` holds no stimulus trials.
    """
    from mimicry.io.session import load_session  # noqa: PLC0415
    from mimicry.analysis.summary import plain_summary  # noqa: PLC0415

    session = load_session(folder)
    if not (session.path / "events.csv").is_file():
        raise InputError(f"{session.path} holds no events.csv; expected the stimulus timeline "
                         f"(from 'mimicry record', the app, or 'mimicry process --events')")
    require_trials(session)
    result = analyze_session(session.frames, session.events, config,
                             session_status=session.status)
    if session.warnings:
        result = replace(result, notes=list(session.warnings) + list(result.notes))
    summary = summary_dict(result)
    trials_csv, summary_json = session.path / "trials.csv", session.path / "summary.json"
    write_trials_csv(trials_csv, result)
    write_summary_json(summary_json, summary)
    return FolderAnalysis(result=result, summary=summary, text=plain_summary(result),
                          trials_csv=trials_csv, summary_json=summary_json)

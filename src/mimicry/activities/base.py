"""What every classroom activity exposes: :class:`Activity`, and :class:`ActivityAnalysis` (what analysing a session wrote)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class ActivityAnalysis:
    """What an activity's analysis of a session folder wrote.

    Attributes
    ----------
    kind : str
        The activity's name.
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


@dataclass(frozen=True)
class Activity:
    """One classroom activity, as the registry (:mod:`mimicry.core.activities`) hands it out.

    Attributes
    ----------
    name : str
        The registry name, as a protocol's ``activity`` key and ``session.json`` name it.
    title : str
        What the live page calls it.
    analyze : callable or None
        ``analyze(session, seed=0, face_id=0) -> ActivityAnalysis``: analyse a loaded
        :class:`~mimicry.io.session.Session` and write its outputs (``summary.json`` and
        the activity's own files). None: the session is analysed as an ordinary one.
    plain_summary : callable or None
        ``plain_summary(result) -> str``, the plain-language summary of a result.
    live : callable or None
        ``live(plan) -> observer``: the live state of a running session, a runner observer
        (``on_frame(frame, observations)``, ``on_event(event)``) run on the session's
        worker thread; its ``reading()`` is what the activity's panel draws (None until
        there is something to show).
    after_recording : callable or None
        ``after_recording(folder)``: what a recorded session does once it has ended,
        before it is analysed (the try-not-to-smile leaderboard). ``mimicry analyze``
        never calls it.
    """

    name: str
    title: str
    analyze: Callable | None = None
    plain_summary: Callable | None = None
    live: Callable | None = None
    after_recording: Callable | None = None


def with_ordinary_analysis(session, kind: str, seed: int, face_id: int):
    """The ordinary mimicry analysis of ``session`` (trials.csv, summary.json), as a demo's base.

    Returns (summary dict to extend, files written, the ordinary result). The
    ordinary text is kept as ``mimicry_summary_text``.
    """
    from mimicry.analysis.config import AnalysisConfig  # noqa: PLC0415
    from mimicry.analysis.folder import analyze_folder  # noqa: PLC0415

    ordinary = analyze_folder(session.path, AnalysisConfig(seed=seed, face_id=face_id))
    summary = dict(ordinary.summary)
    summary["mimicry_summary_text"] = summary.get("summary_text")
    summary["analysis"] = kind
    return summary, [ordinary.trials_csv, ordinary.summary_json], ordinary

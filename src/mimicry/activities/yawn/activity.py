"""Contagious yawns as a registered activity: its analysis of a session folder and its live state."""

from __future__ import annotations

from mimicry.activities.base import Activity, ActivityAnalysis, with_ordinary_analysis


def analyze(session, seed: int = 0, face_id: int = 0) -> ActivityAnalysis:
    """The ordinary analysis, plus ``summary.json`` → ``yawn`` and one row per trial in ``yawns.csv``."""
    from mimicry.activities.yawn.analysis import (YAWN_CSV_COLUMNS, analyze_yawn_session,  # noqa: PLC0415
                                                  yawn_rows, yawn_summary_dict)
    from mimicry.analysis.folder import write_summary_json  # noqa: PLC0415
    from mimicry.io.atomic import write_csv_atomic  # noqa: PLC0415
    from mimicry.io.formats import format_cell  # noqa: PLC0415

    summary, written, ordinary = with_ordinary_analysis(session, "yawn", seed, face_id)
    result = analyze_yawn_session(session.frames, session.events, face_id=face_id)
    summary["yawn"] = yawn_summary_dict(result)
    text = summary["yawn"]["summary_text"]
    out = session.path / "yawns.csv"
    write_csv_atomic(out, YAWN_CSV_COLUMNS, [[format_cell(row[c]) for c in YAWN_CSV_COLUMNS]
                                             for row in yawn_rows(result)])
    written.insert(1, out)
    summary["summary_text"] = text
    # The session's verdict is the yawn test's (the happy/sad one has no faces to compare).
    summary["mimicry_conclusion"] = summary.get("conclusion")
    for key in ("conclusion", "p_value", "p_floor", "alpha"):
        summary[key] = summary["yawn"][key]
    write_summary_json(ordinary.summary_json, summary)
    return ActivityAnalysis("yawn", summary, text, tuple(written), result)


def plain_summary(result) -> str:
    from mimicry.activities.yawn.analysis import yawn_plain_summary  # noqa: PLC0415

    return yawn_plain_summary(result)


def live(plan=None):
    """The viewer's jaw opening and the trials; the reading (a YawnResult) about once a second."""
    from mimicry.activities.live import SLOW_REFRESH_S, ChannelObserver  # noqa: PLC0415
    from mimicry.activities.yawn.live import LiveYawns  # noqa: PLC0415

    return ChannelObserver(LiveYawns(), ((0, "jaw_open"),), lambda s: s.result(),
                           refresh_s=SLOW_REFRESH_S)


ACTIVITY = Activity(name="yawn", title="Contagious yawns", analyze=analyze,
                    plain_summary=plain_summary, live=live)

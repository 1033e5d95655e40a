"""Two people as a registered activity: its analysis of a session folder and its live state."""

from __future__ import annotations

from mimicry.activities.base import Activity, ActivityAnalysis

#: The channel compared between the two faces live (the second face's sample channel).
LIVE_CHANNEL = "valence"


def analyze(session, seed: int = 0, face_id: int = 0) -> ActivityAnalysis:
    """Write ``summary.json`` of a two-face session (no trials.csv: there are no trials)."""
    from mimicry import __version__  # noqa: PLC0415
    from mimicry.activities.dyad.analysis import DyadConfig, analyze_dyad_session  # noqa: PLC0415
    from mimicry.activities.dyad.summary import dyad_summary_dict  # noqa: PLC0415
    from mimicry.analysis.folder import write_summary_json  # noqa: PLC0415

    result = analyze_dyad_session(session.frames, DyadConfig(seed=seed))
    summary = dyad_summary_dict(result)
    summary["notes"] = list(session.warnings) + summary["notes"]
    summary["session_status"] = session.status
    summary["mimicry_version"] = __version__
    out = session.path / "summary.json"
    write_summary_json(out, summary)
    return ActivityAnalysis("dyad", summary, summary["summary_text"], (out,), result)


def plain_summary(result) -> str:
    from mimicry.activities.dyad.summary import dyad_plain_summary  # noqa: PLC0415

    return dyad_plain_summary(result)


def live(plan=None):
    """Both faces' valence; the reading (a :class:`LiveLead`) about once a second."""
    from mimicry.activities.dyad.live import LiveDyad  # noqa: PLC0415
    from mimicry.activities.live import SLOW_REFRESH_S, ChannelObserver  # noqa: PLC0415

    planned = getattr(plan, "duration_s", None)
    return ChannelObserver(LiveDyad(planned_s=planned), ((0, LIVE_CHANNEL), (1, LIVE_CHANNEL)),
                           lambda s: s.reading(), refresh_s=SLOW_REFRESH_S)


ACTIVITY = Activity(name="dyad", title="Two people: who leads whom?", analyze=analyze,
                    plain_summary=plain_summary, live=live)

"""Try not to smile as a registered activity: its analysis, its live game and the leaderboard after a recording."""

from __future__ import annotations

from pathlib import Path

from mimicry.activities.base import Activity, ActivityAnalysis, with_ordinary_analysis

#: Places of the leaderboard shown in the summary text.
LEADERBOARD_SHOWN = 5


def analyze(session, seed: int = 0, face_id: int = 0) -> ActivityAnalysis:
    """The ordinary analysis, plus ``summary.json`` → ``no_smile``.

    The class leaderboard is only read: a recorded game is put on it when the
    recording ends (:func:`after_recording`), and its place is shown here.
    """
    from mimicry.activities.no_smile.analysis import analyze_no_smile_session, no_smile_summary_dict  # noqa: PLC0415
    from mimicry.analysis.folder import write_summary_json  # noqa: PLC0415

    summary, written, ordinary = with_ordinary_analysis(session, "no_smile", seed, face_id)
    result = analyze_no_smile_session(session.frames, session.events, face_id=face_id)
    summary["no_smile"] = no_smile_summary_dict(result)
    text = summary["no_smile"]["summary_text"] + _leaderboard_text(session.path, summary["no_smile"])
    summary["summary_text"] = text
    write_summary_json(ordinary.summary_json, summary)
    return ActivityAnalysis("no_smile", summary, text, tuple(written), result)


def _leaderboard_text(folder: Path, fields: dict) -> str:
    """This session's place on the class leaderboard ("" when it is not on it); fills ``fields``."""
    from mimicry.activities.no_smile import leaderboard as lb  # noqa: PLC0415

    board = lb.read_leaderboard()
    mine = str(Path(folder).resolve())
    rank = next((i for i, e in enumerate(board, 1) if e.session == mine), None)
    if rank is None:
        return ""
    fields["leaderboard_rank"] = rank
    fields["leaderboard_size"] = len(board)
    fields["leaderboard_file"] = str(lb.leaderboard_path())
    return (f" Place {rank} of {len(board)} on the class leaderboard."
            + "\n\nClass leaderboard (longest straight face):\n" + "\n".join(
                f"{i}. {e.name}: {e.survived_s:.1f} s" + ("" if e.cracked else " (never smiled)")
                for i, e in enumerate(board[:LEADERBOARD_SHOWN], 1)))


def after_recording(folder: str | Path) -> None:
    """Put the recorded game on the class leaderboard (the viewer is face slot 0)."""
    from mimicry.activities.no_smile import leaderboard as lb  # noqa: PLC0415
    from mimicry.activities.no_smile.analysis import analyze_no_smile_session  # noqa: PLC0415
    from mimicry.io.session import load_session  # noqa: PLC0415

    session = load_session(folder)
    result = analyze_no_smile_session(session.frames, session.events)
    name = str(session.meta.get("participant") or session.path.name)
    date = str(session.meta.get("started_at") or "")[:10]
    lb.add_entry(lb.Entry(name=name, survived_s=round(result.survived_s, 2),
                          cracked=result.cracked, date=date, session=str(session.path.resolve())))


def plain_summary(result) -> str:
    from mimicry.activities.no_smile.analysis import no_smile_plain_summary  # noqa: PLC0415

    return no_smile_plain_summary(result)


def live(plan=None):
    """The viewer's smile and the trials; the reading (a GameState) at every frame and event."""
    from mimicry.activities.live import ChannelObserver  # noqa: PLC0415
    from mimicry.activities.no_smile.analysis import NoSmileGame  # noqa: PLC0415

    return ChannelObserver(NoSmileGame(), ((0, "smile"),), lambda s: s.state)


ACTIVITY = Activity(name="no_smile", title="Try not to smile", analyze=analyze,
                    plain_summary=plain_summary, live=live, after_recording=after_recording)

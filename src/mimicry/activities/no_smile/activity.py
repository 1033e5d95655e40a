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


#: What the summary says instead of a place when the game was the demo participant's.
DEMO_NOT_ON_BOARD = ("The demo participant is not put on the class leaderboard: it is a "
                     "rendered face, not a player.")


def _leaderboard_text(folder: Path, fields: dict) -> str:
    """This session's place on its class leaderboard ("" when it is not on it); fills ``fields``.

    The board is the one in the folder the session was saved under. A demo
    participant's game is never on it; the summary says so (and shows the board).
    """
    from mimicry.activities.no_smile import leaderboard as lb  # noqa: PLC0415
    from mimicry.analysis.folder import is_demo_session  # noqa: PLC0415

    path = lb.board_path_for(folder)
    board = lb.read_leaderboard(path)
    demo = is_demo_session(folder)
    rank = None if demo else lb.rank_of(board, str(Path(folder).resolve()))
    if rank is None and not demo:
        return ""
    n_players = sum(not e.demo for e in board)
    fields["leaderboard_file"] = str(path)
    if demo:
        head = f" {DEMO_NOT_ON_BOARD}"
    else:
        fields["leaderboard_rank"] = rank
        fields["leaderboard_size"] = n_players
        head = f" Place {rank} of {n_players} on the class leaderboard."
    if not board:
        return head
    return (head + "\n\nClass leaderboard (longest straight face):\n"
            + "\n".join(lb.board_lines(board, LEADERBOARD_SHOWN)))


def after_recording(folder: str | Path) -> None:
    """Put the recorded game on its class leaderboard (the viewer is face slot 0).

    The board is in the folder the session was saved under
    (:func:`~mimicry.activities.no_smile.leaderboard.board_path_for`). The demo
    participant's game is left off: a rendered face is not one of the class.
    """
    from mimicry.activities.no_smile import leaderboard as lb  # noqa: PLC0415
    from mimicry.activities.no_smile.analysis import analyze_no_smile_session  # noqa: PLC0415
    from mimicry.analysis.folder import is_demo_session  # noqa: PLC0415
    from mimicry.io.session import load_session  # noqa: PLC0415

    if is_demo_session(folder):
        return
    session = load_session(folder)
    result = analyze_no_smile_session(session.frames, session.events)
    name = str(session.meta.get("participant") or session.path.name)
    date = str(session.meta.get("started_at") or "")[:10]
    lb.add_entry(lb.Entry(name=name, survived_s=round(result.survived_s, 2),
                          cracked=result.cracked, date=date, session=str(session.path.resolve())),
                 lb.board_path_for(session.path))


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

"""``mimicry record``: validate everything, then run and save one session."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from mimicry.core.errors import InputError
from mimicry.runtime.recorder import default_sessions_dir
from mimicry.runtime.session import Session, SessionOptions, analyze_session_folder
from mimicry.sources import open_source, source_kind
from mimicry.io.atomic import ensure_writable_folder


@dataclass(frozen=True)
class RecordResult:
    folder: Path
    status: str
    n_frames: int
    summary_text: str = ""


def record_session(*, source: str, protocol: str, seed: int | None = None,
                   participant: str = "anonymous", out: str | os.PathLike | None = None,
                   display: bool = False, fast: bool = False, faces: int = 1, model=None,
                   save_video: bool = False, save_landmarks: bool = False, lsl: bool = False,
                   analyze: bool = True, skip_expressions: bool = False,
                   observers=()) -> RecordResult:
    """Run ``protocol`` against ``source`` and write a session folder.

    Everything that can be checked is checked before the session starts:
    protocol, stimulus set, model, source and output folder.
    ``skip_expressions`` leaves out the protocol's expression calibration
    (``--skip-expressions``). ``fast`` reads a video, or renders the demo
    participant, as fast as possible instead of at its frame rate (a camera is
    always live).
    """
    from mimicry.protocol.load import load_protocol  # noqa: PLC0415
    from mimicry.protocol.schedule import build_schedule  # noqa: PLC0415

    from mimicry.core.check import check_int  # noqa: PLC0415

    check_int("faces", faces, 1, 4, error=InputError)
    from mimicry.runtime.plan import SessionRequest, schedule_plan  # noqa: PLC0415

    proto = load_protocol(protocol)
    if skip_expressions:
        proto = proto.without_expressions()
    schedule = build_schedule(proto, seed)
    out_root = Path(out).expanduser() if out else default_sessions_dir()
    ensure_writable_folder(out_root)
    if display:
        from mimicry.runtime.display import check_display  # noqa: PLC0415

        check_display()  # before the session folder exists
    # A camera is always live; a video or the demo participant is paced unless --fast.
    realtime = source_kind(source) == "camera" or not fast

    def open_paced():
        if source_kind(source) == "demo":
            from mimicry.simulate.live_demo import demo_for_session  # noqa: PLC0415

            # The app's demo participant: it watches this protocol, with the activity's gain.
            return demo_for_session(schedule, activity=plan.demo_mode, realtime=realtime)
        return open_source(source, realtime=realtime)

    plan = schedule_plan(SessionRequest(source=source, protocol=protocol, participant=participant,
                                        out_dir=str(out_root), paced=realtime, model=model,
                                        seed=seed, expression_calibration=not skip_expressions),
                         proto, schedule)
    session = Session(plan, SessionOptions(
        participant=participant, out_root=out_root, faces=faces, model=model,
        keep_landmarks=save_landmarks or display, save_video=save_video,
        save_landmarks=save_landmarks, paced=realtime, display=display, lsl=lsl),
        open_paced, observers=observers)
    window = None
    try:
        session.open()
        if display:
            from mimicry.runtime.display import StimulusWindow  # noqa: PLC0415

            window = StimulusWindow(schedule)
            session.add_observer(window)
            window.runner = session.runner
        result = session.run()
    finally:
        session.close()
        if window is not None:
            window.close()
    text = _analyze(session.folder) if analyze and result.n_frames else ""
    return RecordResult(folder=session.folder, status=result.status, n_frames=result.n_frames,
                        summary_text=text)


def _analyze(folder: Path) -> str:
    """Write trials.csv and summary.json; return the plain-language summary."""
    return analyze_session_folder(
        folder, "No stimulus trial was reached, so there is nothing to analyse.")

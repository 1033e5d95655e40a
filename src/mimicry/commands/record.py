"""Run a protocol and record the session (headless with --no-display).

Examples:
  mimicry record --source 0 --protocol quick --participant p01
  mimicry record --source participant.mp4 --protocol quick --no-display --fast
  mimicry record --source demo --protocol quick --no-display --fast --out DIR
  mimicry record --source 0 --protocol default --lsl     (stream to a lab's LSL network)
  mimicry record --source 0 --protocol default --skip-expressions   (no posed smile/sad face)

The session folder (date-time plus participant) goes to the user data folder,
or under --out. Rows are flushed at least twice a second; Ctrl-C ends the
session cleanly with status "stopped". Nothing but numbers is saved unless
--save-video or --save-landmarks is given.
"""

from __future__ import annotations

import argparse
import sys

from mimicry.core.check import arg_range


def protocol_help(default: str = "default") -> str:
    """``--protocol``'s help: the shipped protocols' names, from the protocols that ship."""
    from mimicry.protocol.load import list_protocols  # noqa: PLC0415

    return (f"shipped protocol name ({', '.join(list_protocols())}) or a .toml file "
            f"(default: {default})")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--source", default="0",
                   help="camera index, video file, or 'demo' (default: camera 0)")
    p.add_argument("--protocol", default="default", help=protocol_help())
    p.add_argument("--seed", type=arg_range(0, kind=int), default=None, help="override the protocol's seed")
    p.add_argument("--participant", default="anonymous", help="participant id")
    p.add_argument("--out", metavar="DIR", help="folder for sessions (default: user data folder)")
    p.add_argument("--no-display", action="store_true", help="show no stimuli (video sources, tests)")
    p.add_argument("--fast", action="store_true",
                   help="process a video source, or render the demo participant, as fast as "
                        "possible instead of at its frame rate")
    p.add_argument("--faces", type=arg_range(1, 4, kind=int), default=1, metavar="N", help="faces to track (default 1)")
    p.add_argument("--model", metavar="PATH", help="face model (default: the shipped copy)")
    p.add_argument("--save-video", action="store_true", help="also save the camera video")
    p.add_argument("--save-landmarks", action="store_true",
                   help="also save the 478 landmark coordinates per frame")
    p.add_argument("--lsl", action="store_true",
                   help="publish channels and stimulus markers on Lab Streaming Layer")
    p.add_argument("--skip-expressions", action="store_true",
                   help="leave out the protocol's expression calibration (the wide smile and "
                        "sad face asked for after the neutral calibration)")
    p.add_argument("--no-analyze", action="store_true", help="skip the analysis at the end")
    p.add_argument("--questionnaire", metavar="ID_OR_FILE",
                   help="ask this questionnaire on the terminal when the session ends (a "
                        "shipped id: sites, the Single-Item Trait Empathy Scale; or a TOML "
                        "file); the score goes into session.json")
    p.add_argument("--mood", action="store_true",
                   help="ask a mood rating (1-9) before the session starts and after it ends")


def run(args: argparse.Namespace) -> int:
    from mimicry.protocol.questionnaire import load_questionnaire, save_answers  # noqa: PLC0415
    from mimicry.runtime.questions import ask_on_terminal  # noqa: PLC0415
    from mimicry.runtime.record import record_session  # noqa: PLC0415

    # Bad files give their one line before anything is recorded.
    q = load_questionnaire(args.questionnaire) if args.questionnaire else None
    mood = load_questionnaire("mood") if args.mood else None
    before = ask_on_terminal(mood, heading="Before the session:") if mood else None
    result = record_session(
        source=args.source, protocol=args.protocol, seed=args.seed,
        participant=args.participant, out=args.out, display=not args.no_display,
        fast=args.fast, faces=args.faces, model=args.model, save_video=args.save_video,
        save_landmarks=args.save_landmarks, lsl=args.lsl, analyze=not args.no_analyze,
        skip_expressions=args.skip_expressions)
    if mood is not None:
        if before is not None:
            save_answers(result.folder, mood, before, "mood_before")
        after = ask_on_terminal(mood, heading="After the session:")
        if after is not None:
            save_answers(result.folder, mood, after, "mood_after")
    if q is not None:
        answers = ask_on_terminal(q)
        if answers is not None:
            meta = save_answers(result.folder, q, answers)
            print(f"{q.title}: score {meta['questionnaires'][q.id]['score']:g}")
    print(f"session saved: {result.folder} (status {result.status}, {result.n_frames} frames)")
    if result.summary_text:
        print()
        print(result.summary_text)
    if result.status == "camera_lost":
        print("the camera stopped delivering frames; everything before was saved",
              file=sys.stderr)
        return 1
    return 0

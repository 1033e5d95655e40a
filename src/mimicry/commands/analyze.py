"""Analyse a recorded session: trial responses, mimicry index and its p-value, lag.

Reads SESSION_DIR/frames.csv and SESSION_DIR/events.csv (and session.json if
present), writes SESSION_DIR/trials.csv (one row per trial) and
SESSION_DIR/summary.json, and prints a plain-language summary. See
docs/analysis.md for what every number means.
"""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("session_dir", metavar="SESSION_DIR",
                        help="folder with frames.csv and events.csv")
    parser.add_argument("--face-id", type=int, default=0, metavar="N",
                        help="face slot to analyse (default 0)")
    parser.add_argument("--seed", type=int, default=0,
                        help="seed of the random permutations, when they are used (default 0)")


def run(args: argparse.Namespace) -> int:
    from mimicry.analysis.config import AnalysisConfig
    from mimicry.analysis.demo_folder import analyze_demo_folder
    from mimicry.analysis.folder import analyze_folder

    demo = analyze_demo_folder(args.session_dir, seed=args.seed, face_id=args.face_id)
    if demo is not None:  # a classroom demo (two-person synchrony, yawns, try not to smile)
        print(demo.text)
        print(f"\nWrote {', '.join(str(p) for p in demo.written)}.")
        return 0
    done = analyze_folder(args.session_dir, AnalysisConfig(face_id=args.face_id, seed=args.seed))
    print(done.text)
    print(f"\nWrote {done.trials_csv} and {done.summary_json}.")
    return 0

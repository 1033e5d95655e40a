"""Analyse a recorded session: trial responses, mimicry index and its p-value, lag.

Reads SESSION_DIR/frames.csv and SESSION_DIR/events.csv (and session.json if
present), writes SESSION_DIR/trials.csv (one row per trial) and
SESSION_DIR/summary.json, and prints a plain-language summary. See
docs/analysis.md for what every number means.
"""

from __future__ import annotations

import argparse

from mimicry.core.check import arg_range


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("session_dir", metavar="SESSION_DIR",
                        help="folder with frames.csv and events.csv")
    parser.add_argument("--face-id", type=arg_range(0, kind=int), default=0, metavar="N",
                        help="face slot to analyse (default 0)")
    parser.add_argument("--seed", type=arg_range(0, kind=int), default=0,
                        help="seed of the random permutations, when they are used (default 0)")


def run(args: argparse.Namespace) -> int:
    from mimicry.runtime.analyze import analyze_any_folder

    text, written = analyze_any_folder(args.session_dir, seed=args.seed, face_id=args.face_id)
    print(text)
    print(f"\nWrote {', '.join(str(p) for p in written)}.")
    return 0

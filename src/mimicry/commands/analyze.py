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
    parser.add_argument("session_dirs", nargs="+", metavar="SESSION_DIR",
                        help="folder with frames.csv and events.csv (several: each analysed, "
                             "a failure never stops the others, a table at the end)")
    parser.add_argument("--face-id", type=arg_range(0, kind=int), default=0, metavar="N",
                        help="face slot to analyse (default 0)")
    parser.add_argument("--seed", type=arg_range(0, kind=int), default=0,
                        help="seed of the random permutations, when they are used (default 0)")
    parser.add_argument("--dask", nargs="?", const="", default=None, metavar="ADDRESS",
                        help="analyse the folders on a Dask cluster: the scheduler at ADDRESS, "
                             "or without one a local cluster (one worker per CPU)")


def run(args: argparse.Namespace) -> int:
    from mimicry.runtime.analyze import analyze_any_folder

    if len(args.session_dirs) > 1 or args.dask is not None:
        return _run_many(args)
    text, written = analyze_any_folder(args.session_dirs[0], seed=args.seed,
                                       face_id=args.face_id)
    print(text)
    print(f"\nWrote {', '.join(str(p) for p in written)}.")
    return 0


def _run_many(args: argparse.Namespace) -> int:
    """Several folders (or --dask): one task each, a table at the end, exit 1 on a failure."""
    import os

    from mimicry.core.errors import MimicryError
    from mimicry.runtime.cluster import (TaskOutcome, analyze_task, dask_client,
                                         outcome_table, run_tasks)

    jobs = [(d, args.seed, args.face_id) for d in args.session_dirs]
    if args.dask is not None:
        with dask_client(args.dask or None, os.cpu_count() or 1) as client:
            outcomes = run_tasks(client, analyze_task, jobs, args.session_dirs)
    else:
        outcomes = []
        for job in jobs:
            try:
                outcomes.append(analyze_task(job))
            except MimicryError as exc:
                outcomes.append(TaskOutcome(job[0], "failed", str(exc)))
    print(outcome_table(outcomes, "session"))
    return 1 if any(o.status == "failed" for o in outcomes) else 0

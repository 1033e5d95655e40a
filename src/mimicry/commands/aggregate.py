"""Pool many sessions (a class, a study): one row per session, group statistics, a report.

Each DIR is a session folder or a folder of session folders. Every session is
analysed as 'mimicry analyze' does; the per-session mimicry indices are tested
across people (one-sample t-test and sign-flip permutation test against 0),
lags and response curves are averaged, and an empathy score is correlated
with the estimate: a --scores file, else each session's questionnaire score
(session.json questionnaires; --questionnaire, the Single-Item Trait Empathy
Scale by default), else the old self_rating (1-7). With mood ratings before
and after, the mood change is tested across people.

Writes OUT/sessions.csv, OUT/group.json, OUT/report.html and its PNGs.
Sessions that are incomplete, from another version or cannot be analysed are
listed with a warning, not an error.

Examples:
  mimicry aggregate sessions/ --out class/
  mimicry aggregate s/p01 s/p02 s/p03 --out study/ --scores questionnaire.csv
  mimicry aggregate sessions/ --out class/ --questionnaire my_scale.toml
"""

from __future__ import annotations

import argparse
import sys

from mimicry.core.check import arg_range


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("dirs", nargs="+", metavar="DIR",
                        help="session folders, or folders holding session folders")
    parser.add_argument("--out", required=True, metavar="DIR",
                        help="output folder (created)")
    parser.add_argument("--scores", metavar="CSV",
                        help="a score per session to correlate with mimicry: columns "
                             "session (folder name) or participant, and score")
    parser.add_argument("--questionnaire", metavar="ID_OR_FILE", default=None,
                        help="the questionnaire whose score in each session.json is "
                             "correlated: a shipped id (sites, mood) or a TOML file "
                             "(default sites)")
    parser.add_argument("--seed", type=arg_range(0, kind=int), default=0,
                        help="seed of the random sign flips, used above 16 sessions (default 0)")
    parser.add_argument("--dask", nargs="?", const="", default=None, metavar="ADDRESS",
                        help="analyse the sessions on a Dask cluster: the scheduler at ADDRESS, "
                             "or without one a local cluster (one worker per CPU)")
    parser.add_argument("--open", action="store_true",
                        help="open the report in the web browser afterwards")


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from mimicry.protocol.questionnaire import load_questionnaire

    if args.questionnaire is not None:
        load_questionnaire(args.questionnaire)  # a bad file: one line, before any analysis

    from mimicry.report.aggregate import REPORT_FILE, group_summary_text, write_aggregate

    if args.dask is None:
        agg = write_aggregate(args.dirs, args.out, args.scores, args.seed,
                              questionnaire=args.questionnaire)
    else:
        import os

        from mimicry.runtime.cluster import dask_client, dask_mapper

        with dask_client(args.dask or None, os.cpu_count() or 1) as client:
            agg = write_aggregate(args.dirs, args.out, args.scores, args.seed,
                                  dask_mapper(client), questionnaire=args.questionnaire)
    for w in agg.warnings:
        print(f"mimicry aggregate: warning: {w}", file=sys.stderr)
    print(group_summary_text(agg))
    out = Path(args.out)
    print(f"\nWrote {out / 'sessions.csv'}, {out / 'group.json'} and {out / REPORT_FILE}.")
    if args.open:
        import webbrowser

        webbrowser.open((out / REPORT_FILE).resolve().as_uri())
    return 0

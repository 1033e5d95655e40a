"""Export session folders as a BIDS dataset: events and expression channels for sharing.

Writes DIR (new or empty) as a BIDS dataset that the BIDS validator accepts:
dataset_description.json, README, CHANGES, participants.tsv/.json and, per
session, sub-<label>/[ses-<n>/]beh/ with the stimuli as _events.tsv and the
expression channels and head pose, resampled to a uniform rate, as
_physio.tsv.gz, each with a JSON sidecar. No video and no landmarks are
copied. See docs/bids.md for the layout and every column.

Examples:
  mimicry export sessions/2026-03-01_101500_p01 --bids study_bids/
  mimicry export sessions/*/ --bids study_bids/ --author "A. Researcher" --rate 30
"""

from __future__ import annotations

import argparse

from mimicry.core.check import arg_range


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("session_dirs", nargs="+", metavar="SESSION",
                        help="session folder with frames.csv (and events.csv, session.json)")
    parser.add_argument("--bids", required=True, metavar="DIR",
                        help="the BIDS dataset to write: a new or empty folder")
    parser.add_argument("--face-id", type=arg_range(0, kind=int), default=0, metavar="N",
                        help="face slot to export (default 0)")
    parser.add_argument("--rate", type=arg_range(1, 1000), default=None, metavar="HZ",
                        help="sampling rate of the physio files (default: each session's "
                             "median frame rate, rounded to whole Hz)")
    parser.add_argument("--name", default=None,
                        help="the dataset's Name (default 'Facial mimicry sessions')")
    parser.add_argument("--author", action="append", default=[], metavar="NAME",
                        help="an author of the dataset (repeatable; the validator asks for one)")


def run(args: argparse.Namespace) -> int:
    import sys

    from mimicry.report.bids import export_bids

    exported = export_bids(args.session_dirs, args.bids, face_id=args.face_id,
                           rate_hz=args.rate, name=args.name, authors=args.author)
    for e in exported:
        print(f"{e.session.path} -> {e.folder}")
        for w in e.session.warnings:
            print(f"mimicry export: warning: {e.session.path}: {w}", file=sys.stderr)
    print(f"Wrote the BIDS dataset {args.bids} ({len(exported)} session(s)).")
    return 0

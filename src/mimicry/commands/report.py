"""Write a session's report.html: summary, response curves, timing, every trial, data quality.

Analyses SESSION_DIR (as 'mimicry analyze' does, without rewriting its files)
and writes SESSION_DIR/report.html, a single self-contained page (images
embedded, no network needed), plus its figures as PNGs beside it.

Examples:
  mimicry report sessions/2026-03-01_101500_p01
  mimicry report sessions/2026-03-01_101500_p01 --open
"""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("session_dir", metavar="SESSION_DIR",
                        help="a session folder with frames.csv and events.csv")
    parser.add_argument("--out", metavar="FILE",
                        help="write the report here instead of SESSION_DIR/report.html")
    parser.add_argument("--open", action="store_true",
                        help="open the report in the web browser afterwards")


def run(args: argparse.Namespace) -> int:
    from mimicry.report.session_report import write_session_report

    path = write_session_report(args.session_dir, args.out)
    print(f"Wrote {path}")
    if args.open:
        import webbrowser

        webbrowser.open(path.resolve().as_uri())
    return 0

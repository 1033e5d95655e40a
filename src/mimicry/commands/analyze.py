"""Analyse a recorded session: trial responses, mimicry index and its p-value, lag.

Reads SESSION_DIR/frames.csv and SESSION_DIR/events.csv (and session.json if
present), writes SESSION_DIR/trials.csv (one row per trial) and
SESSION_DIR/summary.json, and prints a plain-language summary. See
docs/analysis.md for what every number means.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("session_dir", metavar="SESSION_DIR",
                        help="folder with frames.csv and events.csv")
    parser.add_argument("--face-id", type=int, default=0, metavar="N",
                        help="face slot to analyse (default 0)")
    parser.add_argument("--seed", type=int, default=0,
                        help="seed of the random permutations, when they are used (default 0)")


def read_session(session_dir: Path):
    """Read one session folder: (frames, events, session_status, notes).

    The one place that reads files, so that it can become
    ``mimicry.load_session`` later. Raises :class:`InputError` naming the path.
    """
    from mimicry.errors import InputError
    from mimicry.tables import read_events, read_frames

    if not session_dir.is_dir():
        raise InputError(f"session folder {session_dir} does not exist; expected a folder with "
                         f"frames.csv and events.csv")
    frames = read_frames(session_dir / "frames.csv")
    events = read_events(session_dir / "events.csv")
    status, notes = "unknown", []
    meta = session_dir / "session.json"
    if meta.exists():
        try:
            status = str(json.loads(meta.read_text(encoding="utf-8")).get("status", "unknown"))
        except (OSError, ValueError, AttributeError) as exc:
            status = "unreadable"
            notes.append(f"{meta} could not be read ({exc.__class__.__name__}), so whether the "
                         f"session finished normally is unknown.")
    return frames, events, status, notes


def write_trials_csv(path: Path, result) -> None:
    """Write ``trials.csv``: :data:`~mimicry.analysis.session.TRIAL_CSV_COLUMNS`."""
    from mimicry.analysis.session import TRIAL_CSV_COLUMNS, trial_rows
    from mimicry.formats import format_cell, open_csv_writer

    fh, writer = open_csv_writer(path, TRIAL_CSV_COLUMNS)
    with fh:
        for row in trial_rows(result):
            writer.writerow([format_cell(row[c]) for c in TRIAL_CSV_COLUMNS])


def run(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from mimicry.analysis.config import AnalysisConfig
    from mimicry.analysis.session import analyze_session, summary_dict
    from mimicry.analysis.summary import plain_summary
    from mimicry.errors import InputError
    from mimicry.timeline import trials_from_events

    session_dir = Path(args.session_dir)
    frames, events, status, notes = read_session(session_dir)
    if not trials_from_events(events):
        raise InputError(f"{session_dir / 'events.csv'} has no stimulus trials (no "
                         f"stimulus_onset events), so there is nothing to analyse")
    config = AnalysisConfig(face_id=args.face_id, seed=args.seed)
    result = analyze_session(frames, events, config, session_status=status)
    if notes:
        result = replace(result, notes=notes + result.notes)
    summary = summary_dict(result)
    write_trials_csv(session_dir / "trials.csv", result)
    out = session_dir / "summary.json"
    try:
        out.write_text(json.dumps(summary, indent=2, allow_nan=False) + "\n", encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write {out}: {exc.strerror or exc}") from None
    print(plain_summary(result))
    print(f"\nWrote {session_dir / 'trials.csv'} and {out}.")
    return 0

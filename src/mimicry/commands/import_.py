"""Import another tool's per-frame output (OpenFace, Py-Feat, iMotions) as a session folder.

Converts FILE's action units to mimicry's channels on mimicry's 0-1 scale,
keeps FILE's own columns (as src_... columns of frames.csv), and writes
DIR/frames.csv, DIR/events.csv and DIR/session.json, which 'mimicry analyze',
'mimicry report' and 'mimicry aggregate' read. Stimuli come from FILE when it
names them (iMotions), else from --events. See docs/importing.md.

Examples:
  mimicry import participant.csv --from openface --events events.csv --out sessions/p01
  mimicry import p01_fex.csv --events events.csv --out sessions/p01   (tool from the header)
  mimicry import p01_fex.csv --from pyfeat --fps 30 --events events.csv --out sessions/p01
  mimicry import "p01 AFFDEX.csv" --out sessions/p01                   (iMotions: stimuli inside)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from mimicry.core.check import arg_range
from mimicry.io.importers import IMPORTERS


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", metavar="FILE", help="the tool's per-frame CSV (or TSV) file")
    p.add_argument("--from", dest="tool", choices=list(IMPORTERS), metavar="TOOL",
                   help=f"the tool that wrote FILE: {', '.join(IMPORTERS)} "
                        f"(default: told from FILE's header)")
    p.add_argument("--events", metavar="CSV",
                   help="stimulus timeline (a mimicry events.csv) on FILE's clock; overrides "
                        "the stimuli FILE names")
    p.add_argument("--fps", type=arg_range(0, 1000, lo_open=True), metavar="F",
                   help="frame rate of the analysed video, for Py-Feat files (default: worked "
                        "out from their approx_time column)")
    p.add_argument("--out", required=True, metavar="DIR",
                   help="output folder: new or empty (never overwritten)")


def run(args: argparse.Namespace) -> int:
    from mimicry.io.importers import detect, importer_class
    from mimicry.io.importers.writer import check_new_folder, write_imported_session
    from mimicry.io.tables import read_events
    from mimicry.protocol.timeline import StimulusAnnotator, trials_from_events

    path = Path(args.file)
    out = Path(args.out).expanduser()
    check_new_folder(out)  # before reading a large file
    tool = args.tool or detect(path)
    table = importer_class(tool)(fps=args.fps).read(path)
    notes = list(table.notes)
    if args.events:
        events = read_events(args.events)
        events_from = str(args.events)
        n_own = sum(e.event == "stimulus_onset" for e in table.events)
        if n_own:
            notes.append(f"using {args.events}; the {n_own} stimuli {path.name} names are "
                         f"ignored")
    else:
        events, events_from = table.events, "the imported file" if table.events else "none"
    trials = trials_from_events(events)
    if not trials:
        notes.append(f"{path.name} names no stimuli and no --events was given: 'mimicry "
                     f"analyze' needs a stimulus timeline; import again with --events")
    write_imported_session(table, out, source_path=path, events=events,
                           events_from=events_from,
                           annotator=StimulusAnnotator(trials) if trials else None)
    for note in notes:
        print(f"mimicry import: {note}", file=sys.stderr)
    n_face = int(table.face_detected.sum())
    pct = 100.0 * n_face / len(table) if len(table) else 0.0
    print(f"{out}: {len(table)} rows from {tool} ({path.name}), face in {pct:.1f}%, "
          f"{len(trials)} trials")
    return 0

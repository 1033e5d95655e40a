"""The desktop app: faces to watch, the live camera, plots and the mimicry meter.

Examples:
  mimicry                                   (same as 'mimicry app')
  mimicry app --source demo                 (no camera: the virtual participant stands in)
  mimicry app --classroom                   (faces full screen on the projector)
  mimicry app --source 1 --protocol classroom --participant p01 --out ~/sessions
  mimicry app --board ~/sessions/class1      (the class board of a folder of sessions)
  mimicry app --class 7B --classroom         (volunteers' sessions join the class 7B)

Shortcuts: Space start/pause, Esc stop (or leave full screen), F full screen,
M marker; in the free run H, S, N show a happy, sad or neutral face.
Sessions are saved as numbers only (CSV); see docs/app.md.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from mimicry.core.check import arg_range

#: What the app needs beyond the core.
GUI_MODULES = ("PyQt6", "pyqtgraph", "mimicry_app")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--source", help="camera index, video file, or 'demo' "
                                    "(default: the last one used, else camera 0)")
    p.add_argument("--protocol", help="shipped protocol (quick, default, classroom, yawn, "
                                      "no_smile, groups, groups_quick), a TOML path, "
                                      "'free-run', 'two-people' or 'capture-faces' (default: "
                                      "the last one used)")
    p.add_argument("--board", metavar="CLASS_DIR",
                   help="open the class board of this folder of sessions straight away")
    p.add_argument("--participant", help="participant id (default: the last one used)")
    p.add_argument("--class", dest="class_name", metavar="NAME",
                   help="the class each session joins: a folder NAME in the sessions folder, "
                        "made if new (default: the last one used)")
    p.add_argument("--out", metavar="DIR", help="folder for sessions (default: user data folder)")
    p.add_argument("--classroom", action="store_true",
                   help="classroom mode: the stimulus full screen on a second screen")
    p.add_argument("--fullscreen", action="store_true", help="start full screen")
    p.add_argument("--model", metavar="PATH", help="face model (default: the shipped copy)")
    p.add_argument("--seed", type=arg_range(0, kind=int), default=None, metavar="K",
                   help="trial order seed, to repeat a session's order (default: a fresh order)")
    # For scripts, tests and screenshots; not shown in --help.
    p.add_argument("--autostart", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--fast", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--screenshot", metavar="PATH", help=argparse.SUPPRESS)
    p.add_argument("--quit-after", type=arg_range(0.0), metavar="S", help=argparse.SUPPRESS)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    if args.board is not None and not Path(args.board).expanduser().is_dir():
        print(f"mimicry app: error: --board {args.board}: no such folder; expected a folder "
              f"of session folders (a class)", file=sys.stderr)
        return 2
    # Imported by name only: the core never depends on the GUI package.
    try:
        app_main = importlib.import_module("mimicry_app.main")
        importlib.import_module("pyqtgraph")
    except ImportError as exc:
        missing = (exc.name or "").split(".")[0]
        if isinstance(exc, ModuleNotFoundError) and missing in GUI_MODULES:
            print(f"mimicry app: error: the desktop app needs PyQt6 and pyqtgraph ({missing} is "
                  f"missing); install them with 'pip install pyqt6 pyqtgraph', or use the "
                  f"command-line tools (mimicry record, process, analyze)", file=sys.stderr)
        else:  # e.g. a Qt system library missing on Linux
            print(f"mimicry app: error: the desktop app could not start ({exc}); "
                  f"'mimicry check' tells what is missing", file=sys.stderr)
        return 2
    return app_main.main(args)

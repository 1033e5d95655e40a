"""The ``mimicry`` command line.

Each subcommand lives in :mod:`mimicry.commands.<name>` with two functions:
``add_arguments(parser)`` and ``run(args) -> int``. Command modules import
their heavy dependencies inside ``run`` so that ``mimicry --help`` stays fast.

Expected errors (:class:`mimicry.core.errors.MimicryError`) become one line on
stderr and exit code 2. Anything else is a bug: one line on stderr, the
traceback in a file in the user's log folder, exit code 70
(``MIMICRY_TRACEBACK=1`` shows it instead). SIGTERM stops a command as Ctrl-C
does. Plain ``mimicry`` with no subcommand starts the app.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from pathlib import Path

from mimicry import __version__
from mimicry.core.errors import MimicryError
from mimicry.core.signals import terminate_as_interrupt

#: subcommand name -> module path. Order is the order shown by --help.
COMMANDS: dict[str, str] = {
    "app": "mimicry.commands.app",
    "process": "mimicry.commands.process",
    "import": "mimicry.commands.import_",
    "check": "mimicry.commands.check",
    "simulate": "mimicry.commands.simulate",
    "stimuli": "mimicry.commands.stimuli",
    "analyze": "mimicry.commands.analyze",
    "record": "mimicry.commands.record",
    "report": "mimicry.commands.report",
    "aggregate": "mimicry.commands.aggregate",
    "export": "mimicry.commands.export",
}


def _available_commands() -> dict[str, object]:
    mods = {}
    for name, path in COMMANDS.items():
        try:
            mods[name] = importlib.import_module(path)
        except ModuleNotFoundError as exc:
            if exc.name == path:  # not built yet in this version
                continue
            raise
    return mods


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line on stderr and exit code 2 (no usage line)."""

    def error(self, message: str):  # noqa: D102
        prog = self.prog if self.prog.startswith("mimicry") else f"mimicry {self.prog}"
        print(f"{prog}: error: {message}", file=sys.stderr)
        sys.exit(2)


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, object]]:
    parser = _Parser(
        prog="mimicry",
        description="Measure facial mimicry from a webcam or video. "
                    "With no command, starts the desktop app.",
    )
    parser.add_argument("--version", action="version", version=f"mimicry {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    mods = _available_commands()
    for name, mod in mods.items():
        doc = (mod.__doc__ or "").strip().splitlines()
        p = sub.add_parser(name, help=doc[0] if doc else None,
                           description=(mod.__doc__ or "").strip() or None,
                           formatter_class=argparse.RawDescriptionHelpFormatter)
        mod.add_arguments(p)
    return parser, mods


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser, mods = build_parser()
    if not argv or argv[0].startswith("-") and argv[0] not in ("-h", "--help", "--version"):
        argv = ["app", *argv]
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            args = parser.parse_args(["app"])
    except SystemExit as exc:  # a bad argument (one line already printed), --help, --version
        return exc.code if isinstance(exc.code, int) else 2
    try:
        with terminate_as_interrupt():
            return int(mods[args.command].run(args) or 0)
    except MimicryError as exc:
        print(f"mimicry {args.command}: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(f"mimicry {args.command}: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - a bug: one line here, the traceback in a file
        if os.environ.get("MIMICRY_TRACEBACK"):
            raise
        print(f"mimicry {args.command}: internal error ({_crash_line(exc)}); "
              f"{_save_traceback(args.command)}", file=sys.stderr)
        return INTERNAL_ERROR


#: Exit code of a bug (BSD's EX_SOFTWARE), apart from 2 for bad input.
INTERNAL_ERROR = 70


def _crash_line(exc: BaseException) -> str:
    text = str(exc).splitlines()[0][:200] if str(exc) else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _save_traceback(command: str) -> str:
    """Write the current traceback to the user's log folder; the sentence that says where."""
    import time  # noqa: PLC0415
    import traceback  # noqa: PLC0415

    from platformdirs import user_log_dir  # noqa: PLC0415

    try:
        folder = Path(user_log_dir("mimicry"))
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"crash-{command}-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}.txt"
        path.write_text(f"mimicry {__version__}: {' '.join(sys.argv)}\n\n"
                        + traceback.format_exc(), encoding="utf-8")
    except OSError:
        return "this is a bug; run again with MIMICRY_TRACEBACK=1 to see where"
    return f"this is a bug; the details are in {path}"


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

"""Asking a questionnaire on the terminal (``mimicry record --questionnaire``, ``--mood``).

Each item is printed on stderr with its scale, and the answer read as one
line of stdin: a piped answer works as well as a typed one. An empty line or
the end of the input skips the questionnaire (nothing is stored); an answer
outside the scale is asked again.
"""

from __future__ import annotations

import sys
from typing import TextIO

from mimicry.protocol.questionnaire import Questionnaire

#: Tries per item before the questionnaire is skipped.
MAX_TRIES = 3


def ask_on_terminal(q: Questionnaire, stdin: TextIO | None = None,
                    stderr: TextIO | None = None, heading: str = "") -> dict[str, int] | None:
    """The answers to ``q`` (item id to answer), or None when skipped."""
    stdin = stdin or sys.stdin
    stderr = stderr or sys.stderr
    print(heading or f"{q.title}{': ' + q.instructions if q.instructions else ''}", file=stderr)
    answers: dict[str, int] = {}
    for item in q.items:
        for _ in range(MAX_TRIES):
            print(f"  {item.text} ({q.scale_min} = {q.labels[0]} ... {q.scale_max} = "
                  f"{q.labels[1]}; Enter to skip): ", end="", file=stderr, flush=True)
            line = stdin.readline()
            text = line.strip()
            if not text:
                print("  skipped; nothing was stored", file=stderr)
                return None
            try:
                v = int(text)
            except ValueError:
                v = None
            if v is not None and q.scale_min <= v <= q.scale_max:
                answers[item.id] = v
                break
            print(f"  expected a whole number from {q.scale_min} to {q.scale_max}",
                  file=stderr)
        else:
            print("  skipped; nothing was stored", file=stderr)
            return None
    return answers

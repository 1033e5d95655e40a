"""Run a command under ``strace -f`` and list what in it reached for the network.

The tests fail on any connect or send to an internet address, on any name
lookup (through nscd or systemd-resolved) and on the name of MediaPipe's
logging host anywhere in the trace.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

STRACE = shutil.which("strace")
needs_strace = pytest.mark.skipif(STRACE is None, reason="strace is not installed")

_INET = re.compile(r"\b(connect|sendto|sendmsg|sendmmsg)\(.*sa_family=AF_INET6?\b")
_LOOKUP = re.compile(r"connect\(.*sun_path=\"(/var/run/nscd|/run/nscd|/run/systemd/resolve)")


def strace_lines(cmd: list[str], tmp_path: Path, trace: str, env: dict | None = None,
                 timeout: float = 240) -> tuple[subprocess.CompletedProcess, list[str]]:
    """Run ``cmd`` under ``strace -f -e trace=<trace>``; its exit and the trace's lines."""
    log = tmp_path / "strace.log"
    full = [STRACE, "-f", "-qq", "-s", "128", "-e", f"trace={trace}", "-o", str(log), *cmd]
    r = subprocess.run(full, capture_output=True, text=True, timeout=timeout,
                       env={**os.environ, **(env or {})})
    return r, log.read_text(errors="replace").splitlines()


def traced(cmd: list[str], tmp_path: Path, env: dict | None = None,
           timeout: float = 240) -> tuple[subprocess.CompletedProcess, list[str]]:
    """Run ``cmd`` under strace; the traced network calls that reach the network."""
    r, lines = strace_lines(cmd, tmp_path, "%network", env, timeout)
    bad = [ln for ln in lines
           if _INET.search(ln) or _LOOKUP.search(ln) or "googleapis" in ln]
    return r, bad


MIMICRY = [sys.executable, "-m", "mimicry.commands.main"]

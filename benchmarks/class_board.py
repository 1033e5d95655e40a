"""How fast the class board opens: ``load_board`` over N sessions, against reading their JSON.

Makes one analysed signal-level session, copies it N times into a class
folder (one damaged), and times :func:`mimicry.report.class_board.load_board`
against the reference of reading every ``summary.json`` and ``session.json``
with ``json.load`` in the same run. Prints both and the ratio.

Usage::

    python benchmarks/class_board.py --sessions 40
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "core" / "report"))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", type=int, default=40)
    ap.add_argument("--repeats", type=int, default=5)
    a = ap.parse_args()
    from report_helpers import session_meta, write_session

    from mimicry.report.class_board import load_board

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "class"
        one = write_session(Path(tmp) / "one", gain=1.0, seed=1, meta=session_meta("Maria"))
        subprocess.run([sys.executable, "-m", "mimicry.commands.main", "analyze", str(one)],
                       check=True, capture_output=True)
        for k in range(a.sessions):
            shutil.copytree(one, root / f"2026-12-02_1000{k:02d}_p{k}")
        (root / "2026-12-02_100000_p0" / "summary.json").write_text("{damaged")
        best_ref = best_board = float("inf")
        for _ in range(a.repeats):
            t0 = time.perf_counter()
            for f in sorted(root.iterdir()):
                for name in ("summary.json", "session.json"):
                    try:
                        json.loads((f / name).read_text())
                    except ValueError:
                        pass
            best_ref = min(best_ref, time.perf_counter() - t0)
            t0 = time.perf_counter()
            board = load_board(root)
            best_board = min(best_board, time.perf_counter() - t0)
        assert len(board.rows) == a.sessions and sum(bool(r.flag) for r in board.rows) == 1
    print(f"{a.sessions} sessions: load_board {1000 * best_board:.1f} ms, reading their JSON "
          f"{1000 * best_ref:.1f} ms, ratio {best_board / best_ref:.2f} (best of {a.repeats})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Start-up: from process start to the first tracked frame.

Usage: python benchmarks/startup.py [SOURCE] [--repeats 5] [--app]

Runs a fresh interpreter each time (nothing cached in memory) that opens the
source (default: the demo participant), creates the tracker and tracks one
frame, printing a breakdown of where the time goes. Last line:
``startup_s X`` (median, target <= 3 s).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time

CHILD = r"""
import sys, time, json
t = {"interpreter_s": time.monotonic() - T_START}
s = time.monotonic(); import mimicry; t["import_mimicry_s"] = time.monotonic() - s
s = time.monotonic(); import mediapipe, cv2; t["import_mediapipe_cv2_s"] = time.monotonic() - s
from mimicry.sources import open_source
from mimicry.tracking.mediapipe_tracker import MediaPipeTracker
s = time.monotonic(); src = open_source(sys.argv[1], realtime=False); t["open_source_s"] = time.monotonic() - s
s = time.monotonic(); tr = MediaPipeTracker(); t["create_tracker_s"] = time.monotonic() - s
s = time.monotonic(); f = src.read(); t["first_frame_s"] = time.monotonic() - s
s = time.monotonic(); obs = tr.process(f); t["first_inference_s"] = time.monotonic() - s
t["total_s"] = time.monotonic() - T_START
t["face_detected"] = bool(obs[0].detected)
tr.close(); src.close()
print(json.dumps(t))
"""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("source", nargs="?", default="demo")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--app", action="store_true",
                    help="also time the desktop app (offscreen, --autostart)")
    args = ap.parse_args()
    runs = []
    for k in range(args.repeats):
        t0 = time.monotonic()
        # The child measures from its own start using the parent's monotonic
        # stamp (CLOCK_MONOTONIC is system-wide on Linux).
        code = f"T_START = {t0!r}\n" + CHILD
        r = subprocess.run([sys.executable, "-c", code, args.source], capture_output=True,
                           text=True, check=True)
        d = json.loads(r.stdout.strip().splitlines()[-1])
        runs.append(d)
        print(f"run {k + 1}: " + ", ".join(f"{key} {v:.3f}" if isinstance(v, float) else
                                           f"{key} {v}" for key, v in d.items()))
    keys = [k for k in runs[0] if k.endswith("_s")]
    print("median breakdown: " + ", ".join(
        f"{k} {statistics.median(r[k] for r in runs):.3f}" for k in keys))
    if args.app:
        app_runs = [app_startup(args.source) for _ in range(args.repeats)]
        for k, first in enumerate(app_runs):
            print(f"app run {k + 1}: first tracked frame on disk {first:.3f} s")
        print(f"app median: first tracked frame on disk {statistics.median(app_runs):.3f} s "
              f"(an upper bound: rows reach the disk at most {FLUSH_S} s after tracking)")
    print(f"startup_s {statistics.median(r['total_s'] for r in runs):.3f}")
    return 0


FLUSH_S = 0.5


def app_startup(source: str) -> float:
    """``mimicry app --source SRC --autostart`` offscreen: seconds from process start until
    the session's frames.csv holds its first tracked row."""
    import os
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "sessions"
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", MIMICRY_CONFIG_DIR=str(Path(tmp) / "c"))
        t0 = time.monotonic()
        proc = subprocess.Popen([sys.executable, "-m", "mimicry.commands.main", "app", "--source", source,
                                 "--autostart", "--out", str(out), "--quit-after", "20"], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        first = float("nan")
        try:
            while time.monotonic() - t0 < 30 and first != first:
                for f in out.glob("*/frames.csv"):
                    with open(f, encoding="utf-8") as fh:
                        if len(fh.read().splitlines()) >= 2:
                            first = time.monotonic() - t0
                time.sleep(0.01)
        finally:
            proc.kill()
            proc.wait()
        return first


if __name__ == "__main__":
    sys.exit(main())

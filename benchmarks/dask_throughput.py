"""Videos per minute: ``process --dask`` with 1 and 2 workers against ``--jobs 1`` and ``--jobs 2``.

Usage: python benchmarks/dask_throughput.py [--videos 6] [--seconds 6]

Renders N short virtual-participant clips once, then processes them four
ways in the same run, interleaved in one round (jobs 1, dask 1, jobs 2,
dask 2), each into a fresh folder, so machine load affects all alike. Each
run includes starting its workers (and, for Dask, the local cluster). Prints
videos per minute for each and, as the last lines, each Dask figure as a
ratio to the --jobs figure with the same number of processes.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MIMICRY = [sys.executable, "-m", "mimicry.commands.main"]


def render_clips(folder: Path, n: int, seconds: float) -> list[Path]:
    clips = []
    for k in range(n):
        out = folder / f"sim{k}"
        subprocess.run([*MIMICRY, "simulate", "--dyad", "--duration-s", str(seconds), "--seed",
                        str(k + 1), "--size", "320", "--fps", "25", "--quiet", "--out", str(out)],
                       check=True)
        clip = folder / f"clip{k}.mp4"
        (out / "participant.mp4").rename(clip)
        clips.append(clip)
    return clips


def timed(clips: list[Path], out: Path, extra: list[str]) -> float:
    t0 = time.perf_counter()
    subprocess.run([*MIMICRY, "process", *map(str, clips), "--out", str(out), "--quiet", *extra],
                   check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--videos", type=int, default=6)
    ap.add_argument("--seconds", type=float, default=6.0)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        clips = render_clips(tmp, args.videos, args.seconds)
        ways = {"--jobs 1": ["--jobs", "1"], "--dask, 1 worker": ["--dask", "--jobs", "1"],
                "--jobs 2": ["--jobs", "2"], "--dask, 2 workers": ["--dask", "--jobs", "2"]}
        if args.videos == 1:
            ways = {k: v for k, v in ways.items() if "2" not in k}
        per_min = {}
        for k, (name, extra) in enumerate(ways.items()):
            s = timed(clips, tmp / f"out{k}", extra)
            per_min[name] = 60.0 * len(clips) / s
            print(f"{name:<18} {s:6.1f} s  {per_min[name]:6.1f} videos/min")
    print(f"ratio dask/jobs, 1 process: {per_min['--dask, 1 worker'] / per_min['--jobs 1']:.3f}")
    if "--jobs 2" in per_min:
        print(f"ratio dask/jobs, 2 processes: "
              f"{per_min['--dask, 2 workers'] / per_min['--jobs 2']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

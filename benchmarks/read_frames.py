"""How fast a big ``frames.csv`` loads: ``read_frames`` against ``pyarrow.csv.read_csv``.

Writes a one-hour, 30 fps session's ``frames.csv`` (108,000 rows, every
column mimicry writes, a face lost in 5% of frames, the stimulus columns
filled as a session fills them) and times, in the same run:

- the reference, ``pyarrow.csv.read_csv`` on the file with its defaults;
- :func:`mimicry.io.tables.read_frames` (the pyarrow path, columns to numpy);
- with ``--careful``, the csv-module reader every damaged file goes through;
- ``pandas.read_csv``, when pandas is installed.

Prints each time (best of ``--repeats``) and the ratio to the reference. The
target is a ratio of at most 1.5.

Usage::

    python benchmarks/read_frames.py --hours 1 --careful
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
import time
from pathlib import Path

import numpy as np


def write_frames(path: Path, rows: int, seed: int = 0) -> None:
    from mimicry.io.formats import BLENDSHAPE_COLUMNS, FRAME_COLUMNS, POSE_COLUMNS
    from mimicry.core.channels import CHANNELS

    rng = np.random.default_rng(seed)
    seen = rng.random(rows) > 0.05
    values = {c: np.round(rng.random(rows), 4) for c in CHANNELS + BLENDSHAPE_COLUMNS}
    values.update({c: np.round(rng.normal(0, 5, rows), 2) for c in POSE_COLUMNS})
    trial = (np.arange(rows) // 150) + 1
    in_trial = (np.arange(rows) % 150) < 90
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(FRAME_COLUMNS)
        for i in range(rows):
            row = []
            for c in FRAME_COLUMNS:
                if c == "t":
                    row.append(f"{i / 30:.4f}")
                elif c == "frame":
                    row.append(str(i))
                elif c == "face_id":
                    row.append("0")
                elif c == "face_detected":
                    row.append("1" if seen[i] else "0")
                elif c == "source":
                    row.append("camera")
                elif c == "trial":
                    row.append(str(trial[i]) if in_trial[i] else "")
                elif c == "condition":
                    row.append(("happy", "sad", "neutral")[trial[i] % 3] if in_trial[i] else "")
                elif c == "stimulus_id":
                    row.append(f"face{trial[i] % 12:02d}" if in_trial[i] else "")
                elif c == "stimulus_intensity":
                    row.append("0.8" if in_trial[i] else "")
                elif c == "group":
                    row.append("")
                else:
                    row.append(repr(float(values[c][i])) if seen[i] else "")
            w.writerow(row)


def best(fn, repeats: int) -> float:
    out = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        out = min(out, time.perf_counter() - t0)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--hours", type=float, default=1.0)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--careful", action="store_true",
                    help="also time the csv-module reader (about 10 s an hour)")
    a = ap.parse_args()
    import pyarrow.csv as pcsv

    from mimicry.io.tables import read_frames, read_frames_careful

    rows = int(round(a.hours * 3600 * 30))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "frames.csv"
        write_frames(path, rows)
        size_mb = path.stat().st_size / 1e6
        table = read_frames(path)
        assert len(table) == rows and table.blendshapes.shape == (rows, 52)
        ref = best(lambda: pcsv.read_csv(path), a.repeats)
        ours = best(lambda: read_frames(path), a.repeats)
        print(f"frames.csv of {rows} rows ({size_mb:.0f} MB), best of {a.repeats}:")
        print(f"  pyarrow.csv.read_csv (reference) {ref:7.3f} s")
        print(f"  mimicry read_frames              {ours:7.3f} s   ratio {ours / ref:.2f}")
        try:
            import pandas as pd
        except ImportError:
            pd = None
        if pd is not None:
            t = best(lambda: pd.read_csv(path), a.repeats)
            print(f"  pandas.read_csv                  {t:7.3f} s   ratio {t / ref:.2f}")
        if a.careful:
            t = best(lambda: read_frames_careful(path), 1)
            print(f"  careful csv-module reader        {t:7.3f} s   ratio {t / ref:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Does ``mimicry aggregate`` scale linearly? Its time against reading and analysing alone.

Writes ``--distinct`` signal-level sessions of the default protocol's length
(8 happy, 8 sad, 8 neutral faces; 30 fps) with different seeds and gains,
copies them into class folders of each size in ``--sizes``, and times, in the
same run:

- the reference: :func:`mimicry.report.session_report.analyse` on every
  session folder, one after another (reading its files and analysing it);
- the whole ``mimicry aggregate DIR --out OUT`` (analyses, group tests, the
  mixed model, the report and its pictures).

Prints, per size, both times, the time per session and the ratio; linear
scaling means a flat time per session and a ratio near 1 (the group
statistics and the report are a fixed cost, not a per-session one).

Usage::

    python benchmarks/aggregate_scaling.py --sizes 25,50,100
"""

from __future__ import annotations

import argparse
import contextlib
import io
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "core" / "report"))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="25,50,100")
    ap.add_argument("--distinct", type=int, default=10)
    a = ap.parse_args()
    sizes = [int(s) for s in a.sizes.split(",")]
    from report_helpers import session_meta, write_session

    from mimicry.commands.main import main as cli
    from mimicry.report.session_report import analyse

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        seeds = [write_session(tmp / "one" / f"s{k}", gain=(0.0, 0.5, 1.0)[k % 3], seed=k + 1,
                               n_per_condition=8, meta=session_meta(f"P{k}"))
                 for k in range(a.distinct)]
        print(f"{'sessions':>8} {'analyse each':>13} {'aggregate':>10} {'per session':>12} "
              f"{'ratio':>6}")
        for n in sizes:
            root = tmp / f"class{n}"
            for k in range(n):
                shutil.copytree(seeds[k % len(seeds)], root / f"2026-12-03_{k:04d}_p{k}")
            folders = sorted(root.iterdir())
            t0 = time.perf_counter()
            for f in folders:
                analyse(f)
            ref = time.perf_counter() - t0
            t0 = time.perf_counter()
            with contextlib.redirect_stdout(io.StringIO()), \
                    contextlib.redirect_stderr(io.StringIO()):
                rc = cli(["aggregate", str(root), "--out", str(tmp / f"out{n}")])
            agg = time.perf_counter() - t0
            assert rc == 0
            print(f"{n:>8} {ref:>12.2f}s {agg:>9.2f}s {1000 * agg / n:>10.0f}ms {agg / ref:>6.2f}")
            shutil.rmtree(root)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Calibration of the mimicry statistics against simulated ground truth.

Runs many virtual-participant sessions (:mod:`mimicry.simulate.signal`) and
prints:

* the false-positive rate under no mimicry (gain 0) of the trial-level
  permutation test and of the cross-correlation surrogate test (should be 5%);
* the power (share of sessions with p < 0.05) against mimicry gain, for a
  clearly visible mimic and a subtle one;
* how well the mimicry delay is recovered (errors in frames);
* the streaming analysis's cost per frame.

Usage::

    python benchmarks/analysis_calibration.py            # about 2-4 minutes on 2 cores
    python benchmarks/analysis_calibration.py --runs 300 # quicker, coarser

The figures quoted in docs/analysis.md come from the default run.
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np

from mimicry.analysis.config import AnalysisConfig
from mimicry.analysis.offline import analyze_session, analyze_trials
from mimicry.analysis.replay import replay
from mimicry.simulate.signal import VirtualParticipant, make_schedule, simulate_frames
from mimicry.analysis.xcorr import lagged_xcorr

#: A subtle mimic: small movements, a noisier face (closer to what a webcam sees).
SUBTLE = dict(smile_amplitude=0.08, brow_amplitude=0.03, noise_sd=0.04, drift_sd=0.04)


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """95% Wilson interval of a proportion."""
    p = k / n
    den = 1 + z * z / n
    mid = (p + z * z / (2 * n)) / den
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    return max(0.0, mid - half), min(1.0, mid + half)


def rate(hits: np.ndarray) -> str:
    k, n = int(hits.sum()), hits.size
    lo, hi = wilson(k, n)
    return f"{100 * k / n:5.1f}%  (95% CI {100 * lo:.1f}-{100 * hi:.1f}%, n={n})"


def trial_level(n_runs: int, n_per_condition: int, seed0: int, **participant):
    """p-values and estimates of the primary test over simulated sessions (shuffled orders)."""
    cfg = AnalysisConfig()
    p = np.empty(n_runs)
    p2 = np.empty(n_runs)
    idx = np.empty(n_runs)
    for i in range(n_runs):
        sch = make_schedule(n_per_condition, seed=seed0 + i)
        fr = simulate_frames(sch.trials, VirtualParticipant(**participant), seed=seed0 + 50_000 + i)
        *_, prim = analyze_trials(fr.t, fr.face_detected, fr.channels, sch.trials,
                                  sch.calibration, cfg)
        c = prim.primary
        p[i], p2[i], idx[i] = c.p_value, min(1.0, 2 * min(c.p_value, c.p_value_opposite)), c.estimate
    return p, p2, idx


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=2000, help="null simulations (default 2000)")
    ap.add_argument("--power-runs", type=int, default=200, help="simulations per power cell")
    args = ap.parse_args()
    n = args.runs

    print("== No mimicry (gain 0), 8 happy + 8 sad + 8 neutral trials, 30 fps ==")
    t0 = time.perf_counter()
    p, p2, idx = trial_level(n, 8, seed0=0, gain=0.0)
    print(f"primary test (smile, happy - sad), one-sided p < 0.05: {rate(p < 0.05)}")
    print(f"                                   two-sided p < 0.05: {rate(p2 < 0.05)}")
    print(f"  mean estimate {idx.mean():+.4f} (SD {idx.std():.4f});  "
          f"{(time.perf_counter() - t0) / n * 1000:.1f} ms per simulated session")

    fast = AnalysisConfig(max_exact_permutations=1, n_permutations=1000)
    n_x = max(200, n // 2)
    px = np.empty(n_x)
    px2 = np.empty(n_x)
    for i in range(n_x):
        sch = make_schedule(8, seed=i)
        fr = simulate_frames(sch.trials, VirtualParticipant(gain=0.0), seed=90_000 + i)
        xc = lagged_xcorr(fr.t, fr.channels["valence"], sch.trials, fast)
        px[i], px2[i] = xc.p_value, xc.p_value_two_sided
    print(f"cross-correlation (max over lags 0-3 s), one-sided p < 0.05: {rate(px < 0.05)}")
    print(f"                                         two-sided p < 0.05: {rate(px2 < 0.05)}")

    print("\n== Power: share of sessions with one-sided p < 0.05 (8 per condition) ==")
    print("gain    visible mimic (default)        subtle mimic " + str(SUBTLE))
    for gain in (0.1, 0.25, 0.5, 1.0):
        pa, _, _ = trial_level(args.power_runs, 8, seed0=1_000_000, gain=gain)
        pb, _, _ = trial_level(args.power_runs, 8, seed0=2_000_000, gain=gain, **SUBTLE)
        print(f"{gain:4.2f}    {rate(pa < 0.05)}    {rate(pb < 0.05)}")
    pn, pn2, idxn = trial_level(args.power_runs, 8, seed0=3_000_000, gain=-1.0, **SUBTLE)
    print(f"gain -1, subtle: index < 0 with two-sided p < 0.05: {rate((idxn < 0) & (pn2 < 0.05))}")
    pq, _, _ = trial_level(args.power_runs, 3, seed0=4_000_000, gain=1.0)
    print(f"quick protocol (3+3+3), gain 1: p < 0.05 in {rate(pq < 0.05)}; smallest p "
          f"{pq.min():.3f} (the floor is 1/20)")

    print("\n== Delay recovery (gain 1, default noise), errors in frames ==")
    for fps in (25.0, 30.0):
        for delay in (0.2, 0.5, 1.0, 1.5):
            err = []
            for i in range(50):
                sch = make_schedule(8, seed=i)
                fr = simulate_frames(sch.trials, VirtualParticipant(delay_s=delay), fps=fps,
                                     seed=70_000 + i)
                err.append(analyze_session(fr, sch.events, fast).xcorr.peak_lag_s - delay)
            e = np.array(err) * fps
            print(f"{fps:.0f} fps, delay {delay:.1f} s: mean {e.mean():+.2f}, SD {e.std():.2f}, "
                  f"max |error| {np.abs(e).max():.2f} frames")
    err = []
    for i in range(50):
        sch = make_schedule(8, seed=i)
        fr = simulate_frames(sch.trials, VirtualParticipant(delay_s=0.6, **SUBTLE), seed=80_000 + i)
        err.append(analyze_session(fr, sch.events, fast).xcorr.peak_lag_s - 0.6)
    e = np.abs(np.array(err)) * 30
    print(f"subtle mimic, delay 0.6 s, 30 fps: median |error| {np.median(e):.2f}, "
          f"90th percentile {np.percentile(e, 90):.2f} frames")

    print("\n== Streaming cost ==")
    sch = make_schedule(20, seed=1)
    fr = simulate_frames(sch.trials, VirtualParticipant(), seed=2)
    t0 = time.perf_counter()
    sa, _ = replay(fr.t, fr.face_detected, fr.channels, sch.events)
    dt = time.perf_counter() - t0
    print(f"{len(fr)} frames, {len(sch.trials)} trials: {dt / len(fr) * 1e6:.0f} us per frame "
          f"including one permutation test per trial; {sa.memory_items()} rows buffered at the end")


if __name__ == "__main__":
    main()

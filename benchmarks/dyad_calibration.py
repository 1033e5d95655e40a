"""False-positive rates of the two-person synchrony analysis (docs/analysis.md, section 10).

Usage: python benchmarks/dyad_calibration.py [--duration-s 60] [--fps 15] [--n 300]

Simulates pairs at signal level: each person's valence is a sequence of happy
and sad episodes (as ``mimicry simulate --dyad``'s leader) plus white and
smooth noise. Two null cases:

* unrelated pairs (independent episodes): how often ``dyad_p_value`` < 0.05
  and how often a ``leader`` is reported;
* pairs moving together with no lead (the same episodes at lag 0): how often a
  ``leader`` is reported.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from mimicry.activities.dyad.analysis import DyadConfig, analyze_dyad_arrays
from mimicry.simulate.expression import leader_episodes, smooth_noise
from mimicry.protocol.timeline import signed_stimulus_signal


def person(t, seed, episodes_seed=None, delay_s=0.0):
    dur = float(t[-1])
    eps = leader_episodes(dur + 40.0, seed if episodes_seed is None else episodes_seed)
    x = signed_stimulus_signal(eps, t + 20.0 - delay_s)  # from mid-way: stationary
    rng = np.random.default_rng(seed + 1_000_000)
    return x + 0.05 * rng.standard_normal(t.size) + 0.1 * smooth_noise(t, seed, 3)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--duration-s", type=float, default=60.0)
    ap.add_argument("--fps", type=float, default=15.0)
    ap.add_argument("--n", type=int, default=300)
    args = ap.parse_args()
    t = np.arange(0, args.duration_s, 1 / args.fps)
    cfg = DyadConfig()
    p_unrel, lead_unrel, lead_sync = [], [], []
    t0 = time.monotonic()
    for i in range(args.n):
        r = analyze_dyad_arrays(t, person(t, 2 * i + 7), t, person(t, 2 * i + 8), cfg)
        p_unrel.append(r.p_value)
        lead_unrel.append(r.leader is not None)
        r = analyze_dyad_arrays(t, person(t, 2 * i + 7, 9000 + i), t,
                                person(t, 2 * i + 8, 9000 + i), cfg)
        lead_sync.append(r.leader is not None)
    p = np.asarray(p_unrel)
    print(f"{args.duration_s:g} s at {args.fps:g} fps, {args.n} pairs each "
          f"({(time.monotonic() - t0) / (2 * args.n) * 1000:.0f} ms per analysis):")
    print(f"  unrelated: dyad_p_value < 0.05 in {np.mean(p < 0.05):.1%}, "
          f"leader reported in {np.mean(lead_unrel):.1%}")
    print(f"  together, no lead: leader reported in {np.mean(lead_sync):.1%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

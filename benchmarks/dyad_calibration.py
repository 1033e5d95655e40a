"""False-positive rates of the two-person synchrony analysis (docs/analysis.md, section 10).

Usage: python benchmarks/dyad_calibration.py [--duration-s 60] [--fps 15] [--n 300] [--live]

Simulates pairs at signal level: each person's valence is a sequence of happy
and sad episodes (as ``mimicry simulate --dyad``'s leader) plus white and
smooth noise. Two null cases:

* unrelated pairs (independent episodes): how often ``dyad_p_value`` < 0.05
  and how often a ``leader`` is reported;
* pairs moving together with no lead (the same episodes at lag 0): how often a
  ``leader`` is reported.

``--realistic`` adds the noise of :mod:`live_calibration` (AR(1) phi 0.95-0.99,
drift, talking, spontaneous smiles, stretches without a face) to the offline
check. ``--live`` measures the gated live reading instead
(:class:`mimicry.activities.dyad.gate.LiveLeadGate`, :func:`run_live`): the
session-level rate of "X leads" at any update for independent people, and the
show rate for a follower 0.6 s behind.
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


def realistic_person(t, seed, episodes_seed=None, delay_s=0.0, amplitude=0.3):
    """Valence of a person: episodes (shared with a partner via ``episodes_seed``) plus realistic noise."""
    from live_calibration import face_lost, realistic_noise  # noqa: PLC0415

    rng = np.random.default_rng([seed, 0x7265616C])
    eps = leader_episodes(float(t[-1]) + 40.0, seed if episodes_seed is None else episodes_seed)
    x = amplitude * signed_stimulus_signal(eps, t + 20.0 - delay_s) + realistic_noise(t, rng)
    x[face_lost(t, rng)] = np.nan
    return x


def live_session(seed: int, duration_s: float = 120.0, lead_s: float | None = None,
                 fps: float = 30.0, timings: list | None = None) -> tuple[bool, list]:
    """One live session through the gate; ("X leads" at any update, leaders shown)."""
    from mimicry.activities.dyad.live import LiveDyad  # noqa: PLC0415

    t = np.arange(0, duration_s, 1 / fps)
    if lead_s is None:      # independent people
        a, b = realistic_person(t, 2 * seed + 1), realistic_person(t, 2 * seed + 2)
    else:                   # the right person follows the left one
        a = realistic_person(t, 2 * seed + 1, episodes_seed=seed + 50_000)
        b = realistic_person(t, 2 * seed + 2, episodes_seed=seed + 50_000, delay_s=lead_s)
    live = LiveDyad(planned_s=duration_s)
    shown = []
    # Frames as the live observer feeds them, a reading once a second.
    cuts = np.searchsorted(t, np.arange(1.0, duration_s + 1.0), side="right")
    lo = 0
    for hi in cuts:
        for k in range(lo, hi):
            live.add_sample(t[k], a[k], b[k])
        lo = hi
        if hi:
            t0 = time.perf_counter()
            rd = live.reading()
            if timings is not None and live.gate.ready:
                timings.append(time.perf_counter() - t0)
            if rd is not None and rd.leader is not None:
                shown.append(rd.leader)
    return bool(shown), shown


def run_live(n: int, seed: int = 0, duration_s: float = 120.0) -> None:
    """Print the session-level rates of the gated live leader (see the module docstring)."""
    from live_calibration import wilson  # noqa: PLC0415

    timings: list = []
    t0 = time.monotonic()
    hits = sum(live_session(seed + i, duration_s, timings=timings)[0] for i in range(n))
    p, lo, hi = wilson(hits, n)
    print(f"dyad null  ({duration_s:g} s, independent): 'X leads' at any update in "
          f"{hits}/{n} = {p:.1%} [{lo:.1%}, {hi:.1%}]  ({time.monotonic() - t0:.0f} s)", flush=True)
    n_pow = max(n // 2, 50)
    res = [live_session(seed + 20_000 + i, duration_s, lead_s=0.6) for i in range(n_pow)]
    k = sum(r[0] for r in res)
    right = sum(r[0] and all(x == "left" for x in r[1]) for r in res)
    p, lo, hi = wilson(k, n_pow)
    print(f"dyad power ({duration_s:g} s, right follows 0.6 s): leader shown in {p:.1%} "
          f"[{lo:.1%}, {hi:.1%}]; only the true leader ever shown in {right}/{k}", flush=True)
    tm = np.asarray(timings) * 1000
    print(f"dyad gate cost per look: median {np.median(tm):.2f} ms, 99th pct "
          f"{np.percentile(tm, 99):.2f} ms")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--duration-s", type=float, default=60.0)
    ap.add_argument("--fps", type=float, default=15.0)
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--live", action="store_true")
    ap.add_argument("--realistic", action="store_true")
    args = ap.parse_args()
    if args.live:
        run_live(args.n, duration_s=args.duration_s)
        return 0
    make = realistic_person if args.realistic else person
    t = np.arange(0, args.duration_s, 1 / args.fps)
    cfg = DyadConfig()
    p_unrel, lead_unrel, lead_sync = [], [], []
    t0 = time.monotonic()
    for i in range(args.n):
        r = analyze_dyad_arrays(t, make(t, 2 * i + 7), t, make(t, 2 * i + 8), cfg)
        p_unrel.append(r.p_value)
        lead_unrel.append(r.leader is not None)
        r = analyze_dyad_arrays(t, make(t, 2 * i + 7, 9000 + i), t,
                                make(t, 2 * i + 8, 9000 + i), cfg)
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

"""Calibration of the group statistics of ``mimicry aggregate`` against simulated groups.

Simulates whole groups of virtual participants at signal level
(:mod:`mimicry.simulate.signal`, a fresh schedule and fresh noise per person),
analyses every session as ``mimicry analyze`` does
(:func:`mimicry.analysis.offline.analyze_session`) and pools them as the
aggregate does. Prints, with 95% Wilson intervals:

* under no mimicry (gain 0): the false-positive rate of the group lag test
  (mean correlogram against its surrogate), of the trial-level mixed model
  (one-sided, more smile at happy faces) and of the sign-flip test of the
  per-person index; the share of sessions called "followed" by their own lag
  test and by the old rule (any positive peak not at the lag edge);
* with mimicry (gain 1, delay 0.6 s; a clear and a subtle mimic): the power
  of both group tests and how close the group lag comes to 0.6 s.

Usage::

    python benchmarks/group_calibration.py                 # 300 null groups of 10
    python benchmarks/group_calibration.py --groups 100 --jobs 2
    python benchmarks/group_calibration.py --full   # every session through analyze_session

By default each session goes through the parts of ``analyze_session`` that
these statistics read (baseline, trial responses, index, cross-correlation
with its null, in the same order and with the same arguments) and skips the
per-session primary test, the slowest part, which no group statistic here
uses. The script checks first that this gives exactly what
``analyze_session`` gives and falls back to it otherwise.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from multiprocessing import Pool
from types import SimpleNamespace

import numpy as np

from mimicry.analysis.group import group_lag_test, one_sample_test
from mimicry.analysis.mixed import mixed_model
from mimicry.analysis.offline import analyze_session
from mimicry.analysis.trials import ANALYSIS_CHANNELS
from mimicry.simulate.signal import VirtualParticipant, make_schedule, simulate_frames

#: A subtle mimic: small movements, a noisier face (as in analysis_calibration.py).
SUBTLE = dict(smile_amplitude=0.08, brow_amplitude=0.03, noise_sd=0.04, drift_sd=0.04)
ALPHA = 0.05
TRUE_DELAY_S = 0.6


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """95% Wilson interval of a proportion."""
    if n == 0:
        return float("nan"), float("nan")
    p = k / n
    den = 1 + z * z / n
    mid = (p + z * z / (2 * n)) / den
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    return max(0.0, mid - half), min(1.0, mid + half)


def rate(hits) -> str:
    hits = np.asarray(hits, bool)
    k, n = int(hits.sum()), hits.size
    lo, hi = wilson(k, n)
    return f"{100 * k / max(n, 1):5.1f}%  (95% CI {100 * lo:.1f}-{100 * hi:.1f}%, n={n})"


def _lean_analysis(frames, events):
    """What the group statistics read of ``analyze_session``, without the primary test."""
    from mimicry.analysis import offline as off  # noqa: PLC0415
    from mimicry.analysis.baseline import calibration_period  # noqa: PLC0415
    from mimicry.analysis.config import AnalysisConfig  # noqa: PLC0415
    from mimicry.analysis.reference import design_from_events, reference_orders  # noqa: PLC0415
    from mimicry.analysis.stats import congruence_test  # noqa: PLC0415
    from mimicry.analysis.trials import trial_responses  # noqa: PLC0415
    from mimicry.analysis.xcorr import lagged_xcorr  # noqa: PLC0415
    from mimicry.protocol.timeline import trials_from_events  # noqa: PLC0415

    config = AnalysisConfig()
    one = frames.face(config.face_id)
    trials = trials_from_events(events)
    design = design_from_events(events, trials)
    t, face, values = off.prepare_frames(one.t, one.face_detected, one.channels)
    trials = sorted(trials, key=lambda tr: tr.onset_s)
    baseline = off.session_baseline(t, face, values, trials, calibration_period(events), config)
    results = trial_responses(t, face, values, trials, baseline, config,
                              off.unfinished_trials(events))
    orders = reference_orders(trials, design, config.n_permutations, config.seed)
    k = ANALYSIS_CHANNELS.index("valence")
    med = baseline.median[k]
    response = np.where(face, values[:, k] - (med if np.isfinite(med) else 0.0), np.nan)
    return SimpleNamespace(trials=results, congruence=congruence_test(results, config),
                           xcorr=lagged_xcorr(t, response, trials, config, orders))


def lean_matches_full(seed: int = 123) -> bool:
    """True when :func:`_lean_analysis` gives what ``analyze_session`` gives."""
    sch = make_schedule(8, seed=seed)
    frames = simulate_frames(sch.trials, VirtualParticipant(gain=0.5), seed=seed)
    try:
        lean = _lean_analysis(frames, sch.events)
    except Exception as exc:  # noqa: BLE001  (the analysis is being changed)
        print(f"lean analysis failed ({exc.__class__.__name__}: {exc}); using analyze_session")
        return False
    full = analyze_session(frames, sch.events)
    same = (np.array_equal(lean.xcorr.null_r, full.xcorr.null_r)
            and lean.xcorr.p_value == full.xcorr.p_value
            and lean.congruence.index == full.congruence.index
            and all(np.array_equal(a.mean, b.mean, equal_nan=True)
                    and np.array_equal(a.pre_baseline, b.pre_baseline, equal_nan=True)
                    for a, b in zip(lean.trials, full.trials)))
    if not same:
        print("lean analysis differs from analyze_session; using analyze_session")
    return same


def simulate_group(job: tuple) -> dict:
    """One group: ``(group, people, seed0, participant kwargs, lean)`` -> its group statistics."""
    g, people, seed0, kw, lean = job
    k = ANALYSIS_CHANNELS.index("smile")
    lags, nulls, table, index, own, old = [], [], [], [], [], []
    for i in range(people):
        s = seed0 + g * people + i
        sch = make_schedule(8, seed=s)
        frames = simulate_frames(sch.trials, VirtualParticipant(**kw), seed=s + 10_000_000)
        res = (_lean_analysis if lean else analyze_session)(frames, sch.events)
        xc = res.xcorr
        lags.append(xc.lags_s)
        nulls.append(xc.null_r)
        index.append(res.congruence.index)
        own.append(bool(np.isfinite(xc.p_value) and xc.p_value < ALPHA))
        old.append(bool(xc.peak_r > 0 and not xc.peak_at_edge))
        for tr in res.trials:
            if tr.valid and tr.condition in ("happy", "sad"):
                table.append(dict(participant=f"p{i}", stimulus_id=tr.stimulus_id,
                                  condition=tr.condition, response=tr.get("mean", "smile"),
                                  pre=float(tr.pre_baseline[k])))
    lag = group_lag_test(lags, nulls, alpha=ALPHA, seed=seed0 + g)
    mm = mixed_model(table)
    idx = one_sample_test(index, seed=g)
    return dict(lag_p=lag.p_value, lag_s=lag.lag_s, lag_lo=lag.ci_low, lag_hi=lag.ci_high,
                mm_p=mm.p_greater, mm_est=mm.estimate, mm_lo=mm.ci_low, mm_hi=mm.ci_high,
                mm_ok=mm.ok, mm_warned=bool(mm.warnings), sf_p=idx.p_sign_flip_greater,
                own=own, old=old)


def run(n_groups: int, people: int, seed0: int, jobs: int, lean: bool, **kw) -> list[dict]:
    todo = [(g, people, seed0, kw, lean) for g in range(n_groups)]
    out: list[dict] = []
    pool = Pool(jobs) if jobs > 1 else None
    try:
        it = pool.imap(simulate_group, todo) if pool else map(simulate_group, todo)
        for o in it:
            out.append(o)
            if len(out) % 25 == 0 and len(out) < n_groups:
                lag = np.mean([x["lag_p"] < ALPHA for x in out])
                mm = np.mean([x["mm_p"] < ALPHA for x in out])
                print(f"  ... {len(out)} groups: group lag {lag:.3f}, mixed model {mm:.3f}",
                      flush=True)
    finally:
        if pool:
            pool.terminate()
    return out


def report_null(out: list[dict], people: int) -> None:
    lag_p = np.array([o["lag_p"] for o in out])
    mm_p = np.array([o["mm_p"] for o in out])
    sf_p = np.array([o["sf_p"] for o in out])
    own = np.concatenate([o["own"] for o in out])
    old = np.concatenate([o["old"] for o in out])
    print(f"group lag test, p < {ALPHA}:                      {rate(lag_p < ALPHA)}")
    print(f"  mean p (uniform: 0.5): {np.mean(lag_p):.3f}; groups given a lag: "
          f"{int(np.sum(np.isfinite([o['lag_s'] for o in out])))}")
    print(f"mixed model, one-sided p < {ALPHA}:               {rate(mm_p < ALPHA)}")
    print(f"  no estimate: {sum(not o['mm_ok'] for o in out)} groups; a warning line: "
          f"{sum(o['mm_warned'] for o in out)} groups")
    print(f"sign-flip test of the index, one-sided p < {ALPHA}: {rate(sf_p < ALPHA)}")
    print(f"sessions 'followed' by their own lag test:       {rate(own)}")
    print(f"sessions 'followed' by the old rule (any peak):  {rate(old)}")


def report_power(out: list[dict]) -> None:
    lag_p = np.array([o["lag_p"] for o in out])
    lag = np.array([o["lag_s"] for o in out])
    found = np.isfinite(lag)
    print(f"group lag test, p < {ALPHA}:  {rate(lag_p < ALPHA)}")
    if found.any():
        err = np.abs(lag[found] - TRUE_DELAY_S)
        cover = [o["lag_lo"] <= TRUE_DELAY_S <= o["lag_hi"] for o, f in zip(out, found) if f]
        print(f"  group lag {np.mean(lag[found]):.3f} s on average (true {TRUE_DELAY_S}); "
              f"|error| median {np.median(err):.3f} s, max {np.max(err):.3f} s")
        print(f"  within 0.1 s of {TRUE_DELAY_S}:  {rate(err < 0.1)}")
        print(f"  bootstrap 95% CI covers {TRUE_DELAY_S}: {rate(cover)}")
    mm_p = np.array([o["mm_p"] for o in out])
    est = np.array([o["mm_est"] for o in out])
    print(f"mixed model, one-sided p < {ALPHA}: {rate(mm_p < ALPHA)}; "
          f"estimate {np.nanmean(est):+.4f} smile units on average")
    own = np.concatenate([o["own"] for o in out])
    print(f"sessions significant on their own lag test: {rate(own)}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--groups", type=int, default=300, help="null groups (default 300)")
    ap.add_argument("--people", type=int, default=10, help="people per group (default 10)")
    ap.add_argument("--power-groups", type=int, default=30, help="groups per mimicry cell")
    ap.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--full", action="store_true",
                    help="analyse every session with analyze_session (slower)")
    args = ap.parse_args()
    lean = not args.full and lean_matches_full()
    print(f"analysis: {'lean (checked equal to analyze_session)' if lean else 'analyze_session'}",
          flush=True)

    t0 = time.perf_counter()
    print(f"== No mimicry (gain 0): {args.groups} groups of {args.people}, 8 happy + 8 sad "
          f"+ 8 neutral trials each, 30 fps ==")
    null = run(args.groups, args.people, args.seed, args.jobs, lean, gain=0.0)
    report_null(null, args.people)
    print(f"({time.perf_counter() - t0:.0f} s)", flush=True)
    for label, kw in (("clear", {}), ("subtle", SUBTLE)):
        t1 = time.perf_counter()
        print(f"\n== Mimicry, {label} (gain 1, delay {TRUE_DELAY_S} s): {args.power_groups} "
              f"groups of {args.people} ==")
        out = run(args.power_groups, args.people, args.seed + 50_000_000, args.jobs, lean,
                  gain=1.0, delay_s=TRUE_DELAY_S, **kw)
        report_power(out)
        print(f"({time.perf_counter() - t1:.0f} s)", flush=True)
    sys.stdout.flush()


if __name__ == "__main__":
    main()

"""False-positive rates (and power) of every verdict the app shows, on realistic null faces.

For each protocol and each null family of :mod:`mimicry.simulate.noise`, simulates
``--sessions`` sessions (a fresh schedule seed and noise seed per session),
analyses each as the app does (offline analysis and summary; optionally the
live meter through the streaming replay) and prints, per protocol x family,
the share of sessions in which each verdict fired, with a 95% Wilson interval.
Under the null every "finding" verdict should fire in about 5% of sessions
(one-sided tests at alpha 0.05) or less.

With ``--power`` it also injects a known smile response of growing amplitude
(default protocol, families ``real`` and ``ar1``) and prints the share of
sessions concluding "mimicry" and the amplitude with 80% power.

Usage::

    python benchmarks/validity.py --quick                      # a few minutes on 2 cores
    python benchmarks/validity.py --sessions 500 --power --json validity.json
    python benchmarks/validity.py --families ar1,real --protocols default --no-live

Verdicts are extracted in :func:`verdicts` (offline) and :func:`live_verdicts`
(live meter) so they can follow the analysis as it changes.
"""

from __future__ import annotations

import argparse
import functools
import json
import math
import multiprocessing as mp
import time
import zlib
from pathlib import Path

import numpy as np

from mimicry.analysis.config import AnalysisConfig
from mimicry.analysis.baseline import expression_periods
from mimicry.analysis.offline import analyze_arrays, summary_dict
from mimicry.analysis.reference import design_from_events
from mimicry.core.errors import MimicryError

# --------------------------------------------------------------------------- verdicts
# Edit these as the analysis changes: one place decides what "the app said yes" means.


def verdicts(result, summary: dict) -> dict[str, bool]:
    """What the offline analysis of one session concluded, as yes/no verdicts.

    Parameters
    ----------
    result : mimicry.analysis.offline.SessionResult
    summary : dict
        ``summary_dict(result)`` (the content of ``summary.json``).
    """
    from mimicry.report.pool import _own_lag_significant

    concl = summary["conclusion"]
    return {
        "mimicry": concl == "mimicry",
        "opposite": concl == "opposite",
        "any_finding": concl in ("mimicry", "opposite"),
        # The summary's and the report's delay (and the per-session "followed" of aggregate).
        "lag_shown": summary.get("lag_s") is not None,
        "aggregate_followed": bool(_own_lag_significant(result.xcorr, summary["alpha"])),
    }


def live_verdicts(frames, events, config, offline: dict) -> dict[str, bool | None]:
    """What the live meter showed during one session, read after every face.

    The session is fed frame by frame through the streaming analysis, as the
    app does, and after every completed trial the meter's reading and the
    live lag are taken. ``live_meter_any``: some reading gave the verdict
    "mimicry" (someone who stops at the first one). ``live_early_verdict``: a
    verdict before the planned end. ``live_final_matches``: the last reading's
    verdict equals the offline conclusion. ``live_lag_shown``: a lag was shown
    at some update.
    """
    from mimicry.analysis.replay import replay
    from mimicry.runtime.readings import reading_from_update

    readings, lag_shown = [], False

    def take(sa, updates):
        nonlocal lag_shown
        lag = sa.lag_reading()
        lag_shown = lag_shown or lag is not None
        readings.extend(reading_from_update(u, lag, config) for u in updates)

    replay(frames.t, frames.face_detected, frames.channels, events, config, on_updates=take)
    return {
        "live_meter_any": any(r.conclusion == "mimicry" for r in readings),
        "live_early_verdict": any(r.conclusion != "pending" for r in readings[:-1]),
        "live_final_matches": bool(readings) and (
            (readings[-1].conclusion == "mimicry") == offline["mimicry"]),
        "live_lag_shown": lag_shown,
    }


def dyad_leader_verdict(frames, schedule) -> bool | None:
    """PLACEHOLDER (being built elsewhere): a dyad analysis named a leader. None = n/a."""
    return None


OFFLINE_KEYS = ("mimicry", "opposite", "any_finding", "lag_shown", "aggregate_followed")
LIVE_KEYS = ("live_meter_any", "live_early_verdict", "live_final_matches", "live_lag_shown")
ALL_KEYS = OFFLINE_KEYS + LIVE_KEYS + ("dyad_leader",)

POWER_AMPLITUDES = (0.02, 0.04, 0.06, 0.08, 0.10, 0.13, 0.16, 0.2, 0.25, 0.3)
POWER_FAMILIES = ("real", "ar1")

# --------------------------------------------------------------------------- one session


@functools.lru_cache(maxsize=None)
def _protocol(name: str):
    from mimicry.protocol.load import load_protocol

    return load_protocol(name)


def _seeds(base: int, protocol: str, family: str, i: int, amplitude: float) -> tuple[int, int]:
    """A fresh (schedule seed, noise seed) per session, stable across runs."""
    key = [base, zlib.crc32(protocol.encode()), zlib.crc32(family.encode()),
           int(round(amplitude * 1e4)), i]
    a, b = np.random.SeedSequence(key).generate_state(2)
    return int(a) % 2**31, int(b) % 2**31


def run_session(task: tuple) -> dict:
    """Simulate and analyse one session; returns its verdicts and timings."""
    from mimicry.protocol.schedule import build_schedule
    from mimicry.simulate.noise import noise_frames

    protocol, family, i, amplitude, live, base_seed, fps, traces = task
    s_seed, n_seed = _seeds(base_seed, protocol, family, i, amplitude)
    # 1 000 reference orders: p resolved to 0.001, ample for decisions at 0.05.
    config = AnalysisConfig(n_permutations=1000)
    t0 = time.perf_counter()
    schedule = build_schedule(_protocol(protocol), s_seed)
    frames = noise_frames(family, schedule.trials, duration_s=schedule.duration_s, fps=fps,
                          seed=n_seed, amplitude=amplitude, traces_dir=traces)
    t1 = time.perf_counter()
    out: dict = {"protocol": protocol, "family": family, "amplitude": amplitude, "error": None}
    try:
        events = schedule.events()
        trials = list(schedule.trials)
        result = analyze_arrays(frames.t, frames.face_detected, frames.channels, trials,
                                schedule.calibration, config,
                                design=design_from_events(events, trials),
                                expressions=expression_periods(events), secondary=False)
        v: dict = verdicts(result, summary_dict(result))
        t2 = time.perf_counter()
        if live:
            v.update(live_verdicts(frames, events, config, v))
        v["dyad_leader"] = dyad_leader_verdict(frames, schedule)
    except MimicryError as exc:  # counted, not fatal: a session the app would refuse
        out["error"] = str(exc)
        v, t2 = {}, time.perf_counter()
    t3 = time.perf_counter()
    out.update(verdicts=v, t_sim=t1 - t0, t_offline=t2 - t1, t_live=t3 - t2 if live else 0.0)
    return out


# --------------------------------------------------------------------------- statistics


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """95% Wilson interval of a proportion."""
    if n == 0:
        return math.nan, math.nan
    p = k / n
    den = 1 + z * z / n
    mid = (p + z * z / (2 * n)) / den
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    return max(0.0, mid - half), min(1.0, mid + half)


def tally(rows: list[dict], key: str) -> dict:
    """k, n, rate and Wilson CI of verdict ``key`` over ``rows`` (n/a when never measured)."""
    vals = [r["verdicts"].get(key) for r in rows if r["error"] is None]
    vals = [v for v in vals if v is not None]
    if not vals:
        return {"k": None, "n": 0, "rate": None, "ci": None}
    k, n = int(sum(vals)), len(vals)
    lo, hi = wilson(k, n)
    return {"k": k, "n": n, "rate": k / n, "ci": [lo, hi]}


def cell(t: dict) -> str:
    if t["rate"] is None:
        return "n/a"
    return f"{100 * t['rate']:4.1f} [{100 * t['ci'][0]:.1f},{100 * t['ci'][1]:.1f}]"


def power_80(amps: list[float], rates: list[float], target: float = 0.8) -> float | None:
    """The amplitude where the share first reaches ``target``, linearly interpolated."""
    if rates and rates[0] >= target:
        return amps[0]
    for (a0, r0), (a1, r1) in zip(zip(amps, rates), zip(amps[1:], rates[1:])):
        if r0 < target <= r1:
            return a0 + (target - r0) * (a1 - a0) / (r1 - r0)
    return None


# --------------------------------------------------------------------------- running


_POOL = None


def _run(tasks: list[tuple], jobs: int) -> list[dict]:
    """Run the sessions on ``jobs`` processes (one pool for the whole run)."""
    global _POOL
    if jobs <= 1:
        return [run_session(t) for t in tasks]
    if _POOL is None:
        _POOL = mp.get_context("spawn").Pool(jobs)
    return list(_POOL.imap_unordered(run_session, tasks, chunksize=4))


def _print_table(header: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    for r in [header, ["-" * w for w in widths]] + rows:
        print("  ".join(str(x).ljust(w) for x, w in zip(r, widths)).rstrip())


def _save(args, report: dict) -> None:
    """Write the figures so far (after every cell, so a cut-short run keeps them)."""
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(report, fh, indent=1, default=str)


def null_rates(args, families: list[str], report: dict) -> dict:
    """The false-positive table over protocols x families."""
    out: dict = report.setdefault("null", {})
    rows = []
    for protocol in args.protocols:
        for family in families:
            tasks = [(protocol, family, i, 0.0, args.live and i < args.live_sessions, args.seed,
                      args.fps, args.traces)
                     for i in range(args.sessions)]
            t0 = time.perf_counter()
            res = _run(tasks, args.jobs)
            wall = time.perf_counter() - t0
            ok = [r for r in res if r["error"] is None]
            per = {k: float(np.mean([r[k] for r in res])) for k in ("t_sim", "t_offline", "t_live")}
            entry = {k: tally(res, k) for k in ALL_KEYS}
            entry.update(n_sessions=len(res), n_errors=len(res) - len(ok), wall_s=wall,
                         sessions_per_s=len(res) / wall, mean_s_per_session=per)
            out[f"{protocol}/{family}"] = entry
            _save(args, report)
            rows.append([protocol, family, str(len(ok))] + [cell(entry[k]) for k in ALL_KEYS]
                        + [f"{len(res) / wall:.2f}", f"{per['t_sim']:.3f}",
                           f"{per['t_offline']:.3f}", f"{per['t_live']:.3f}"])
            errs = [r["error"] for r in res if r["error"] is not None]
            print(f"  {protocol}/{family}: {len(res)} sessions in {wall:.1f} s "
                  f"({len(errs)} errors{': ' + errs[0] if errs else ''})", flush=True)
    print("\nShare of null sessions where each verdict fired, % [95% Wilson CI]:")
    _print_table(["protocol", "family", "n"] + list(ALL_KEYS)
                 + ["sess/s", "sim_s", "offline_s", "live_s"], rows)
    return out


def power_curve(args, report: dict) -> dict:
    """Share of sessions concluding "mimicry" against injected smile amplitude."""
    out: dict = report.setdefault("power", {})
    rows = []
    for family in args.power_families:
        tasks = [("default", family, i, a, False, args.seed, args.fps, args.traces)
                 for a in args.amplitudes for i in range(args.power_sessions)]
        t0 = time.perf_counter()
        res = _run(tasks, args.jobs)
        wall = time.perf_counter() - t0
        curve = []
        for a in args.amplitudes:
            t = tally([r for r in res if r["amplitude"] == a], "mimicry")
            curve.append({"amplitude": a, **t})
            rows.append([family, f"{a:.2f}", str(t["n"]), cell(t)])
        a80 = power_80([c["amplitude"] for c in curve], [c["rate"] or 0.0 for c in curve])
        out[family] = {"curve": curve, "amplitude_80": a80, "wall_s": wall}
        _save(args, report)
        print(f"  power/{family}: {len(res)} sessions in {wall:.1f} s", flush=True)
    print("\nPower (default protocol): share of sessions concluding 'mimicry', % [95% CI]:")
    _print_table(["family", "amplitude", "n", "mimicry"], rows)
    for family, v in out.items():
        a80 = v["amplitude_80"]
        print(f"  80% power amplitude, {family}: "
              + (f"{a80:.3f}" if a80 is not None else f"> {args.amplitudes[-1]}"))
    return out


def main(argv=None) -> int:
    from mimicry.simulate.noise import NOISE_FAMILIES, default_traces_dir

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", type=int, default=500, help="sessions per protocol x family")
    ap.add_argument("--protocols", default="default,classroom")
    ap.add_argument("--families", default=",".join(NOISE_FAMILIES))
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--fps", type=float, default=30.0)
    ap.add_argument("--seed", type=int, default=0, help="base seed (sessions derive theirs)")
    ap.add_argument("--live-sessions", type=int, default=60,
                    help="sessions per cell also replayed through the live meter (default 60)")
    ap.add_argument("--no-live", dest="live", action="store_false",
                    help="skip the live meter (streaming replay)")
    ap.add_argument("--power", action="store_true", help="also run the power curve")
    ap.add_argument("--power-sessions", type=int, default=200)
    ap.add_argument("--power-families", default=",".join(POWER_FAMILIES))
    ap.add_argument("--quick", action="store_true",
                    help="at most 100 sessions per cell and 50 per power point")
    ap.add_argument("--json", metavar="OUT", help="write every figure to this JSON file")
    ap.add_argument("--traces", metavar="DIR", default=None,
                    help="folder of real *.perframe.csv traces (default: the shared testdata)")
    args = ap.parse_args(argv)
    args.protocols = [p for p in args.protocols.split(",") if p]
    families = [f for f in args.families.split(",") if f]
    args.power_families = [f for f in args.power_families.split(",") if f]
    args.amplitudes = list(POWER_AMPLITUDES)
    if args.quick:
        args.sessions = min(args.sessions, 100)
        args.power_sessions = min(args.power_sessions, 50)
    unknown = sorted(set(families + args.power_families) - set(NOISE_FAMILIES))
    if unknown:
        ap.error(f"unknown families {unknown}; known: {', '.join(NOISE_FAMILIES)}")
    traces = Path(args.traces) if args.traces else default_traces_dir()
    if not (traces.is_dir() and any(traces.glob("*.perframe.csv"))):
        skipped = [f for f in families if f in ("real", "mixed_real")]
        print(f"NOTE: real traces not found at {traces}; skipping {skipped}")
        families = [f for f in families if f not in skipped]
        args.power_families = [f for f in args.power_families if f not in skipped]

    t_start = time.perf_counter()
    print(f"validity: {time.strftime('%Y-%m-%d %H:%M:%S')}  sessions={args.sessions}  "
          f"protocols={','.join(args.protocols)}  families={','.join(families)}")
    print(f"  jobs={args.jobs}  fps={args.fps}  seed={args.seed}  live={args.live}  "
          f"power={args.power} (sessions/point={args.power_sessions}, "
          f"families={','.join(args.power_families)})  alpha={AnalysisConfig().alpha}")
    import mimicry
    from mimicry.protocol.schedule import build_schedule

    print(f"  mimicry {getattr(mimicry, '__version__', '?')} from {Path(mimicry.__file__).parent}"
          f"  traces={traces}")
    for p in args.protocols:
        sch = build_schedule(_protocol(p), 0)
        print(f"  protocol {p}: {len(sch.trials)} trials, {sch.duration_s:.0f} s")
    report = {"settings": {k: v for k, v in vars(args).items()}, "families": families}
    null_rates(args, families, report)
    if args.power:
        power_curve(args, report)
    report["elapsed_s"] = time.perf_counter() - t_start
    if _POOL is not None:
        _POOL.close()
        _POOL.join()
    print(f"\nelapsed {report['elapsed_s']:.1f} s")
    if args.json:
        _save(args, report)
        print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

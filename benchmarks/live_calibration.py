"""Session-level false-positive and show rates of the gated live lag and live leader (realistic noise).

Usage: python benchmarks/live_calibration.py [--n 500] [--part lag|dyad|both] [--seed 0] [--flip]
       [--protocols default,classroom]

A session counts as a false positive when the gated reading (the live lag of
:class:`mimicry.analysis.live_lag.LiveLagGate`, the "X leads" of
:class:`mimicry.activities.dyad.gate.LiveLeadGate`) is shown at *any* update
of the session. Rates are given with Wilson 95% intervals.

Single person: schedules from the shipped protocols (``default``, ``classroom``,
fresh seed per session), frames from :func:`mimicry.simulate.signal.simulate_frames`
(gain 0 for the null), plus noise generated here: AR(1) with phi 0.95-0.99
per frame at 30 fps, slow drift, talking bursts, stretches without a face and
spontaneous smiles. The gate is called once per completed trial, as the meter
is. Power: gain 1, delay 0.6 s, small amplitudes, the same noise.

Two people: independent people (null) and a follower 0.6 s behind the
leader, with the same kinds of noise; the gate is called once a second.
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np

FPS = 30.0


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float, float]:
    """Share ``k / n`` and its Wilson 95% interval."""
    if n == 0:
        return math.nan, math.nan, math.nan
    p = k / n
    den = 1 + z * z / n
    c = (p + z * z / (2 * n)) / den
    h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    return p, c - h, c + h


def realistic_noise(t: np.ndarray, rng: np.random.Generator, scale: float = 1.0) -> np.ndarray:
    """Valence noise of a real face: AR(1), drift, talking, spontaneous smiles (NaN not added)."""
    n = t.size
    phi = rng.uniform(0.95, 0.99)
    e = rng.normal(0.0, 0.04 * math.sqrt(1 - phi * phi), n)
    from scipy.signal import lfilter  # noqa: PLC0415

    x = lfilter([1.0], [1.0, -phi], e, zi=[phi * rng.normal(0, 0.04)])[0]
    # Slow drift: a random walk smoothed over ~30 s plus a linear trend.
    walk = np.cumsum(rng.normal(0, 0.002, n))
    x += walk - walk.mean() + rng.normal(0, 0.05) * (t - t.mean()) / max(t[-1], 1.0)
    # Talking bursts: mouth movement shakes the smile channel for 2-6 s.
    for t0 in t[0] + np.cumsum(rng.exponential(25.0, 40)):
        if t0 > t[-1]:
            break
        d = rng.uniform(2, 6)
        sel = (t >= t0) & (t < t0 + d)
        x[sel] += 0.08 * np.abs(np.sin(2 * np.pi * rng.uniform(3, 5) * (t[sel] - t0))) \
            * rng.uniform(0.5, 1.5)
    # Spontaneous smiles: 1-4 s bumps of 0.15-0.5.
    for t0 in t[0] + np.cumsum(rng.exponential(30.0, 40)):
        if t0 > t[-1]:
            break
        d = rng.uniform(1, 4)
        u = np.clip((t - t0) / d, 0, 1)
        x += rng.uniform(0.15, 0.5) * np.sin(np.pi * u) ** 2 * ((t >= t0) & (t < t0 + d))
    return scale * x


def face_lost(t: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """True where the face is lost: a few stretches of 1-8 s."""
    lost = np.zeros(t.size, dtype=bool)
    for t0 in t[0] + np.cumsum(rng.exponential(60.0, 20)):
        if t0 > t[-1]:
            break
        lost |= (t >= t0) & (t < t0 + rng.uniform(1, 8))
    return lost


# --------------------------------------------------------------------------- single person

_PROTOCOLS: dict = {}


def protocol_named(name: str):
    """The shipped protocol, loaded once (retried: the file may be mid-edit)."""
    from mimicry.protocol.load import load_protocol  # noqa: PLC0415

    for attempt in range(30):
        if name in _PROTOCOLS:
            break
        try:
            _PROTOCOLS[name] = load_protocol(name)
        except Exception:  # noqa: BLE001
            if attempt == 29:
                raise
            time.sleep(2.0)
    return _PROTOCOLS[name]


def lag_session(seed: int, protocol: str, gain: float, delay_s: float = 0.6,
                signs_kind: str = "relabel", timings: list | None = None) -> tuple[bool, list]:
    """One simulated session through the gate; (lag shown at any update, shown lags)."""
    from mimicry.analysis.config import AnalysisConfig  # noqa: PLC0415
    from mimicry.analysis.sequential import flip_signs, relabelling_signs  # noqa: PLC0415
    from mimicry.analysis.trials import trial_span  # noqa: PLC0415
    from mimicry.analysis.live_lag import LiveLagGate  # noqa: PLC0415
    from mimicry.protocol.schedule import build_schedule  # noqa: PLC0415
    from mimicry.protocol.timeline import Trial  # noqa: PLC0415
    from mimicry.simulate.signal import VirtualParticipant, simulate_frames  # noqa: PLC0415

    rng = np.random.default_rng([seed, 0x6C6167])
    sch = build_schedule(protocol_named(protocol), seed=seed)
    vp = VirtualParticipant(gain=gain, delay_s=delay_s, smile_amplitude=0.08,
                            brow_amplitude=0.03, noise_sd=0.03, drift_sd=0.05,
                            drift_tau_s=rng.uniform(5, 30), dropout_rate_hz=0.05)
    fr = simulate_frames(sch.trials, vp, fps=FPS, duration_s=sch.duration_s,
                         frame_jitter_s=0.002, seed=seed)
    val = fr.channels["valence"] + realistic_noise(fr.t, rng)
    val[face_lost(fr.t, rng) | ~fr.face_detected] = np.nan
    cfg = AnalysisConfig()
    conds = [tr.condition for tr in sch.trials]
    signs = (relabelling_signs(conds, cfg) if signs_kind == "relabel"
             else flip_signs(conds, 2000, cfg.seed))
    gate = LiveLagGate(len(sch.trials), cfg)
    shown, lags, prev = False, [], 0
    for k, tr in enumerate(sch.trials):
        t_up = trial_span(tr, cfg)[1]
        i = int(np.searchsorted(fr.t, t_up, side="right"))
        lo = max(0, np.searchsorted(fr.t, fr.t[prev] - 19.0) if prev else 0)
        known = [x for x in sch.trials[:k + 1]]
        nxt = sch.trials[k + 1] if k + 1 < len(sch.trials) else None
        if nxt is not None and nxt.onset_s <= t_up:  # next trial already on: still open
            known.append(Trial(nxt.trial, nxt.condition, nxt.stimulus_id, nxt.onset_s,
                               math.inf, nxt.intensity, nxt.morph_s, nxt.block))
        t0 = time.perf_counter()
        rd = gate.update(fr.t[lo:i], val[lo:i], known, signs)
        if timings is not None:
            timings.append(time.perf_counter() - t0)
        prev = i - 1
        if rd is not None:
            shown = True
            lags.append(rd.lag_s)
    return shown, lags


def run_lag(n: int, seed: int, kinds=("relabel",), protocols=("default", "classroom")) -> None:
    timings: list = []
    for protocol in protocols:
        for kind in kinds:
            t0 = time.monotonic()
            hits = sum(lag_session(seed + i, protocol, 0.0, signs_kind=kind, timings=timings)[0]
                       for i in range(n))
            p, lo, hi = wilson(hits, n)
            print(f"lag null  {protocol:9s} {kind:7s}: shown in {hits}/{n} sessions = {p:.1%} "
                  f"[{lo:.1%}, {hi:.1%}]  ({time.monotonic() - t0:.0f} s)", flush=True)
        res = [lag_session(seed + 10_000 + i, protocol, 1.0) for i in range(max(n // 5, 50))]
        p, lo, hi = wilson(sum(r[0] for r in res), len(res))
        lags = np.concatenate([r[1] for r in res if r[1]] or [np.zeros(0)])
        print(f"lag power {protocol:9s} gain 1, delay 0.6 s: shown in {p:.1%} [{lo:.1%}, {hi:.1%}]"
              f" of sessions; median shown lag {np.median(lags) if lags.size else math.nan:.2f} s",
              flush=True)
    tm = np.asarray(timings) * 1000
    print(f"lag gate cost per update: median {np.median(tm):.2f} ms, 99th pct "
          f"{np.percentile(tm, 99):.2f} ms, max {tm.max():.2f} ms")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=500)
    ap.add_argument("--part", choices=("lag", "dyad", "both"), default="both")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--protocols", default="default,classroom")
    ap.add_argument("--flip", action="store_true",
                    help="also the gate's default sign flips (no planned schedule)")
    args = ap.parse_args()
    if args.part in ("lag", "both"):
        run_lag(args.n, args.seed, ("relabel", "flip") if args.flip else ("relabel",),
                tuple(args.protocols.split(",")))
    if args.part in ("dyad", "both"):
        from dyad_calibration import run_live  # noqa: PLC0415

        run_live(args.n, args.seed)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Render a virtual participant with known mimicry (a video to test the pipeline on).

Writes DIR/participant.mp4, DIR/events.csv (the stimulus timeline; the video's
t = 0 is the events' t = 0) and DIR/simulation.json (the true parameters).

Examples:
  mimicry simulate --protocol quick --delay 0.6 --gain 1 --seed 1 --out sim/
  mimicry simulate --protocol default --delay 0.4 --gain 0.5 --noise 0.1 --out sim2/
  mimicry simulate --protocol quick --gain -1 --out contrarian/     (opposite expressions)
  mimicry simulate --dyad --leader right --delay 0.8 --duration-s 30 --out dyad/
"""

from __future__ import annotations

import argparse
import math

from mimicry.core.errors import InputError


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--protocol", metavar="P",
                   help="shipped protocol name (default, quick, classroom, yawn, no_smile) or "
                        "a .toml file (default: default)")
    p.add_argument("--delay", default="0.5", metavar="S",
                   help="mimicry latency in seconds, >= 0 (default 0.5)")
    p.add_argument("--gain", default="1", metavar="G",
                   help="1 full mimicry, 0 none, negative the opposite expression; the result "
                        "is clipped to intensity 1 (default 1)")
    p.add_argument("--noise", default="0", metavar="N",
                   help="0-1: standard deviation of smooth spontaneous expression "
                        "fluctuations (default 0)")
    p.add_argument("--seed", default=None, metavar="K",
                   help="seeds the trial order, fluctuations, blinks and head motion "
                        "(default: the protocol's seed; 0 for --dyad)")
    p.add_argument("--out", required=True, metavar="DIR", help="output folder (created)")
    p.add_argument("--fps", default="30", metavar="F", help="frames per second (default 30)")
    p.add_argument("--size", default="480", metavar="PX",
                   help="video height in pixels; the face is square (default 480)")
    p.add_argument("--identity", metavar="NAME",
                   help="the participant's built-in face (default: the participant identity; "
                        "with --dyad, the follower)")
    p.add_argument("--dyad", action="store_true",
                   help="two faces side by side: a leader with spontaneous expressions and a "
                        "follower mimicking it (no stimulus protocol)")
    p.add_argument("--leader", default="left", metavar="SIDE",
                   help="with --dyad: the leader's side, left or right (default left)")
    p.add_argument("--duration-s", default="60", metavar="S",
                   help="with --dyad: length in seconds (default 60)")
    p.add_argument("--jobs", default="1", metavar="N",
                   help="render frames in N parallel processes; the video is the same "
                        "(default 1)")
    p.add_argument("--quiet", action="store_true", help="no progress display")


def _number(value: str, option: str, expected: str) -> float:
    try:
        x = float(value)
    except (TypeError, ValueError):
        x = math.nan
    if not math.isfinite(x):
        raise InputError(f"Invalid value for the '{option}' parameter: expected {expected}, "
                         f"got {value!r} instead.")
    return x


def _integer(value: str, option: str, expected: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise InputError(f"Invalid value for the '{option}' parameter: expected {expected}, "
                         f"got {value!r} instead.") from None


def _check_range(x: float, option: str, expected: str, lo: float, hi: float = math.inf) -> None:
    if not lo <= x <= hi:
        raise InputError(f"Invalid value for the '{option}' parameter: expected {expected}, "
                         f"got {x:g} instead.")


def run(args: argparse.Namespace) -> int:
    import time

    delay = _number(args.delay, "--delay", "seconds >= 0")
    _check_range(delay, "--delay", "seconds >= 0", 0.0)
    gain = _number(args.gain, "--gain", "a number (1 full mimicry, 0 none, negative opposite)")
    noise = _number(args.noise, "--noise", "a number from 0 to 1")
    _check_range(noise, "--noise", "a number from 0 to 1", 0.0, 1.0)
    fps = _number(args.fps, "--fps", "frames per second from 1 to 240")
    _check_range(fps, "--fps", "frames per second from 1 to 240", 1.0, 240.0)
    size = _integer(args.size, "--size", "an integer number of pixels from 64 to 4096")
    _check_range(size, "--size", "an integer number of pixels from 64 to 4096", 64, 4096)
    seed = None
    if args.seed is not None:
        seed = _integer(args.seed, "--seed", "an integer >= 0")
        _check_range(seed, "--seed", "an integer >= 0", 0)
    jobs = _integer(args.jobs, "--jobs", "an integer from 1 to 64")
    _check_range(jobs, "--jobs", "an integer from 1 to 64", 1, 64)
    if args.leader not in ("left", "right"):
        raise InputError(f"Invalid value for the '--leader' parameter. Allowed values are "
                         f"'left', 'right', but got {args.leader!r} instead.")

    from mimicry.core.progress import Progress

    progress = Progress("mimicry simulate", None, enabled=False if args.quiet else None)
    t0 = time.monotonic()
    if args.dyad:
        if args.protocol is not None:
            raise InputError("--protocol does not apply to --dyad (the leader's expressions "
                             "replace the stimulus); drop one of them")
        duration = _number(args.duration_s, "--duration-s", "seconds from 5 to 3600")
        _check_range(duration, "--duration-s", "seconds from 5 to 3600", 5.0, 3600.0)
        from mimicry.simulate.rendered import simulate_dyad

        r = simulate_dyad(args.out, leader=args.leader, delay_s=delay, gain=gain, noise=noise,
                          seed=seed or 0, duration_s=duration, fps=fps, size_px=size,
                          identity=args.identity, progress=progress, jobs=jobs)
    else:
        from mimicry.protocol.model import load_protocol
        from mimicry.simulate.rendered import simulate_participant

        protocol = load_protocol(args.protocol or "default")
        r = simulate_participant(protocol, args.out, delay_s=delay, gain=gain, noise=noise,
                                 seed=seed, fps=fps, size_px=size, identity=args.identity,
                                 progress=progress, jobs=jobs)
    print(f"{r.video}: {r.n_frames} frames, {r.duration_s:.1f} s at {r.fps:g} fps "
          f"(rendered in {time.monotonic() - t0:.0f} s); {r.events.name} and {r.params.name} "
          f"beside it")
    return 0

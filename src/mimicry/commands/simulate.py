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

from mimicry.core.check import arg_range, check_option
from mimicry.core.errors import InputError


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--protocol", metavar="P",
                   help="shipped protocol name (default, quick, classroom, yawn, no_smile) or "
                        "a .toml file (default: default)")
    p.add_argument("--delay", default="0.5", metavar="S", type=arg_range(0.0),
                   help="mimicry latency in seconds, >= 0 (default 0.5)")
    p.add_argument("--gain", default="1", metavar="G", type=arg_range(),
                   help="1 full mimicry, 0 none, negative the opposite expression; the result "
                        "is clipped to intensity 1 (default 1)")
    p.add_argument("--noise", default="0", metavar="N", type=arg_range(0.0, 1.0),
                   help="0-1: standard deviation of smooth spontaneous expression "
                        "fluctuations (default 0)")
    p.add_argument("--seed", default=None, metavar="K", type=arg_range(0, kind=int),
                   help="seeds the trial order, fluctuations, blinks and head motion "
                        "(default: the protocol's seed; 0 for --dyad)")
    p.add_argument("--out", required=True, metavar="DIR", help="output folder (created)")
    p.add_argument("--fps", default="30", metavar="F", type=arg_range(1.0, 240.0),
                   help="frames per second (default 30)")
    p.add_argument("--size", default="480", metavar="PX", type=arg_range(64, 4096, kind=int),
                   help="video height in pixels; the face is square (default 480)")
    p.add_argument("--identity", metavar="NAME",
                   help="the participant's built-in face (default: the participant identity; "
                        "with --dyad, the follower)")
    p.add_argument("--dyad", action="store_true",
                   help="two faces side by side: a leader with spontaneous expressions and a "
                        "follower mimicking it (no stimulus protocol)")
    p.add_argument("--leader", default="left", metavar="SIDE",
                   help="with --dyad: the leader's side, left or right (default left)")
    p.add_argument("--duration-s", default="60", metavar="S", type=arg_range(5.0, 3600.0),
                   help="with --dyad: length in seconds (default 60)")
    p.add_argument("--jobs", default="1", metavar="N", type=arg_range(1, 64, kind=int),
                   help="render frames in N parallel processes; the video is the same "
                        "(default 1)")
    p.add_argument("--quiet", action="store_true", help="no progress display")


def run(args: argparse.Namespace) -> int:
    import time

    # Numbers are parsed and range-checked by argparse (see add_arguments).
    delay, gain, noise, fps, size = args.delay, args.gain, args.noise, args.fps, args.size
    seed, jobs = args.seed, args.jobs
    check_option("--leader", args.leader, ("left", "right"), error=InputError)

    from mimicry.core.progress import Progress

    progress = Progress("mimicry simulate", None, enabled=False if args.quiet else None)
    t0 = time.monotonic()
    if args.dyad:
        if args.protocol is not None:
            raise InputError("--protocol does not apply to --dyad (the leader's expressions "
                             "replace the stimulus); drop one of them")
        duration = args.duration_s
        from mimicry.simulate.rendered import simulate_dyad

        r = simulate_dyad(args.out, leader=args.leader, delay_s=delay, gain=gain, noise=noise,
                          seed=seed or 0, duration_s=duration, fps=fps, size_px=size,
                          identity=args.identity, progress=progress, jobs=jobs)
    else:
        from mimicry.protocol.load import load_protocol
        from mimicry.simulate.rendered import simulate_participant

        protocol = load_protocol(args.protocol or "default")
        r = simulate_participant(protocol, args.out, delay_s=delay, gain=gain, noise=noise,
                                 seed=seed, fps=fps, size_px=size, identity=args.identity,
                                 progress=progress, jobs=jobs)
    print(f"{r.video}: {r.n_frames} frames, {r.duration_s:.1f} s at {r.fps:g} fps "
          f"(rendered in {time.monotonic() - t0:.0f} s); {r.events.name} and {r.params.name} "
          f"beside it")
    return 0

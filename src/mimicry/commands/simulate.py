"""Render a virtual participant with known mimicry (a video to test the pipeline on).

Writes DIR/participant.mp4, DIR/events.csv (the stimulus timeline; the video's
t = 0 is the events' t = 0) and DIR/simulation.json (the true parameters).

Examples:
  mimicry simulate --protocol quick --delay 0.6 --gain 1 --seed 1 --out sim/
  mimicry simulate --protocol default --delay 0.4 --gain 0.5 --noise 0.1 --out sim2/
  mimicry simulate --protocol quick --gain -1 --out contrarian/     (opposite expressions)
  mimicry simulate --protocol groups --group-gain own=1 --group-gain other=0 --out groups/
  mimicry simulate --dyad --leader right --delay 0.8 --duration-s 30 --out dyad/
  mimicry simulate --footage me.mp4 --protocol quick --amplitude 0.3 --delay 0.6 --out real/
      (real webcam footage looped, a smile of known amplitude warped into the face)
"""

from __future__ import annotations

import argparse

from mimicry.core.check import arg_range, check_option
from mimicry.core.errors import InputError


def add_arguments(p: argparse.ArgumentParser) -> None:
    from mimicry.commands.record import protocol_help  # noqa: PLC0415

    p.add_argument("--protocol", metavar="P", help=protocol_help())
    p.add_argument("--delay", default="0.5", metavar="S", type=arg_range(0.0),
                   help="mimicry latency in seconds, >= 0 (default 0.5)")
    p.add_argument("--gain", default="1", metavar="G", type=arg_range(),
                   help="1 full mimicry, 0 none, negative the opposite expression; the result "
                        "is clipped to intensity 1 (default 1)")
    p.add_argument("--group-gain", action="append", default=[], metavar="NAME=G",
                   type=_group_gain,
                   help="with a protocol with [groups]: the gain at the faces of group NAME "
                        "(own or other); repeatable (others take --gain)")
    p.add_argument("--noise", default="0", metavar="N", type=arg_range(0.0, 1.0),
                   help="0-1: standard deviation of smooth spontaneous expression "
                        "fluctuations (default 0)")
    p.add_argument("--seed", default=None, metavar="K", type=arg_range(0, kind=int),
                   help="seeds the trial order, fluctuations, blinks and head motion "
                        "(default: the protocol's seed; 0 for --dyad)")
    p.add_argument("--out", required=True, metavar="DIR", help="output folder (created)")
    p.add_argument("--fps", default=None, metavar="F", type=arg_range(1.0, 240.0),
                   help="frames per second (default 30; with --footage the clip's)")
    p.add_argument("--size", default=None, metavar="PX", type=arg_range(64, 4096, kind=int),
                   help="video height in pixels; the face is square (default 480; with "
                        "--footage the clip's height, the width in proportion)")
    p.add_argument("--footage", metavar="CLIP",
                   help="real webcam footage of one face as the participant: looped "
                        "ping-pong to the protocol's length, with a smile of --amplitude "
                        "warped in on happy trials after --delay (--gain, --noise, "
                        "--identity and --jobs do not apply)")
    p.add_argument("--amplitude", default=None, metavar="A", type=arg_range(0.0, 1.0),
                   help="with --footage: rise of MediaPipe's smile channel at the full happy "
                        "stimulus, 0-1, calibrated on the clip; 0 is the null (default 0.3)")
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


def _group_gain(text: str) -> tuple[str, float]:
    """``own=1`` -> ("own", 1.0); a bad value is argparse's one line."""
    import math

    name, sep, value = text.partition("=")
    try:
        g = float(value)
    except ValueError:
        g = float("nan")
    if not sep or not name.strip() or not math.isfinite(g):
        raise argparse.ArgumentTypeError(f"expected NAME=G with a group name and a number, "
                                         f"got {text!r}")
    return name.strip(), g


def run(args: argparse.Namespace) -> int:
    """Render; a run that fails leaves no ``--out`` folder it created."""
    import shutil
    from pathlib import Path

    out = Path(args.out).expanduser()
    existed = out.exists()
    try:
        return _run(args)
    except BaseException:
        if not existed:
            shutil.rmtree(out, ignore_errors=True)
        raise


def _run(args: argparse.Namespace) -> int:
    import time

    # Numbers are parsed and range-checked by argparse (see add_arguments).
    delay, gain, noise, seed, jobs = args.delay, args.gain, args.noise, args.seed, args.jobs
    check_option("--leader", args.leader, ("left", "right"), error=InputError)
    if args.group_gain and (args.footage is not None or args.dyad):
        raise InputError("--group-gain applies to the rendered participant watching a protocol "
                         "with [groups]; drop --footage/--dyad")
    if args.footage is not None:
        return _run_footage(args)
    if args.amplitude is not None:
        raise InputError("--amplitude applies to --footage only; use --gain for the rendered "
                         "participant")
    fps = 30.0 if args.fps is None else args.fps
    size = 480 if args.size is None else args.size

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
                                 progress=progress, jobs=jobs,
                                 group_gains=dict(args.group_gain))
    print(f"{r.video}: {r.n_frames} frames, {r.duration_s:.1f} s at {r.fps:g} fps "
          f"(rendered in {time.monotonic() - t0:.0f} s); {r.events.name} and {r.params.name} "
          f"beside it")
    return 0


def _run_footage(args: argparse.Namespace) -> int:
    """``--footage``: real footage as the participant (see mimicry.simulate.footage)."""
    import time

    from mimicry.core.progress import Progress
    from mimicry.protocol.load import load_protocol
    from mimicry.simulate.footage import simulate_footage

    if args.dyad:
        raise InputError("--dyad does not apply to --footage (one real face watches the "
                         "protocol); drop one of them")
    if args.identity is not None:
        raise InputError("--identity does not apply to --footage (the clip's face is the "
                         "participant); drop one of them")
    t0 = time.monotonic()
    progress = Progress("mimicry simulate", None, enabled=False if args.quiet else None)
    protocol = load_protocol(args.protocol or "default")
    amplitude = 0.3 if args.amplitude is None else args.amplitude
    r = simulate_footage(protocol, args.footage, args.out, amplitude=amplitude,
                         delay_s=args.delay, seed=args.seed, fps=args.fps, size_px=args.size,
                         progress=progress)
    print(f"{r.video}: {r.n_frames} frames, {r.duration_s:.1f} s at {r.fps:g} fps from "
          f"{args.footage} (made in {time.monotonic() - t0:.0f} s); {r.events.name} and "
          f"{r.params.name} beside it")
    return 0

"""Stimulus protocols and sets: list, check, and export the stimulus track as a video.

Examples:
  mimicry stimuli list
  mimicry stimuli check my_study.toml          (a protocol file)
  mimicry stimuli check stimuli/               (a stimulus set folder with manifest.csv)
  mimicry stimuli export --protocol quick --out stim/stim.mp4
  mimicry stimuli export --protocol default --out stim.mp4 --size 720 --fps 30 --seed 3

``export`` writes the video and, beside it, events.csv: the timeline of the
trials shown (the video's t = 0 is the events' t = 0).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from mimicry.core.check import arg_range
from mimicry.core.errors import InputError


def add_arguments(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    sub.add_parser("list", help="the shipped protocols with their trials and durations")
    c = sub.add_parser("check", help="validate a protocol .toml file or a stimulus set folder")
    c.add_argument("path", metavar="PATH", help="protocol name or .toml file, or a folder "
                                                "with manifest.csv")
    e = sub.add_parser("export", help="render a protocol's stimulus track to a video "
                                      "plus events.csv")
    e.add_argument("--protocol", required=True, metavar="P",
                   help="shipped protocol name or .toml file")
    e.add_argument("--out", required=True, metavar="FILE.mp4", help="the video to write")
    e.add_argument("--size", default="720", metavar="PX", type=arg_range(64, 4096, kind=int),
                   help="side of the square video in pixels (default 720)")
    e.add_argument("--fps", default="30", metavar="F", type=arg_range(1.0, 240.0),
                   help="frames per second (default 30)")
    e.add_argument("--seed", default=None, metavar="K", type=arg_range(0, kind=int),
                   help="randomisation seed (default: the protocol's seed)")
    e.add_argument("--events", default=None, metavar="CSV",
                   help="where to write the events (default: events.csv beside the video)")
    e.add_argument("--jobs", default="1", metavar="N", type=arg_range(1, 64, kind=int),
                   help="render frames in N parallel processes (default 1)")
    e.add_argument("--quiet", action="store_true", help="no progress display")


def _describe(protocol) -> str:
    from mimicry.protocol.schedule import build_schedule

    s = build_schedule(protocol)
    counts = {c: sum(t.condition == c for t in s.trials) for c in protocol.conditions}
    stim = (f"stimulus set {protocol.stimulus_set.folder} ({len(protocol.stimulus_set.items)} "
            f"items)" if protocol.stimulus_set is not None
            else f"faces {', '.join(protocol.identities)}")
    return (f"{protocol.name}: {len(s.trials)} trials "
            f"({', '.join(f'{n} {c}' for c, n in counts.items())}) in {protocol.blocks} "
            f"block(s), {s.duration_s:.0f} s with seed {s.seed} "
            f"({protocol.min_duration_s:.0f}-{protocol.max_duration_s:.0f} s over seeds); {stim}"
            + (f"\n  {protocol.description}" if protocol.description else ""))


def run(args: argparse.Namespace) -> int:
    from mimicry.protocol.load import SHIPPED_PROTOCOLS, load_protocol

    if args.action == "list":
        for name in SHIPPED_PROTOCOLS:
            print(_describe(load_protocol(name)))
        return 0
    if args.action == "check":
        path = Path(args.path)
        if path.is_dir():
            from mimicry.protocol.stimulus_set import load_stimulus_set

            s = load_stimulus_set(path)
            counts = {}
            for it in s.items:
                counts[it.condition] = counts.get(it.condition, 0) + 1
            print(f"{s.manifest_path}: OK, {len(s.items)} items "
                  f"({', '.join(f'{n} {c}' for c, n in counts.items())})")
        else:
            print(f"OK: {_describe(load_protocol(args.path))}")
        return 0
    return _export(args)


def _export(args: argparse.Namespace) -> int:
    import time

    from mimicry.core.progress import Progress
    from mimicry.protocol.load import load_protocol
    from mimicry.protocol.schedule import build_schedule
    from mimicry.stimulus.track import StimulusTrack, TrackFrames
    from mimicry.io.tables import write_events
    from mimicry.io.atomic import ensure_writable_folder
    from mimicry.io.video import write_video

    size, fps, seed, jobs = args.size, args.fps, args.seed, args.jobs  # checked by argparse
    out = Path(args.out)
    if out.suffix.lower() != ".mp4":
        raise InputError(f"--out {out} must end in .mp4")
    ensure_writable_folder(out.parent if str(out.parent) else Path("."), "the folder of --out")
    events_path = Path(args.events) if args.events else out.parent / "events.csv"

    protocol = load_protocol(args.protocol)
    schedule = build_schedule(protocol, seed)
    track = StimulusTrack(schedule, size, seed=schedule.seed)
    n_frames = int(round(schedule.duration_s * fps))
    progress = Progress("mimicry stimuli export", n_frames,
                        enabled=False if args.quiet else None)
    t0 = time.monotonic()
    write_video(out, TrackFrames(track, fps), n_frames, fps, (size, size), progress, jobs=jobs)
    write_events(events_path, schedule.events())
    print(f"{out}: {n_frames} frames, {schedule.duration_s:.1f} s at {fps:g} fps, "
          f"{len(schedule.trials)} trials (rendered in {time.monotonic() - t0:.0f} s); "
          f"events in {events_path}")
    return 0

"""Track a video, an image or a folder of images into frames.csv.

Examples:
  mimicry process clip.mp4 --out results/clip
  mimicry process participant.mp4 --events events.csv --out session/
  mimicry process photos/ --out results/photos
  mimicry process a.mp4 b.mp4 c.mp4 --out results/ --jobs 2   (one folder per input)
  mimicry process clip.mp4 --out results/clip --overwrite   (replace the session there)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from mimicry.core.errors import InputError
from mimicry.core.check import arg_range


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("inputs", nargs="+", metavar="INPUT",
                   help="video file, image file or folder of images (several: one output "
                        "folder each, under --out)")
    p.add_argument("--out", required=True, metavar="DIR", help="output folder")
    p.add_argument("--events", metavar="CSV",
                   help="stimulus timeline (events.csv) aligned with the video's time")
    p.add_argument("--faces", type=arg_range(1, 4, kind=int), default=1, metavar="N", help="faces to track (default 1)")
    p.add_argument("--model", metavar="PATH", help="face model (default: the shipped copy)")
    p.add_argument("--jobs", type=arg_range(1, kind=int), default=1, metavar="N",
                   help="process several inputs in N parallel processes")
    p.add_argument("--overwrite", action="store_true",
                   help="replace the session the output folder already holds (refused otherwise)")
    p.add_argument("--quiet", action="store_true", help="no progress display")


def _one(job: tuple) -> tuple[str, int, float, float]:
    inp, out, events, faces, model, progress, overwrite = job
    from mimicry.runtime.process import process_input  # noqa: PLC0415

    r = process_input(inp, out, events_path=events, faces=faces, model=model, progress=progress,
                      overwrite=overwrite)
    return str(r.out_dir), r.n_frames, r.face_frames_pct, r.fps


def run(args: argparse.Namespace) -> int:
    # --jobs and --faces are range-checked by argparse (see add_arguments).
    if args.events and len(args.inputs) > 1:
        raise InputError("--events goes with a single INPUT (each video has its own timeline)")
    out = Path(args.out)
    progress = None if not args.quiet else False
    if len(args.inputs) == 1:
        jobs = [(args.inputs[0], out, args.events, args.faces, args.model, progress,
                 args.overwrite)]
    else:
        stems = [Path(i).stem or Path(i).name for i in args.inputs]
        if len(set(stems)) != len(stems):
            raise InputError("several INPUTs share a name; their output folders would collide")
        jobs = [(i, out / s, None, args.faces, args.model, False, args.overwrite)
                for i, s in zip(args.inputs, stems)]
    if args.jobs == 1 or len(jobs) == 1:
        results = [_one(j) for j in jobs]
    else:
        results = _parallel(jobs, args.jobs, show=not args.quiet and sys.stderr.isatty())
    for out_dir, n, pct, fps in results:
        print(f"{out_dir}/frames.csv: {n} frames, face found in {pct:.1f}%, {fps:.0f} fps")
    return 0


def _parallel(jobs: list[tuple], n_jobs: int, *, show: bool) -> list:
    import concurrent.futures as cf  # noqa: PLC0415
    import multiprocessing as mp  # noqa: PLC0415

    results: list = [None] * len(jobs)
    # 'spawn' keeps MediaPipe's threads out of forked children.
    with cf.ProcessPoolExecutor(max_workers=n_jobs, mp_context=mp.get_context("spawn")) as ex:
        futs = {ex.submit(_one, j): k for k, j in enumerate(jobs)}
        done = 0
        for fut in cf.as_completed(futs):
            results[futs[fut]] = fut.result()
            done += 1
            if show:
                sys.stderr.write(f"\rprocessed {done}/{len(jobs)} inputs")
                sys.stderr.flush()
    if show:
        sys.stderr.write("\n")
    return results

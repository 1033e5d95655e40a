"""Track a video, an image or a folder of images into frames.csv.

Examples:
  mimicry process clip.mp4 --out results/clip
  mimicry process participant.mp4 --events events.csv --out session/
  mimicry process photos/ --out results/photos
  mimicry process a.mp4 b.mp4 c.mp4 --out results/ --jobs 2   (one folder per input)
  mimicry process clip.mp4 --out results/clip --overwrite   (replace the session there)
  mimicry process videos/*.mp4 --out results/ --dask        (a local Dask cluster; resumable)
  mimicry process videos/*.mp4 --out results/ --dask tcp://10.0.0.5:8786   (a running scheduler)
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
    p.add_argument("--jobs", type=arg_range(1, kind=int), default=None, metavar="N",
                   help="process several inputs in N parallel processes (default 1; with --dask, "
                        "the local cluster's workers, default one per CPU)")
    p.add_argument("--dask", nargs="?", const="", default=None, metavar="ADDRESS",
                   help="run on a Dask cluster: the scheduler at ADDRESS, or without one a "
                        "local cluster of --jobs worker processes (default: one per CPU); "
                        "skips outputs already complete, retries a failing input once, and "
                        "ends with a table (exit code 1 when an input failed)")
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
    if args.dask is not None:
        return _run_dask(args, jobs)
    if (args.jobs or 1) == 1 or len(jobs) == 1:
        results = [_one(j) for j in jobs]
    else:
        results = _parallel(jobs, args.jobs, show=not args.quiet and sys.stderr.isatty())
    for out_dir, n, pct, fps in results:
        print(f"{out_dir}/frames.csv: {n} frames, face found in {pct:.1f}%, {fps:.0f} fps")
    return 0


def _run_dask(args: argparse.Namespace, jobs: list[tuple]) -> int:
    """``--dask``: every input a task; complete outputs skipped; a table; exit 1 on a failure."""
    import os  # noqa: PLC0415

    from mimicry.runtime.cluster import (TaskOutcome, dask_client, is_processed,  # noqa: PLC0415
                                         outcome_table, process_task, run_tasks)

    if args.dask and "://" not in args.dask and Path(args.dask).exists():
        raise InputError(f"--dask {args.dask}: expected a scheduler address such as "
                         f"tcp://host:8786, not an input; put the inputs before --dask")
    outcomes: dict[int, TaskOutcome] = {}
    for k, job in enumerate(jobs):
        if not args.overwrite and is_processed(job[0], Path(job[1])):
            outcomes[k] = TaskOutcome(str(job[0]), "skipped", "already processed (same input "
                                                               "and face model)")
    todo = [k for k in range(len(jobs)) if k not in outcomes]
    if todo:
        workers = args.jobs or os.cpu_count() or 1
        with dask_client(args.dask or None, workers) as client:
            done = run_tasks(client, process_task, [jobs[k] for k in todo],
                             [str(jobs[k][0]) for k in todo],
                             progress=False if args.quiet else None)
        outcomes.update(zip(todo, done))
    table = [outcomes[k] for k in range(len(jobs))]
    print(outcome_table(table, "input"))
    return 1 if any(o.status == "failed" for o in table) else 0


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

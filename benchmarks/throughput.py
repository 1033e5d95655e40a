"""Offline throughput: the raw MediaPipe loop against ``mimicry process``.

Usage: python benchmarks/throughput.py CLIP [--repeats 3]

Both run on the same clip, interleaved (raw, pipeline, raw, pipeline, ...), so
machine load affects both alike. Each run includes creating the landmarker and
opening the video. Prints each run, the medians, and as the last line
``ratio X`` = pipeline fps / raw fps (target >= 0.95).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path


def raw_loop(clip: str) -> tuple[int, float]:
    """The plainest correct loop: decode, convert to RGB, detect; nothing written."""
    import cv2
    import mediapipe as mp
    from mediapipe.tasks.python import BaseOptions, vision

    from mimicry.tracking.model import default_model_path

    t0 = time.perf_counter()
    opts = vision.FaceLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=str(default_model_path())),
        running_mode=vision.RunningMode.VIDEO, num_faces=1, output_face_blendshapes=True,
        output_facial_transformation_matrixes=True)
    lm = vision.FaceLandmarker.create_from_options(opts)
    cap = cv2.VideoCapture(clip)
    fps = cap.get(cv2.CAP_PROP_FPS) or 30.0
    n = 0
    while True:
        ok, bgr = cap.read()
        if not ok:
            break
        img = mp.Image(image_format=mp.ImageFormat.SRGB, data=cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
        lm.detect_for_video(img, int(round(n * 1000 / fps)))
        n += 1
    cap.release()
    lm.close()
    return n, time.perf_counter() - t0


def pipeline(clip: str, out: Path) -> tuple[int, float]:
    from mimicry.runtime.process import process_input

    t0 = time.perf_counter()
    r = process_input(clip, out, progress=False)
    return r.n_frames, time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("clip")
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    raw_fps, pipe_fps = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(args.repeats):
            n, dt = raw_loop(args.clip)
            raw_fps.append(n / dt)
            print(f"run {k + 1}: raw      {n} frames in {dt:6.2f} s = {n / dt:6.1f} fps")
            n2, dt2 = pipeline(args.clip, Path(tmp) / f"run{k}")
            pipe_fps.append(n2 / dt2)
            print(f"run {k + 1}: pipeline {n2} frames in {dt2:6.2f} s = {n2 / dt2:6.1f} fps")
            sys.stdout.flush()
    r, p = statistics.median(raw_fps), statistics.median(pipe_fps)
    print(f"median raw {r:.1f} fps, median pipeline {p:.1f} fps (mimicry process, frames.csv written)")
    print(f"ratio {p / r:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

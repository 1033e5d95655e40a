"""Frames per second of the built-in animated face.

Usage::

    python benchmarks/render_speed.py [--seconds 3] [--sizes 480 720 1080]

Renders :class:`mimicry.stimulus.face.FaceAnimator` frames at 30 fps steps of
a session clock, with blinks and idle motion on and an expression that ramps
through happy, sad and yawn (so every code path is timed), and prints the
achieved frames per second per size. The first frame of each size (which
builds and caches the mesh and the photos at that size) is timed separately.
Targets on a 2-core laptop-class CPU: >= 60 fps at 480 px, >= 25 fps at 1080 px.
"""

from __future__ import annotations

import argparse
import time

from mimicry.stimulus.face import PARTICIPANT_IDENTITY, Expression, FaceAnimator


def expression_at(i: int) -> Expression:
    """A cycling mix: neutral, happy, sad and yawn ramps, 60 frames each."""
    phase, k = divmod(i, 60)
    x = k / 59
    kind = phase % 4
    if kind == 1:
        return Expression(happy=x)
    if kind == 2:
        return Expression(sad=x)
    if kind == 3:
        return Expression(yawn=x)
    return Expression()


def bench(size_px: int, seconds: float, identity: str) -> tuple[float, float]:
    """(first-frame seconds, steady frames per second)."""
    t0 = time.perf_counter()
    anim = FaceAnimator(identity, size_px, seed=1)
    anim.frame(0.0, Expression())
    first = time.perf_counter() - t0
    n = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        anim.frame(n / 30.0, expression_at(n))
        n += 1
    return first, n / (time.perf_counter() - start)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=3.0, help="timing per size, s")
    ap.add_argument("--sizes", type=int, nargs="+", default=[480, 720, 1080])
    ap.add_argument("--identity", default=PARTICIPANT_IDENTITY)
    args = ap.parse_args(argv)
    for size in args.sizes:
        first, fps = bench(size, args.seconds, args.identity)
        print(f"{size:5d} px: {fps:6.1f} fps  (first frame incl. setup {first * 1000:.0f} ms)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

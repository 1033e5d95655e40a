"""Memory soak: a one-hour live session, simulated at full speed, in the real app.

Usage: python benchmarks/memory_soak.py [--minutes 60] [--every 5] [--trace] [--with-model]
                                        [--model-minutes 2] [--keep]

Target: resident memory may grow by <= 20 MB from the end of the warm-up (the
first ``--every`` simulated minutes) to the end of a one-hour session: plots
and streaming analysis keep ring buffers, nothing grows with the session.

Runs the real app offscreen (main window, session worker thread, stimulus
renderer, :class:`~mimicry.runtime.recorder.LiveRunner`, the real
:class:`~mimicry.runtime.recorder.SessionRecorder` writing frames.csv/events.csv to a
temporary folder, the real :class:`~mimicry.analysis.streaming.StreamingAnalyzer`
and meter, the real :class:`~mimicry_app.bridge.LiveBridge`, live plots and
camera view, Qt's event loop) on a generated protocol of one hour (the default
protocol with as many blocks as needed). Only inference is replaced, so an
hour takes minutes:

* the frame source delivers small new frames at 30 fps on an injected clock
  (synthetic timestamps, no pacing), as fast as the pipeline takes them;
* a stand-in for :class:`mimicry.tracking.mediapipe_tracker.MediaPipeTracker` (same interface)
  returns a fresh :class:`~mimicry.core.messages.FaceObservation` per frame
  (blendshapes, channels, pose, 478 landmarks) for a viewer who mimics the
  stimulus 0.6 s late, with noise, blinks and a one-second face dropout every
  ~97 s (face_lost/face_found events), so every trial is analysed live;
* the UI's 30 Hz draw cap is lifted and the source waits for a draw every
  ``--draw-every`` frames (default 4: 7.5 plot/camera updates per session
  second; a live session draws up to 30), so the UI does a live session's
  work instead of one draw per few hundred frames; and the source holds the
  session clock during calibration until the stimulus renderer has prepared
  every face, as a real 20 s calibration lets it.

Resident memory (``/proc/self/statm``) is sampled on the worker thread when
the session clock reaches the end of the warm-up and every ``--every``
simulated minutes, with Python's allocated blocks and the sizes of the live
buffers. ``--trace`` also runs tracemalloc from the warm-up on and prints the
top growth sites (about 3x slower: use it with ``--minutes 20``). ``--with-model`` then runs a short session
(``--model-minutes``) with the real MediaPipe tracker on a rendered virtual
participant (``mimicry simulate``) to show the model's own memory is flat.
Takes about 6 min on a busy 2-core machine (7 with ``--with-model``). Last
line: ``rss_growth_mb X`` (soak, warm-up to end; target <= 20).
"""

from __future__ import annotations

import argparse
import gc
import math
import os
import re
import sys
import tempfile
import threading
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

TARGET_MB = 20.0
FPS = 30.0
FRAME_W, FRAME_H = 160, 120
#: The stand-in viewer: mimicry delay (s), dropout period and length (s).
DELAY_S, DROPOUT_EVERY_S, DROPOUT_S = 0.6, 97.0, 1.0
SOAK_SPEC = "memory-soak.source"  # a "video" spec: served by our registered factory


# --------------------------------------------------------------------------- memory readings

def rss_mb() -> float:
    """Resident set size of this process, MB (psutil if installed, else /proc)."""
    try:
        import psutil  # noqa: PLC0415

        return psutil.Process().memory_info().rss / 2**20
    except ImportError:
        with open("/proc/self/statm") as fh:
            resident = int(fh.read().split()[1])
        return resident * os.sysconf("SC_PAGE_SIZE") / 2**20


class Sampler:
    """Takes memory samples at session times (called from the worker thread)."""

    def __init__(self, marks_s, trace: bool = False, probe=None) -> None:
        self.marks = sorted(marks_s)
        self.samples: list[dict] = []
        self.trace = trace
        self.probe = probe  # () -> dict of buffer sizes
        self.snapshots = []
        self._t0 = time.monotonic()
        self._last = (self._t0, 0.0)
        self.verbose = True

    def check(self, t: float) -> None:
        while self.marks and t >= self.marks[0] - 1e-9:
            self.marks.pop(0)
            self.take(t)

    def take(self, t: float) -> None:
        now = time.monotonic()
        wall0, t_prev = self._last
        s = {"t": t, "wall_s": now - self._t0, "rss_mb": rss_mb(),
             "blocks": sys.getallocatedblocks(),
             "rate": (t - t_prev) * FPS / max(now - wall0, 1e-9)}
        if self.probe is not None:
            try:
                s.update(self.probe())
            except Exception as exc:  # diagnostics only
                s["probe_error"] = repr(exc)
        self.samples.append(s)
        self._last = (now, t)
        if self.verbose:
            if len(self.samples) == 1:
                print_samples([])
            print_samples([s], header=False)
        if self.trace:
            import tracemalloc  # noqa: PLC0415

            if not tracemalloc.is_tracing():
                tracemalloc.start(1)
            self.snapshots.append(tracemalloc.take_snapshot())


# --------------------------------------------------------------------------- stand-ins

class SoakSource:
    """Small new RGB frames at :data:`FPS` on an injected clock, as fast as they are read."""

    kind = "video"
    still_images = False

    def __init__(self, duration_s: float, sampler: Sampler | None, clock=None, *,
                 sync: "DrawSync | None" = None, draw_every: int = 0,
                 hold=None) -> None:
        import numpy as np  # noqa: PLC0415

        from mimicry.core.clock import ManualClock  # noqa: PLC0415

        self.name = "memory soak (synthetic frames)"
        self.fps = FPS
        self.size = (FRAME_W, FRAME_H)
        self.dropped = 0
        self.n_frames = int(round(duration_s * FPS)) + 1
        self.clock = clock if clock is not None else ManualClock()
        self._t0 = self.clock.now()
        self.sampler = sampler
        self.sync, self.draw_every, self.hold = sync, int(draw_every), hold
        self._seen = 0
        self._k = 0
        y = np.linspace(60, 200, FRAME_H, dtype=np.float32)[:, None, None]
        x = np.linspace(0, 40, FRAME_W, dtype=np.float32)[None, :, None]
        self._base = np.broadcast_to(y + x, (FRAME_H, FRAME_W, 3)).astype(np.uint8)

    def describe(self) -> dict:
        return {"kind": self.kind, "name": self.name, "fps": self.fps,
                "width": FRAME_W, "height": FRAME_H}

    def read(self):
        from mimicry.core.messages import Frame  # noqa: PLC0415

        if self._k >= self.n_frames:
            return None
        k = self._k
        self._k += 1
        if k:
            self.clock.advance(1.0 / FPS)
        t = round(self.clock.now() - self._t0, 6)
        if self.hold is not None:
            self.hold(t)
        if self.sync is not None and self.draw_every > 0 and k and k % self.draw_every == 0:
            self._seen = self.sync.wait_after(self._seen)
        if self.sampler is not None:
            self.sampler.check(t)
        img = self._base.copy()  # a camera hands over a new buffer every frame
        img[0, 0, 0] = k & 0xFF
        return Frame(index=k, t=t, image=img)

    def close(self) -> None:
        pass


class DrawSync:
    """Lets the source wait until the UI has drawn a newer frame (no backlog, no sleep).

    At full speed the UI would draw once per hundreds of frames; waiting for a
    draw every ``draw_every`` frames keeps the number of plot and camera-view
    updates per session second close to a live session's.
    """

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self.drawn = 0
        self.timeouts = 0

    def note(self) -> None:
        with self._cond:
            self.drawn += 1
            self._cond.notify_all()

    def wait_after(self, seen: int, timeout_s: float = 2.0) -> int:
        with self._cond:
            if not self._cond.wait_for(lambda: self.drawn > seen, timeout_s):
                self.timeouts += 1
            return self.drawn


class SampledSource:
    """A real source (the rendered participant video) that samples memory as it is read."""

    def __init__(self, inner, sampler: Sampler) -> None:
        self.inner = inner
        self.kind, self.name, self.fps, self.size = inner.kind, inner.name, inner.fps, inner.size
        self.still_images = False
        self.sampler = sampler

    @property
    def dropped(self) -> int:
        return self.inner.dropped

    def describe(self) -> dict:
        return self.inner.describe()

    def read(self):
        f = self.inner.read()
        if f is not None:
            self.sampler.check(f.t)
        return f

    def close(self) -> None:
        self.inner.close()


def make_soak_tracker(trials):
    """A class with MediaPipeTracker's interface whose viewer mimics ``trials``."""
    import bisect  # noqa: PLC0415

    import numpy as np  # noqa: PLC0415

    from mimicry.core.channels import BLENDSHAPE_INDEX, compute_channels  # noqa: PLC0415
    from mimicry.core.messages import FaceObservation  # noqa: PLC0415
    from mimicry.protocol.timeline import trial_intensity  # noqa: PLC0415
    from mimicry.tracking.mediapipe_tracker import Tracker, empty_observation  # noqa: PLC0415

    trials = sorted(trials, key=lambda tr: tr.onset_s)
    onsets = [tr.onset_s for tr in trials]
    bi = BLENDSHAPE_INDEX
    neutral = np.zeros(52, dtype=np.float32)
    for name, v in (("browInnerUp", 0.25), ("mouthSmileLeft", 0.04), ("mouthSmileRight", 0.04),
                    ("eyeSquintLeft", 0.3), ("eyeSquintRight", 0.3), ("jawOpen", 0.02),
                    ("eyeBlinkLeft", 0.08), ("eyeBlinkRight", 0.08), ("_neutral", 0.0)):
        neutral[bi[name]] = v
    smile = [bi["mouthSmileLeft"], bi["mouthSmileRight"]]
    frown = [bi["mouthFrownLeft"], bi["mouthFrownRight"]]
    blink = [bi["eyeBlinkLeft"], bi["eyeBlinkRight"]]
    ang = np.linspace(0, 2 * np.pi, 478, endpoint=False)
    rad = 0.25 * np.sqrt(np.linspace(0.05, 1.0, 478))
    mesh = np.column_stack([0.5 + rad * np.cos(7 * ang), 0.5 + 1.2 * rad * np.sin(7 * ang),
                            0.02 * np.cos(ang)]).astype(np.float32)

    class SoakTracker(Tracker):
        """Stand-in for MediaPipeTracker: plausible observations, no inference."""

        def __init__(self, model_path=None, *, num_faces=1, mode="video", keep_landmarks=True):
            self.num_faces = int(num_faces)
            self.keep_landmarks = keep_landmarks
            self._rng = np.random.default_rng(7)
            self._closed = False

        def _stimulus(self, t: float) -> tuple[float, float]:
            i = bisect.bisect_right(onsets, t) - 1
            if i < 0:
                return 0.0, 0.0
            tr = trials[i]
            if t >= tr.end_s:
                return 0.0, 0.0
            x = float(trial_intensity(tr, t))
            return (x, 0.0) if tr.condition == "happy" else (0.0, x) \
                if tr.condition == "sad" else (0.0, 0.0)

        def process(self, frame):
            if self._closed:
                raise RuntimeError("tracker is closed")
            t = frame.t
            if (t % DROPOUT_EVERY_S) > DROPOUT_EVERY_S - DROPOUT_S:
                return [empty_observation(frame, s) for s in range(self.num_faces)]
            rng = self._rng
            happy, sad = self._stimulus(t - DELAY_S)
            bs = neutral + rng.normal(0.0, 0.01, 52).astype(np.float32)
            bs[smile] += 0.6 * happy
            bs[bi["browInnerUp"]] += 0.3 * sad
            bs[frown] += 0.05 * sad
            if (t % 4.3) < 0.15:  # a blink
                bs[blink] += 0.8
            bs = np.clip(bs, 0.0, 1.0)
            lms = (mesh + rng.normal(0.0, 0.002, mesh.shape).astype(np.float32)
                   if self.keep_landmarks else None)
            pose = tuple(float(v) for v in rng.normal(0.0, 2.0, 3))
            out = [FaceObservation(t=t, frame=frame.index, face_id=0, detected=True,
                                   channels=compute_channels(bs), blendshapes=bs, pose=pose,
                                   landmarks=lms, source=frame.source)]
            out += [empty_observation(frame, s) for s in range(1, self.num_faces)]
            return out

        def close(self) -> None:
            self._closed = True

    return SoakTracker


# --------------------------------------------------------------------------- protocol

def write_protocol(minutes: float, folder: Path, name: str, one_block: bool = False):
    """The default protocol, lengthened to last at least ``minutes``; returns (path, schedule).

    ``one_block``: a single block with more trials (short sessions); otherwise
    as many blocks of the default protocol as needed.
    """
    from mimicry.protocol.load import parse_protocol, shipped_protocol_path  # noqa: PLC0415
    from mimicry.protocol.schedule import build_schedule  # noqa: PLC0415

    text = shipped_protocol_path("default").read_text(encoding="utf-8")
    text = re.sub(r'(?m)^name = ".*"$', f'name = "{name}"', text, count=1)
    target = minutes * 60.0
    for n in range(1, 10_000):
        blocks, per = (1, n) if one_block else (n, None)
        t = re.sub(r"(?m)^blocks = \d+", f"blocks = {blocks}", text, count=1)
        if per is not None:
            t = re.sub(r"(?m)^per_condition = \d+", f"per_condition = {per}", t, count=1)
        sch = build_schedule(parse_protocol(t))
        if sch.duration_s >= target:
            break
    assert sch.protocol.name == name and sch.duration_s >= target
    path = folder / f"{name}.toml"
    path.write_text(t, encoding="utf-8")
    return path, sch


# --------------------------------------------------------------------------- one session

def run_session(app, protocol_path: Path, tmp: Path, participant: str, source_spec: str,
                title: str) -> dict:
    """Run one session in a fresh main window; returns the outcome and timings."""
    from PyQt6.QtCore import QEventLoop, QTimer

    from mimicry_app.main_window import AppOptions, MainWindow
    from mimicry.runtime.plan import SessionRequest
    from mimicry.runtime.settings import AppSettings

    win = MainWindow(AppOptions(settings=AppSettings(source=source_spec,
                                                     protocol=str(protocol_path),
                                                     out_dir=str(tmp / "sessions"),
                                                     participant=participant), paced=False))
    win.resize(1600, 960)
    win.show()
    loop = QEventLoop()
    result: dict = {"win": win}

    def done(outcome):
        result["outcome"] = outcome
        result["end_mono"] = time.monotonic()
        loop.quit()

    def failed(msg, kind):
        result["error"] = msg
        loop.quit()

    win.session_done.connect(done)
    win.session_failed.connect(failed)
    print(f"{title}: running ...", flush=True)
    result["start_mono"] = time.monotonic()
    QTimer.singleShot(100, lambda: win.start_session(SessionRequest(
        source=source_spec, protocol=str(protocol_path), participant=participant,
        out_dir=str(tmp / "sessions"), paced=False)))
    loop.exec()
    return result


def probe_for(win):
    """Sizes of the live buffers (read from the worker thread; diagnostics only)."""
    def probe() -> dict:
        out = {}
        worker = win.worker
        runner = getattr(worker, "_runner", None) if worker is not None else None
        for o in (runner.observers if runner is not None else ()):
            an = getattr(o, "analyzer", None)
            if an is not None:
                out["analyzer_rows"] = an.memory_items()
                out["trials_done"] = len(an._results)
        out["plot_buf"] = len(win.live.plots._buf)
        if win.bridge is not None:
            out["latencies"] = len(win.bridge.latencies_s)
        return out
    return probe


def print_samples(samples, header: bool = True) -> None:
    if header:
        print(f"{'session':>9} {'wall s':>7} {'frames/s':>8} {'RSS MB':>8} {'py blocks':>10} "
              f"{'analyzer rows':>13} {'plot buf':>8} {'latencies':>9} {'trials':>6}",
              flush=True)
    for s in samples:
        m, sec = divmod(int(round(s["t"])), 60)
        print(f"{m:>6}:{sec:02d} {s['wall_s']:>7.1f} {s['rate']:>8.0f} {s['rss_mb']:>8.1f} "
              f"{s['blocks']:>10d} {s.get('analyzer_rows', -1):>13d} {s.get('plot_buf', -1):>8d} "
              f"{s.get('latencies', -1):>9d} {s.get('trials_done', -1):>6d}", flush=True)


def print_trace(sampler: Sampler, top: int = 15) -> None:
    if len(sampler.snapshots) < 2:
        return
    import tracemalloc  # noqa: PLC0415

    flt = [tracemalloc.Filter(False, tracemalloc.__file__),
           tracemalloc.Filter(False, "<frozen importlib._bootstrap*>")]
    first, last = (s.filter_traces(flt) for s in (sampler.snapshots[0], sampler.snapshots[-1]))
    print(f"tracemalloc: top {top} growth sites from warm-up to end")
    for st in last.compare_to(first, "lineno")[:top]:
        print(f"  {st.size_diff / 2**10:>+10.1f} KiB {st.count_diff:>+8d} blocks  "
              f"{st.traceback[0].filename}:{st.traceback[0].lineno}")
    print("  largest growth, with its call chain:")
    for st in last.compare_to(first, "traceback")[:3]:
        print(f"  {st.size_diff / 2**10:+.1f} KiB")
        for line in st.traceback.format():
            print("    " + line)
    tracemalloc.stop()


# --------------------------------------------------------------------------- phases

def soak(app, tmp: Path, minutes: float, every: float, trace: bool, draw_every: int) -> float:
    import mimicry.sources.base as sources
    import mimicry.tracking.mediapipe_tracker as tracking
    from mimicry_app import bridge, controller

    proto, sch = write_protocol(minutes, tmp, "memory-soak")
    end_s = minutes * 60.0
    marks = [m * 60.0 for m in _frange(every, minutes, every)]
    sampler = Sampler(marks, trace=trace)
    print(f"soak: protocol {proto.name}: {len(sch.trials)} trials, {sch.duration_s:.0f} s; "
          f"{FRAME_W}x{FRAME_H} frames at {FPS:g} fps on an injected clock, stand-in tracker, "
          f"a UI draw every {draw_every} frames; warm-up {every:g} min, samples every "
          f"{every:g} min to {minutes:g} min"
          + (" (tracemalloc on from the warm-up)" if trace else ""), flush=True)
    sync = DrawSync()
    cal_end = sch.calibration[1]
    warm_wait = {"s": 0.0}

    def hold(t: float) -> None:
        # A live calibration gives the stimulus renderer cal_end seconds to prepare
        # the faces; at full speed it would pass in a blink. Wait (real time, the
        # session clock stands still) until the renderer has prepared them all.
        if t > cal_end - 1.5:
            return
        t0 = time.monotonic()
        while time.monotonic() - t0 < 30.0:
            win = _WINDOW.get("win")
            r = win.renderer if win is not None else None
            if r is not None and not r._warm_ids:
                break
            time.sleep(0.02)
        warm_wait["s"] += time.monotonic() - t0

    sources.register_source("video", lambda spec, realtime=None, clock=None: SoakSource(
        sch.duration_s, sampler, clock, sync=sync, draw_every=draw_every, hold=hold))
    patches = [(tracking, "MediaPipeTracker", make_soak_tracker(sch.trials)),
               (controller, "MAX_DRAW_HZ", 1e6),  # draws are paced by DrawSync instead
               (bridge.LiveBridge, "note_drawn", _noting(bridge.LiveBridge.note_drawn, sync))]
    saved = [(obj, name, getattr(obj, name)) for obj, name, _ in patches]
    for obj, name, value in patches:
        setattr(obj, name, value)
    try:
        res = _run_with_probe(app, proto, tmp, "soak", SOAK_SPEC, "soak", sampler)
    finally:
        for obj, name, value in saved:
            setattr(obj, name, value)
    if "error" in res:
        raise SystemExit(f"soak session failed: {res['error']}")
    outcome = res["outcome"]
    samples = sampler.samples
    after = rss_mb()
    trimmed = _trimmed_rss_mb()
    live_s = samples[-1]["wall_s"] if samples else float("nan")
    total_s = res["end_mono"] - res["start_mono"]
    print(f"soak: status {outcome.status}, {outcome.n_frames} frames "
          f"({outcome.n_frames / FPS / 60:.1f} simulated min) in {total_s:.0f} s wall "
          f"(live part {live_s:.0f} s, then saving and end-of-session analysis); "
          f"meter: {outcome.last_reading.n_trials if outcome.last_reading else 0} trials "
          f"analysed live; RSS after the results screen {after:.1f} MB "
          f"({trimmed:.1f} MB after gc.collect() and malloc_trim(0))")
    print(f"soak: {sync.drawn} UI draws ({sync.drawn / max(outcome.n_frames / FPS, 1e-9):.1f} "
          f"per session second), {sync.timeouts} draw waits timed out; "
          f"waited {warm_wait['s']:.1f} s for the renderer's calibration warm-up")
    if outcome.problem:
        print("soak: problem:", outcome.problem)
    if len(samples) < 2 or samples[-1]["t"] < end_s - 1e-6:
        raise SystemExit("soak: the session ended before the last sample")
    growth = samples[-1]["rss_mb"] - samples[0]["rss_mb"]
    blocks = samples[-1]["blocks"] - samples[0]["blocks"]
    rss = [s["rss_mb"] for s in samples]
    print(f"soak: RSS over the samples: min {min(rss):.1f}, max {max(rss):.1f} MB; "
          f"least-squares trend {_trend_mb_per_h(samples):+.1f} MB per session hour")
    print(f"soak: RSS growth from {samples[0]['t'] / 60:g} to {samples[-1]['t'] / 60:g} "
          f"simulated min: {growth:+.1f} MB (Python blocks {blocks:+d}); target <= "
          f"{TARGET_MB:g} MB: {'met' if growth <= TARGET_MB else 'NOT met'}")
    if trace:
        print_trace(sampler)
    elif growth > TARGET_MB:
        print("soak: rerun with --trace for the growth sites")
    _close(res["win"])
    return growth


def model_phase(app, tmp: Path, minutes: float) -> float:
    """The real MediaPipe tracker on a rendered virtual participant."""
    from mimicry.protocol.load import load_protocol
    from mimicry.simulate.rendered import simulate_participant
    from mimicry.sources.video import VideoSource

    proto, sch = write_protocol(minutes, tmp, "memory-soak-model", one_block=True)
    print(f"model: rendering a 320x320 virtual participant for {sch.duration_s:.0f} s "
          f"({len(sch.trials)} trials) ...", flush=True)
    t0 = time.monotonic()
    r = simulate_participant(load_protocol(proto), tmp / "participant", delay_s=0.6, gain=1.0,
                             seed=1, size_px=320, fps=FPS, jobs=2)
    print(f"model: rendered {r.n_frames} frames in {time.monotonic() - t0:.0f} s", flush=True)
    warm, every = 30.0, 15.0
    sampler = Sampler(list(_frange(warm, sch.duration_s - 1.0, every)))

    import mimicry.sources.base as sources

    sources.register_source("video", lambda spec, realtime=None, clock=None:
                            SampledSource(VideoSource(spec, realtime=False, clock=clock), sampler))
    res = _run_with_probe(app, proto, tmp, "model", str(r.video), "model", sampler)
    if "error" in res:
        raise SystemExit(f"model session failed: {res['error']}")
    outcome = res["outcome"]
    s = sampler.samples
    growth = s[-1]["rss_mb"] - s[0]["rss_mb"] if len(s) >= 2 else float("nan")
    print(f"model: status {outcome.status}, {outcome.n_frames} frames tracked by MediaPipe, "
          f"{outcome.last_reading.n_trials if outcome.last_reading else 0} trials analysed live; "
          f"RSS growth from {s[0]['t']:.0f} s to {s[-1]['t']:.0f} s: {growth:+.1f} MB")
    print(f"model_rss_growth_mb {growth:.1f}")
    _close(res["win"])
    return growth


#: The main window of the running session (for the probe and the warm-up hold).
_WINDOW: dict = {}


def _noting(note_drawn, sync: DrawSync):
    def note(self, frame):
        note_drawn(self, frame)
        sync.note()
    return note


def _run_with_probe(app, proto, tmp, participant, spec, title, sampler):
    # The probe needs the window, which run_session creates: hand it over lazily.
    _WINDOW.clear()
    sampler.probe = lambda: probe_for(_WINDOW["win"])() if "win" in _WINDOW else {}
    from mimicry_app import main_window

    orig_init = main_window.MainWindow.__init__

    def init(self, *a, **k):
        orig_init(self, *a, **k)
        _WINDOW["win"] = self

    main_window.MainWindow.__init__ = init
    try:
        return run_session(app, proto, tmp, participant, spec, title)
    finally:
        main_window.MainWindow.__init__ = orig_init


def _close(win) -> None:
    win.shutdown()
    win.close()
    win.deleteLater()
    gc.collect()


def _trend_mb_per_h(samples) -> float:
    import numpy as np  # noqa: PLC0415

    t = np.array([s["t"] for s in samples]) / 3600.0
    r = np.array([s["rss_mb"] for s in samples])
    return float(np.polyfit(t, r, 1)[0]) if len(t) >= 2 else float("nan")


def _trimmed_rss_mb() -> float:
    """RSS once garbage is collected and the C heap has returned its free pages (glibc)."""
    gc.collect()
    try:
        import ctypes  # noqa: PLC0415

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass
    return rss_mb()


def _frange(start: float, stop: float, step: float):
    n = int(math.floor((stop - start) / step + 1e-9)) + 1
    return [start + i * step for i in range(max(n, 0))]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=60.0, help="simulated session length")
    ap.add_argument("--every", type=float, default=5.0,
                    help="warm-up and sampling interval, simulated minutes")
    ap.add_argument("--draw-every", type=int, default=4,
                    help="frames per UI draw (a live session draws every frame, up to 30 Hz)")
    ap.add_argument("--trace", action="store_true",
                    help="tracemalloc from the warm-up on; print the top growth sites")
    ap.add_argument("--with-model", action="store_true",
                    help="then a short session with the real MediaPipe tracker")
    ap.add_argument("--model-minutes", type=float, default=2.0)
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = ap.parse_args()
    if args.every <= 0 or args.minutes < 2 * args.every:
        ap.error("--minutes must be at least twice --every")

    tmp = Path(tempfile.mkdtemp(prefix="mimicry-soak-"))
    os.environ["MIMICRY_CONFIG_DIR"] = str(tmp / "config")
    from mimicry_app.main import make_application

    app = make_application()
    import cv2  # noqa: F401  (after the QApplication, as the app does)

    from mimicry_app.theme import apply_theme

    apply_theme(app)
    load = os.getloadavg()
    print(f"machine: {os.cpu_count()} cores, load average {load[0]:.2f} {load[1]:.2f} "
          f"{load[2]:.2f}; RSS at start {rss_mb():.1f} MB", flush=True)
    t0 = time.monotonic()
    try:
        growth = soak(app, tmp, args.minutes, args.every, args.trace, args.draw_every)
        if args.with_model:
            model_phase(app, tmp, args.model_minutes)
    finally:
        if args.keep:
            print(f"kept: {tmp}")
        else:
            import shutil

            shutil.rmtree(tmp, ignore_errors=True)
    print(f"total run time {time.monotonic() - t0:.0f} s")
    print(f"rss_growth_mb {growth:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

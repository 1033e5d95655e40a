"""Realistic webcam-face noise with no mimicry in it ("null families"), for validating statistics.

Each family in :data:`NOISE_FAMILIES` is one way a real face in front of a
webcam moves when it does *not* mimic: slow, autocorrelated wobble of the
blendshape scores, drift, talking, the face getting lost, spontaneous smiles,
head turns, or block-bootstrapped real MediaPipe traces. A statistic that is
calibrated on all of them (false positives at its nominal rate) is calibrated
on more than white noise. :func:`noise_frames` turns a family into a
:class:`~mimicry.io.tables.FramesTable` laid out as
:func:`mimicry.simulate.signal.simulate_frames` lays it out; ``amplitude`` adds
a known smile response to happy faces for power curves::

    smile       += amplitude * x_happy(t - delay_s)
    cheek_raise += 0.5 * amplitude * x_happy(t - delay_s)

with ``x_happy = clip(signed_stimulus_signal(trials, t - delay_s), 0, None)``.

=============  ==============================================================
family         what it adds
=============  ==============================================================
ar1            AR(1) per channel (phi 0.95-0.99, SD 0.03-0.05), white noise, blinks
drift          ar1 + slow AR drift (time constant 30-120 s)
talking        ar1 + talking (2-10 s bursts, ~25% of the time, jaw 0.1-0.5 at 3-6 Hz)
face_lost      ar1 + lost-face stretches (0.5-5 s, ~3 a minute) + dropouts
spontaneous    ar1 + smiles unrelated to the stimulus (1-2 a minute)
head_motion    ar1 + yaw swings (pose columns filled, face lost past 40 deg)
real           block bootstrap (4-8 s blocks) of real MediaPipe traces
mixed          ar1 + drift + talking + face_lost + spontaneous + head motion
mixed_real     the same on top of ``real``
=============  ==============================================================
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from mimicry.core.channels import BLENDSHAPE_INDEX, BLENDSHAPE_NAMES, REGISTRY
from mimicry.core.check import check_option, check_range
from mimicry.core.errors import InputError
from mimicry.io.tables import FramesTable
from mimicry.protocol.timeline import Trial, signed_stimulus_signal
from mimicry.simulate.signal import _ar1

#: Tracked channels the families simulate (valence is computed from them).
NAMES: tuple[str, ...] = tuple(c.name for c in REGISTRY if c.tracked and not c.derived)
#: Ranges of a neutral face's level per channel (MediaPipe scores); drawn per session.
NEUTRAL_RANGE: dict[str, tuple[float, float]] = {
    "smile": (0.02, 0.05), "frown": (0.002, 0.01), "brow_lower": (0.03, 0.08),
    "brow_raise_inner": (0.12, 0.3), "cheek_raise": (0.03, 0.08), "jaw_open": (0.01, 0.04),
    "blink": (0.05, 0.12)}
#: Relative size of each channel's wobble (frown barely moves on real faces).
_SCALE: dict[str, float] = {"smile": 1.0, "frown": 0.2, "brow_lower": 0.7,
                            "brow_raise_inner": 1.0, "cheek_raise": 0.7, "jaw_open": 0.5,
                            "blink": 0.5}
#: Trace CSV column for each channel of the "real" family.
TRACE_COLUMNS: dict[str, str] = {"smile": "smile", "frown": "frown",
                                 "brow_raise_inner": "browInnerUp",
                                 "brow_lower": "browDownLeft", "jaw_open": "jawOpen",
                                 "blink": "eyeBlink"}
#: Blendshape columns filled from each channel (as simulate_frames fills them).
_BLENDSHAPES: dict[str, tuple[str, ...]] = {
    "smile": ("mouthSmileLeft", "mouthSmileRight"), "frown": ("mouthFrownLeft", "mouthFrownRight"),
    "brow_lower": ("browDownLeft", "browDownRight"), "brow_raise_inner": ("browInnerUp",),
    "cheek_raise": ("cheekSquintLeft", "cheekSquintRight"), "jaw_open": ("jawOpen",),
    "blink": ("eyeBlinkLeft", "eyeBlinkRight")}


def default_traces_dir() -> Path:
    """``$MIMICRY_TESTDATA/traces``, else ``../shared/testdata/traces`` beside the repository."""
    repo = Path(__file__).resolve().parents[3]
    return Path(os.environ.get("MIMICRY_TESTDATA", repo.parent / "shared" / "testdata")) / "traces"


@dataclass
class NoiseSession:
    """What a family is given: the random stream, the frame times, where the traces are.

    Attributes
    ----------
    rng : numpy.random.Generator
    t : ndarray, shape (n,)
        Frame times, seconds.
    fps : float
    traces_dir : Path or None
        Folder of ``*.perframe.csv`` traces (None: :func:`default_traces_dir`).
    """

    rng: np.random.Generator
    t: np.ndarray
    fps: float
    traces_dir: Path | None = None

    @property
    def n(self) -> int:
        return len(self.t)

    def col(self, name: str) -> int:  # noqa: D102
        return NAMES.index(name)


@dataclass
class NoiseTrace:
    """A family's output, before the injected response and clipping.

    Attributes
    ----------
    x : ndarray, shape (n, len(NAMES))
        Channel values in :data:`NAMES` order.
    face : ndarray, shape (n,), bool
        Face detected.
    pose : ndarray, shape (n, 3) or None
        yaw, pitch, roll in degrees; None when the head does not move (zeros).
    """

    x: np.ndarray
    face: np.ndarray
    pose: np.ndarray | None = None


# --------------------------------------------------------------------------- building blocks

def _events(s: NoiseSession, rate_hz: float) -> np.ndarray:
    """Start frames of a Poisson process with ``rate_hz``."""
    return np.flatnonzero(s.rng.random(s.n) < rate_hz / s.fps)


def _bump(width: int) -> np.ndarray:
    """A raised cosine of ``width`` frames peaking at 1."""
    return 0.5 - 0.5 * np.cos(2 * np.pi * (np.arange(width) + 0.5) / width)


def _add_at(y: np.ndarray, i0: int, shape: np.ndarray) -> None:
    y[i0:i0 + len(shape)] += shape[:len(y) - i0]


def _ar1_base(s: NoiseSession) -> np.ndarray:
    """Neutral levels + AR(1) wobble + white noise + blinks, shape (n, channels)."""
    rng, k = s.rng, len(NAMES)
    level = np.array([rng.uniform(*NEUTRAL_RANGE.get(ch, (0.02, 0.05))) for ch in NAMES])
    scale = np.array([_SCALE.get(ch, 1.0) for ch in NAMES])
    x = np.repeat(level[None, :], s.n, axis=0)
    phi_30 = rng.uniform(0.95, 0.99, size=k)  # per frame at 30 fps
    sd = rng.uniform(0.03, 0.05, size=k) * scale
    for j in range(k):
        phi = float(phi_30[j] ** (30.0 / s.fps))
        x[:, j] += _ar1(rng, s.n, 1, float(sd[j]), phi)[:, 0]
    x += rng.normal(0.0, 0.01, size=x.shape) * scale
    # Blinks: ~0.3/s, 0.15 s, pulling the inner brow down as on MediaPipe.
    hits = np.zeros(s.n)
    hits[_events(s, rng.uniform(0.15, 0.45))] = 1.0
    bump = np.minimum(np.convolve(hits, _bump(max(1, round(0.15 * s.fps))))[:s.n], 1.0)
    x[:, s.col("blink")] += 0.75 * bump
    x[:, s.col("brow_raise_inner")] -= 0.05 * bump
    return x


def add_drift(s: NoiseSession, x: np.ndarray) -> None:
    """Slow drift: AR(1) with time constant 30-120 s, SD ~0.03-0.06 (scaled per channel)."""
    tau = s.rng.uniform(30.0, 120.0)
    sd = s.rng.uniform(0.03, 0.06)
    scale = np.array([_SCALE.get(ch, 1.0) for ch in NAMES])
    x += _ar1(s.rng, s.n, len(NAMES), sd, float(np.exp(-1.0 / (s.fps * tau)))) * scale


def add_talking(s: NoiseSession, x: np.ndarray) -> None:
    """Talking bursts of 2-10 s, ~25% of the time: jaw 0.1-0.5 at 3-6 Hz, smile/brows up."""
    rng, t = s.rng, s.t
    i = int(rng.exponential(18.0) * s.fps)
    jit = np.abs(_ar1(rng, s.n, 3, 1.0, float(np.exp(-1.0 / (0.3 * s.fps)))))
    while i < s.n:
        m = min(int(rng.uniform(2.0, 10.0) * s.fps), s.n - i)
        tt = t[i:i + m] - t[i]
        env = np.minimum(1.0, np.minimum(tt, tt[-1] - tt) / 0.2 + 0.05)
        f = rng.uniform(3.0, 6.0) + 0.5 * np.sin(2 * np.pi * rng.uniform(0.1, 0.4) * tt)
        phase = 2 * np.pi * np.cumsum(f) / s.fps
        jaw = 0.1 + 0.4 * rng.uniform(0.5, 1.0) * (0.5 + 0.5 * np.sin(phase + rng.uniform(0, 6.3)))
        sl, jc = slice(i, i + m), s.col("jaw_open")
        x[sl, jc] = (1 - env) * x[sl, jc] + env * jaw
        x[sl, s.col("smile")] += env * 0.05 * jit[sl, 0]
        x[sl, s.col("brow_raise_inner")] += env * 0.05 * jit[sl, 1]
        x[sl, s.col("brow_lower")] += env * 0.03 * jit[sl, 2]
        i += m + int(rng.exponential(18.0) * s.fps) + 1


def add_face_lost(s: NoiseSession, face: np.ndarray) -> None:
    """Lost-face stretches (0.5-5 s, 2-4 a minute) and short dropouts (1-5 frames)."""
    for i0 in _events(s, s.rng.uniform(2.0, 4.0) / 60.0):
        face[i0:i0 + int(s.rng.uniform(0.5, 5.0) * s.fps)] = False
    for i0 in _events(s, 0.1):
        face[i0:i0 + int(s.rng.integers(1, 6))] = False


def add_spontaneous(s: NoiseSession, x: np.ndarray) -> None:
    """Smiles at random times (1-2 a minute), peak 0.2-0.7, 1-4 s long, smooth rise and fall."""
    rng = s.rng
    for i0 in _events(s, rng.uniform(1.0, 2.0) / 60.0):
        shape = rng.uniform(0.2, 0.7) * _bump(max(2, int(rng.uniform(1.0, 4.0) * s.fps)))
        _add_at(x[:, s.col("smile")], i0, shape)
        _add_at(x[:, s.col("cheek_raise")], i0, 0.5 * shape)


def add_head_motion(s: NoiseSession, x: np.ndarray, face: np.ndarray) -> np.ndarray:
    """Head pose wobble and yaw swings (15-45 deg, 1-3 s, ~2 a minute); returns pose (n, 3).

    Turned heads skew the blendshapes (brows, blink, smile) and past 40 degrees
    of yaw the face is lost.
    """
    rng = s.rng
    pose = _ar1(rng, s.n, 3, 1.0, float(np.exp(-1.0 / (2.0 * s.fps)))) * np.array([4.0, 3.0, 2.0])
    for i0 in _events(s, rng.uniform(1.0, 3.0) / 60.0):
        swing = rng.choice([-1.0, 1.0]) * rng.uniform(15.0, 45.0)
        _add_at(pose[:, 0], i0, swing * _bump(max(2, int(rng.uniform(1.0, 3.0) * s.fps))))
    turn = (np.abs(pose[:, 0]) / 40.0) ** 2
    jit = rng.normal(0.0, 1.0, size=(s.n, 3))
    x[:, s.col("brow_lower")] += turn * (0.05 + 0.02 * jit[:, 0])
    x[:, s.col("blink")] += turn * (0.1 + 0.03 * jit[:, 1])
    x[:, s.col("smile")] += turn * 0.03 * jit[:, 2]
    face &= np.abs(pose[:, 0]) <= 40.0
    return pose


# --------------------------------------------------------------------------- real traces

@functools.lru_cache(maxsize=8)
def _read_traces(folder: str) -> tuple[tuple[np.ndarray, np.ndarray], ...]:
    """Every ``*.perframe.csv`` in ``folder``: (t, values in TRACE_COLUMNS order) per clip."""
    files = sorted(Path(folder).glob("*.perframe.csv")) if Path(folder).is_dir() else []
    if not files:
        raise InputError(f"real face traces not found: {folder} has no *.perframe.csv "
                         f"(set MIMICRY_TESTDATA or pass traces_dir)")
    clips = []
    for f in files:
        a = np.genfromtxt(f, delimiter=",", names=True)
        vals = np.column_stack([np.asarray(a[c], dtype=float) for c in TRACE_COLUMNS.values()])
        t = np.asarray(a["t_s"], dtype=float)
        ok = np.isfinite(t) & np.all(np.isfinite(vals), axis=1)
        if ok.sum() >= 2:
            clips.append((t[ok], vals[ok]))
    return tuple(clips)


def _resampled(folder: str, fps: float) -> tuple[np.ndarray, ...]:
    """The clips resampled to ``fps`` by linear interpolation, shape (m, 6) each."""
    out = []
    for t, vals in _read_traces(folder):
        tt = np.arange(t[0], t[-1] + 1e-9, 1.0 / fps)
        out.append(np.column_stack([np.interp(tt, t, vals[:, j]) for j in range(vals.shape[1])]))
    return tuple(out)


def real_base(s: NoiseSession) -> np.ndarray:
    """Blocks of 4-8 s of real traces (clip weighted by length, uniform start), concatenated."""
    folder = str(s.traces_dir if s.traces_dir is not None else default_traces_dir())
    clips = _resampled(folder, s.fps)
    lens = np.array([len(c) for c in clips])
    rng, parts, got = s.rng, [], 0
    while got < s.n:
        m = int(round(rng.uniform(4.0, 8.0) * s.fps))
        ok = np.flatnonzero(lens >= m)
        if ok.size == 0:
            ok = np.array([int(np.argmax(lens))])
            m = int(lens[ok[0]])
        c = int(rng.choice(ok, p=lens[ok] / lens[ok].sum()))
        start = int(rng.integers(0, lens[c] - m + 1))
        parts.append(clips[c][start:start + m])
        got += m
    block = np.concatenate(parts)[:s.n]
    x = np.zeros((s.n, len(NAMES)))
    for j, ch in enumerate(TRACE_COLUMNS):
        if ch in NAMES:
            x[:, s.col(ch)] = block[:, j]
    if "cheek_raise" in NAMES:
        x[:, s.col("cheek_raise")] = 0.5 * x[:, s.col("smile")] + _ar1(
            rng, s.n, 1, 0.02, float(np.exp(-1.0 / (0.5 * s.fps))))[:, 0]
    return x


# --------------------------------------------------------------------------- families

def _family(base: str, *, drift=False, talking=False, lost=False, spont=False, head=False):
    def make(s: NoiseSession) -> NoiseTrace:
        x = real_base(s) if base == "real" else _ar1_base(s)
        face = np.ones(s.n, dtype=bool)
        for on, add in ((drift, add_drift), (talking, add_talking), (spont, add_spontaneous)):
            if on:
                add(s, x)
        if lost:
            add_face_lost(s, face)
        pose = add_head_motion(s, x, face) if head else None
        return NoiseTrace(x, face, pose)
    return make


#: Null families by name: ``family(NoiseSession) -> NoiseTrace``.
NOISE_FAMILIES: dict[str, Callable[[NoiseSession], NoiseTrace]] = {
    "ar1": _family("ar1"),
    "drift": _family("ar1", drift=True),
    "talking": _family("ar1", talking=True),
    "face_lost": _family("ar1", lost=True),
    "spontaneous": _family("ar1", spont=True),
    "head_motion": _family("ar1", head=True),
    "real": _family("real"),
    "mixed": _family("ar1", drift=True, talking=True, lost=True, spont=True, head=True),
    "mixed_real": _family("real", drift=True, talking=True, lost=True, spont=True, head=True),
}


def noise_frames(
    family: str,
    trials: Sequence[Trial],
    *,
    duration_s: float,
    fps: float = 30.0,
    seed: int = 0,
    amplitude: float = 0.0,
    delay_s: float = 0.6,
    traces_dir: str | os.PathLike | None = None,
    head_motion: bool = False,
) -> FramesTable:
    """Frames of a face of ``family`` watching ``trials``, with an optional known smile response.

    Parameters
    ----------
    family : str
        A key of :data:`NOISE_FAMILIES`.
    trials : sequence of Trial
    duration_s : float
        Session length, seconds.
    fps : float
        Frame rate, frames per second.
    seed : int
    amplitude : float
        Smile rise at full happy-stimulus intensity (0: the null, no mimicry).
    delay_s : float
        Delay of the injected response, seconds.
    traces_dir : path-like or None
        Folder of the real traces (``real``/``mixed_real``); default
        :func:`default_traces_dir`. Missing: :class:`InputError`.
    head_motion : bool
        Add head turns (:func:`add_head_motion`) to a family without them.

    Returns
    -------
    FramesTable
        One face slot, laid out as :func:`mimicry.simulate.signal.simulate_frames`.
    """
    check_option("family", family, tuple(NOISE_FAMILIES))
    check_range("fps", fps, 0.0, lo_open=True)
    for name, v in (("duration_s", duration_s), ("delay_s", delay_s)):
        check_range(name, v, 0.0)
    n = int(np.floor(duration_s * fps)) + 1
    t = np.arange(n) / fps
    s = NoiseSession(np.random.default_rng([seed, 0x6E6F6973]), t, fps,
                     Path(traces_dir) if traces_dir is not None else None)
    tr = NOISE_FAMILIES[family](s)
    x, face, pose, trials = tr.x, tr.face.copy(), tr.pose, list(trials)
    if head_motion and pose is None:
        pose = add_head_motion(s, x, face)
    if amplitude:
        x_happy = np.clip(signed_stimulus_signal(trials, t - delay_s), 0.0, None)
        x[:, s.col("smile")] += amplitude * x_happy
        x[:, s.col("cheek_raise")] += 0.5 * amplitude * x_happy
    np.clip(x, 0.0, 1.0, out=x)
    return _table(t, x, face, np.zeros((n, 3)) if pose is None else pose, trials)


def _table(t: np.ndarray, x: np.ndarray, face: np.ndarray, pose: np.ndarray,
           trials: list[Trial]) -> FramesTable:
    """The FramesTable of channel values ``x`` (NAMES order), as simulate_frames builds it."""
    n = len(t)
    channels = {ch: x[:, i] for i, ch in enumerate(NAMES)}
    channels["valence"] = channels["smile"] - np.clip(
        channels["brow_raise_inner"] + channels["frown"], 0.0, 1.0)
    for ch in channels:
        channels[ch] = np.where(face, channels[ch], np.nan)
    bs = np.zeros((n, len(BLENDSHAPE_NAMES)))
    for ch, name in ((ch, nm) for ch, nms in _BLENDSHAPES.items() for nm in nms):
        bs[:, BLENDSHAPE_INDEX[name]] = channels[ch]
    bs[~face] = np.nan
    trial_col, inten = np.full(n, np.nan), np.full(n, np.nan)
    cond, stim = np.full(n, "", dtype=object), np.full(n, "", dtype=object)
    for tr in trials:
        sel = (t >= tr.onset_s) & (t < tr.end_s)
        trial_col[sel] = tr.trial
        cond[sel] = tr.condition
        stim[sel] = tr.stimulus_id
    on = np.isfinite(trial_col)
    inten[on] = np.abs(signed_stimulus_signal(trials, t))[on]
    pose = np.where(face[:, None], pose, np.nan)
    return FramesTable(
        t=t, frame=np.arange(n, dtype=np.int64), face_id=np.zeros(n, dtype=np.int64),
        face_detected=face, channels=channels, pose=pose, blendshapes=bs, trial=trial_col,
        condition=cond, stimulus_id=stim, stimulus_intensity=inten,
        source=np.full(n, "", dtype=object))

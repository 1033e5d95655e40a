"""A signal-level virtual participant, for testing the analysis against ground truth.

No video and no face model: it writes the expression channels a tracker would
report for a person who mimics the stimulus with a known delay and gain. Use it
to check that the analysis recovers the delay, that "no mimicry" gives
p < 0.05 in 5% of sessions and no more, and how often real mimicry is detected.

The model, per frame at time ``t`` (``x_happy``/``x_sad``: the happy/sad
stimulus intensity at ``t - delay_s``, from :func:`mimicry.protocol.timeline.trial_intensity`)::

    smile            = base + g * smile_amplitude * x_happy + noise      (g >= 0)
    brow_raise_inner = base + g * brow_amplitude  * x_sad   + noise + blink artefact
    frown            = base + g * frown_amplitude * x_sad   + noise

With ``gain < 0`` the person shows the *opposite* expression (smiles at sad
faces, raises the inner brows at happy ones) with ``|gain|``. Noise is white
(``noise_sd``) plus slow drift (AR(1), ``drift_sd`` with time constant
``drift_tau_s``). Blinks (``blink_rate_hz``) spike the ``blink`` channel and
pull ``brow_raise_inner`` by ``blink_brow_artefact``, as blinks do on
MediaPipe's blendshapes. Short face dropouts (``dropout_rate_hz``) give
frames with ``face_detected = False`` and NaN channels. Channels are clipped
to [0, 1] and valence is computed from them as in :mod:`mimicry.core.channels`.
Default baselines follow real faces: ``brow_raise_inner`` ~0.25 on a neutral face.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from mimicry.core.channels import BLENDSHAPE_INDEX, BLENDSHAPE_NAMES, REGISTRY
from mimicry.core.check import check_int, check_option, check_range
from mimicry.core.messages import StimulusEvent
from mimicry.io.tables import FramesTable
from mimicry.protocol.timeline import Trial, signed_stimulus_signal

#: Neutral levels of a typical face (MediaPipe scores).
DEFAULT_BASELINE: dict[str, float] = {
    "smile": 0.04, "frown": 0.005, "brow_lower": 0.05, "brow_raise_inner": 0.25,
    "cheek_raise": 0.05, "jaw_open": 0.02, "blink": 0.08,
}

# Frown barely moves on real faces, blink noise is mostly the blinks themselves.
_NOISE_SCALE: dict[str, float] = {
    "smile": 1.0, "frown": 0.2, "brow_lower": 0.7, "brow_raise_inner": 1.0,
    "cheek_raise": 0.7, "jaw_open": 0.7, "blink": 0.5,
}


@dataclass(frozen=True)
class Schedule:
    """A simulated session's timeline.

    Attributes
    ----------
    trials : list of Trial
    events : list of StimulusEvent
        ``session_start``, ``calibration_start``/``calibration_end``,
        ``stimulus_onset``/``stimulus_offset`` per trial, ``session_end``.
    calibration : (float, float)
        Calibration period, seconds.
    duration_s : float
        Session length, seconds.
    """

    trials: list[Trial]
    events: list[StimulusEvent]
    calibration: tuple[float, float]
    duration_s: float


def make_schedule(
    n_per_condition: int = 8,
    conditions: Sequence[str] = ("happy", "sad", "neutral"),
    *,
    calibration_s: float = 20.0,
    stimulus_s: tuple[float, float] = (3.0, 4.0),
    iti_s: tuple[float, float] = (3.0, 4.0),
    morph_s: float = 0.5,
    intensity: float = 1.0,
    tail_s: float = 4.0,
    seed: int = 0,
) -> Schedule:
    """Calibration, then ``n_per_condition`` trials of each condition in random order.

    Parameters
    ----------
    n_per_condition : int
        Trials per condition.
    conditions : sequence of str
    calibration_s : float
        Neutral calibration period at the start, seconds (0 for none).
    stimulus_s : (float, float)
        Stimulus duration (onset to offset) drawn uniformly from this range, seconds.
    iti_s : (float, float)
        Gap from one stimulus's end (``end_s``) to the next onset, uniform, seconds.
    morph_s : float
        Morph in/out time, seconds.
    intensity : float
        Peak expression intensity, 0-1.
    tail_s : float
        Time after the last stimulus ends, seconds.
    seed : int

    Returns
    -------
    Schedule
    """
    check_int("n_per_condition", n_per_condition, 0)
    rng = np.random.default_rng(seed)
    order = np.repeat(np.asarray(conditions, dtype=object), n_per_condition)
    rng.shuffle(order)
    events = [StimulusEvent(0.0, "session_start")]
    t = 0.5
    calibration = (t, t)
    if calibration_s > 0:
        calibration = (t, t + calibration_s)
        events += [StimulusEvent(calibration[0], "calibration_start"),
                   StimulusEvent(calibration[1], "calibration_end")]
        t = calibration[1]
    t += rng.uniform(*iti_s)
    trials = []
    for i, cond in enumerate(order, start=1):
        dur = rng.uniform(*stimulus_s)
        tr = Trial(trial=i, condition=str(cond), stimulus_id=f"face{(i - 1) % 4 + 1}",
                   onset_s=round(t, 4), offset_s=round(t + dur, 4), intensity=intensity,
                   morph_s=morph_s)
        trials.append(tr)
        events += [tr.onset_event(), tr.offset_event()]
        t = tr.end_s + rng.uniform(*iti_s)
    end = (trials[-1].end_s if trials else t) + tail_s
    events.append(StimulusEvent(end, "session_end"))
    return Schedule(trials, events, calibration, end)


@dataclass(frozen=True)
class VirtualParticipant:
    """Who is being simulated: how they mimic and how noisy their face is.

    Attributes
    ----------
    delay_s : float
        Mimicry delay, seconds (>= 0).
    gain : float
        1 = full mimicry, 0 = none, negative = the opposite expression.
    smile_amplitude, brow_amplitude, frown_amplitude : float
        Channel rise at full stimulus intensity and gain 1.
    baseline : dict of str to float
        Neutral level of each channel (missing ones from :data:`DEFAULT_BASELINE`).
    noise_sd : float
        White measurement noise, SD.
    drift_sd, drift_tau_s : float
        Slow drift: AR(1) with this stationary SD and time constant (seconds).
    blink_rate_hz, blink_s : float
        Blinks per second and their length.
    blink_brow_artefact : float
        Added to ``brow_raise_inner`` at the height of a blink.
    dropout_rate_hz : float
        Face dropouts per second.
    dropout_s : (float, float)
        Dropout length, uniform, seconds.
    """

    delay_s: float = 0.5
    gain: float = 1.0
    smile_amplitude: float = 0.5
    brow_amplitude: float = 0.15
    frown_amplitude: float = 0.03
    baseline: dict = field(default_factory=dict)
    noise_sd: float = 0.03
    drift_sd: float = 0.03
    drift_tau_s: float = 5.0
    blink_rate_hz: float = 0.3
    blink_s: float = 0.15
    blink_brow_artefact: float = -0.05
    dropout_rate_hz: float = 0.02
    dropout_s: tuple[float, float] = (0.1, 0.6)

    def __post_init__(self) -> None:
        for name in ("delay_s", "noise_sd", "drift_sd", "blink_rate_hz", "dropout_rate_hz"):
            check_range(name, getattr(self, name), 0.0)
        for name in ("drift_tau_s", "blink_s"):
            check_range(name, getattr(self, name), 0.0, lo_open=True)
        check_range("gain", self.gain)
        for key in sorted(set(self.baseline) - set(DEFAULT_BASELINE)):
            check_option("baseline", key, tuple(DEFAULT_BASELINE))


def _ar1(rng: np.random.Generator, n: int, k: int, sd: float, phi: float) -> np.ndarray:
    """``k`` stationary AR(1) series of length ``n``, shape (n, k)."""
    from scipy.signal import lfilter

    if sd == 0:
        return np.zeros((n, k))
    e = rng.normal(0.0, sd * np.sqrt(1.0 - phi * phi), size=(n, k))
    x0 = rng.normal(0.0, sd, size=(1, k))
    return lfilter([1.0], [1.0, -phi], e, axis=0, zi=phi * x0)[0]


def simulate_frames(
    trials: Sequence[Trial],
    participant: VirtualParticipant | None = None,
    *,
    fps: float = 30.0,
    duration_s: float | None = None,
    frame_jitter_s: float = 0.0,
    seed: int = 0,
    blendshapes: bool = True,
    group_gains: dict | None = None,
) -> FramesTable:
    """Frames of a virtual participant watching ``trials``.

    Parameters
    ----------
    trials : sequence of Trial
    participant : VirtualParticipant | None
    fps : float
        Frame rate, frames per second.
    duration_s : float | None
        Session length (default: 4 s after the last trial ends).
    frame_jitter_s : float
        SD of random jitter of frame times (kept increasing), seconds.
    seed : int
    blendshapes : bool
        Fill the matching blendshape columns (others 0) so that
        :func:`mimicry.core.channels.compute_channels` of a row gives its channels.
    group_gains : dict of str to float, optional
        The gain at the trials of each group (``Trial.group``: ``own``,
        ``other``) in place of the participant's; trials of other groups keep it.

    Returns
    -------
    FramesTable
        One face slot (``face_id`` 0); ``trial``/``condition``/``stimulus_*``
        columns filled while a stimulus is on screen.
    """
    p = participant or VirtualParticipant()
    check_range("fps", fps, 0.0, lo_open=True)
    rng = np.random.default_rng(seed)
    if duration_s is None:
        duration_s = (max(tr.end_s for tr in trials) if trials else 0.0) + 4.0
    n = int(np.floor(duration_s * fps)) + 1
    t = np.arange(n) / fps
    if frame_jitter_s > 0:
        t = t + rng.normal(0.0, frame_jitter_s, n)
        t = np.maximum.accumulate(np.maximum(t, 0.0))
        t[1:] = np.maximum(t[1:], t[:-1] + 1e-4)
    dt = 1.0 / fps

    # Every tracked channel but the derived ones (valence), looked up by name.
    names = tuple(c.name for c in REGISTRY if c.tracked and not c.derived)
    base = {**DEFAULT_BASELINE, **p.baseline}
    x = np.array([base.get(ch, 0.0) for ch in names], dtype=float)[None, :].repeat(n, axis=0)
    scale = np.array([_NOISE_SCALE.get(ch, 1.0) for ch in names])
    x += rng.normal(0.0, p.noise_sd, size=(n, len(names))) * scale
    x += _ar1(rng, n, len(names), p.drift_sd, float(np.exp(-dt / p.drift_tau_s))) * scale

    if group_gains:
        # Each trial's signed signal times its group's gain (a negative gain: the opposite).
        signed = np.zeros(n)
        for key in {tr.group for tr in trials}:
            own = [tr for tr in trials if tr.group == key]
            signed += group_gains.get(key, p.gain) * signed_stimulus_signal(own, t - p.delay_s)
        g = 1.0
    else:
        signed = signed_stimulus_signal(list(trials), t - p.delay_s)
        g = abs(p.gain)
    x_happy = np.clip(signed, 0.0, None)
    x_sad = np.clip(-signed, 0.0, None)
    if p.gain < 0 and not group_gains:
        x_happy, x_sad = x_sad, x_happy
    col = {ch: i for i, ch in enumerate(names)}
    x[:, col["smile"]] += g * p.smile_amplitude * x_happy
    x[:, col["cheek_raise"]] += 0.5 * g * p.smile_amplitude * x_happy
    x[:, col["brow_raise_inner"]] += g * p.brow_amplitude * x_sad
    x[:, col["frown"]] += g * p.frown_amplitude * x_sad

    # Blinks: a raised-cosine bump per blink, placed by a Poisson process.
    if p.blink_rate_hz > 0:
        hits = rng.random(n) < p.blink_rate_hz * dt
        width = max(1, int(round(p.blink_s * fps)))
        kernel = 0.5 - 0.5 * np.cos(2 * np.pi * (np.arange(width) + 0.5) / width)
        bump = np.minimum(np.convolve(hits.astype(float), kernel)[:n], 1.0)
        x[:, col["blink"]] += 0.75 * bump
        x[:, col["brow_raise_inner"]] += p.blink_brow_artefact * bump

    np.clip(x, 0.0, 1.0, out=x)
    channels = {ch: x[:, i] for i, ch in enumerate(names)}
    channels["valence"] = channels["smile"] - np.clip(
        channels["brow_raise_inner"] + channels["frown"], 0.0, 1.0)

    face = np.ones(n, dtype=bool)
    if p.dropout_rate_hz > 0:
        starts = np.flatnonzero(rng.random(n) < p.dropout_rate_hz * dt)
        for i0 in starts:
            face[(t >= t[i0]) & (t < t[i0] + rng.uniform(*p.dropout_s))] = False
    for ch in channels:
        channels[ch] = np.where(face, channels[ch], np.nan)

    bs = np.zeros((n, len(BLENDSHAPE_NAMES)))
    if blendshapes:
        for ch, names_bs in (("smile", ("mouthSmileLeft", "mouthSmileRight")),
                             ("frown", ("mouthFrownLeft", "mouthFrownRight")),
                             ("brow_lower", ("browDownLeft", "browDownRight")),
                             ("brow_raise_inner", ("browInnerUp",)),
                             ("cheek_raise", ("cheekSquintLeft", "cheekSquintRight")),
                             ("jaw_open", ("jawOpen",)),
                             ("blink", ("eyeBlinkLeft", "eyeBlinkRight"))):
            for name in names_bs:
                bs[:, BLENDSHAPE_INDEX[name]] = channels[ch]
    bs[~face] = np.nan

    trial_col = np.full(n, np.nan)
    cond = np.full(n, "", dtype=object)
    stim = np.full(n, "", dtype=object)
    inten = np.full(n, np.nan)
    for tr in trials:
        sel = (t >= tr.onset_s) & (t < tr.end_s)
        trial_col[sel] = tr.trial
        cond[sel] = tr.condition
        stim[sel] = tr.stimulus_id
    inten_all = np.abs(signed_stimulus_signal(list(trials), t))
    on = np.isfinite(trial_col)
    inten[on] = inten_all[on]
    pose = np.where(face[:, None], 0.0, np.nan) * np.ones((n, 3))
    return FramesTable(
        t=t, frame=np.arange(n, dtype=np.int64), face_id=np.zeros(n, dtype=np.int64),
        face_detected=face, channels=channels, pose=pose, blendshapes=bs, trial=trial_col,
        condition=cond, stimulus_id=stim, stimulus_intensity=inten,
        source=np.full(n, "", dtype=object))

"""How the virtual participant's expression follows what it sees: mimicry, noise, a leader's episodes.

Everything is a pure function of its arguments: :func:`participant_expression`
gives the same expression for the same (schedule, t, delay, gain, noise, seed),
so the app's live demo participant and a rendered ``participant.mp4`` agree.
"""

from __future__ import annotations

import functools
import math
from dataclasses import replace
from typing import Sequence

import numpy as np

from mimicry.core.check import check_range
from mimicry.core.errors import InputError
from mimicry.protocol.schedule import Schedule
from mimicry.protocol.timeline import ExpressionStep, Trial, active_trial, trial_intensity

_OPPOSITE = {"happy": "sad", "sad": "happy"}

#: Ramp (seconds) of the dyad leader's expression episodes.
EPISODE_MORPH_S = 0.4
#: Ramp (seconds) into and out of a posed expression of the expression calibration.
POSE_MORPH_S = 0.6
#: The face condition showing each posed expression (``EXPRESSION_NAMES`` of the protocol model).
POSE_CONDITION = {"smile": "happy", "sad": "sad"}


# --------------------------------------------------------------------------- the model

def _check_params(delay_s: float, gain: float, noise: float) -> None:
    check_range("delay", delay_s, 0.0, error=InputError, expected="a number of seconds >= 0")
    check_range("gain", gain, error=InputError,
                expected="a finite number (1 full mimicry, 0 none, negative the opposite expression)")
    check_range("noise", noise, 0.0, 1.0, error=InputError)


@functools.lru_cache(maxsize=64)
def _noise_components(seed: int, stream: int) -> tuple[np.ndarray, np.ndarray, float]:
    rng = np.random.default_rng([int(seed), int(stream), 0x6E6F6973])
    k = 6
    freqs = rng.uniform(1 / 12, 1 / 2, size=k)  # Hz: periods of 2-12 s
    phases = rng.uniform(0, 2 * np.pi, size=k)
    return freqs, phases, math.sqrt(2.0 / k)


def smooth_noise(t_s: float | np.ndarray, seed: int, stream: int = 0) -> float | np.ndarray:
    """Smooth zero-mean noise with unit standard deviation, a pure function of (seed, stream, t).

    A sum of six sinusoids with random periods of 2-12 s and random phases.
    """
    freqs, phases, amp = _noise_components(seed, stream)
    t = np.asarray(t_s, dtype=float)
    out = amp * np.sin(2 * np.pi * freqs * t[..., None] + phases).sum(axis=-1)
    return out if out.ndim else float(out)


def mimic_expression(trials: Sequence[Trial], t_s: float, delay_s: float, gain: float,
                     noise: float = 0.0, seed: int = 0, group_gains=None):
    """The expression of a face mimicking ``trials`` (see the module docstring).

    Parameters
    ----------
    trials : sequence of Trial
        What is mimicked (stimulus trials, or a dyad leader's episodes).
    t_s : float
        Seconds from session start.
    delay_s : float
        Mimicry latency, >= 0.
    gain : float
        1 full mimicry, 0 none, negative the opposite expression.
    noise : float
        Standard deviation of the spontaneous fluctuations, 0-1.
    seed : int
        Seeds the fluctuations.
    group_gains : mapping of str to float, optional
        The gain for the trials of each group (``own``, ``other``): a face
        that mimics one group more than the other. Trials of other groups
        take ``gain``.

    Returns
    -------
    mimicry.stimulus.face.Expression
    """
    from mimicry.stimulus.face import Expression, expression_for

    tr = active_trial(trials, t_s - delay_s)
    expr = Expression()
    if tr is not None and group_gains and tr.group in group_gains:
        gain = group_gains[tr.group]
    if tr is not None and gain != 0:
        v = gain * float(trial_intensity(tr, t_s - delay_s))
        v = max(-1.0, min(1.0, v))
        if v > 0:
            expr = expression_for(tr.condition, v)
        elif v < 0 and tr.condition in _OPPOSITE:
            expr = expression_for(_OPPOSITE[tr.condition], -v)
    return with_noise(expr, t_s, noise, seed)


def with_noise(expr, t_s: float, noise: float, seed: int):
    """``expr`` with smooth spontaneous fluctuations of its happy and sad parts (0-1 clipped)."""
    if noise <= 0:
        return expr
    return replace(
        expr,
        happy=min(max(expr.happy + noise * smooth_noise(t_s, seed, 1), 0.0), 1.0),
        sad=min(max(expr.sad + noise * smooth_noise(t_s, seed, 2), 0.0), 1.0),
    )


def posed_trials(steps: Sequence[ExpressionStep]) -> tuple[Trial, ...]:
    """The expression calibration's posed expressions as full-intensity :class:`Trial` objects.

    A smile is a happy face and a sad face a sad one, at intensity 1 from
    each ``expression_start`` to its ``expression_end`` (ramps of
    :data:`POSE_MORPH_S`, the way back to neutral inside the relax); trial
    number 0, never a stimulus trial.
    """
    out = []
    for st in steps:
        morph = min(POSE_MORPH_S, (st.end_s - st.start_s) / 2)
        out.append(Trial(trial=0, condition=POSE_CONDITION.get(st.expression, "neutral"),
                         stimulus_id="", onset_s=st.start_s, offset_s=st.end_s - morph,
                         intensity=1.0, morph_s=morph, block=0))
    return tuple(out)


def demo_expression(trials: Sequence[Trial], poses: Sequence[Trial], t_s: float,
                    delay_s: float, gain: float, noise: float = 0.0, seed: int = 0,
                    group_gains=None):
    """A face that poses ``poses`` when asked and otherwise mimics ``trials``.

    While a pose (from :func:`posed_trials`) is under way at ``t_s - delay_s``
    the face shows it at full intensity, whatever ``gain`` (posing on request
    is not mimicry); otherwise :func:`mimic_expression`. Noise and
    ``group_gains`` as there.
    """
    from mimicry.stimulus.face import expression_for

    pose = active_trial(poses, t_s - delay_s) if poses else None
    if pose is None:
        return mimic_expression(trials, t_s, delay_s, gain, noise, seed, group_gains)
    expr = expression_for(pose.condition, float(trial_intensity(pose, t_s - delay_s)))
    return with_noise(expr, t_s, noise, seed)


def participant_expression(schedule: Schedule, t_s: float, delay_s: float, gain: float,
                           noise: float = 0.0, seed: int = 0, group_gains=None):
    """The virtual participant's expression at ``t_s``: a pure function of its arguments.

    Parameters
    ----------
    schedule : mimicry.protocol.schedule.Schedule
        The stimulus schedule being watched.
    t_s : float
        Seconds from session start (the stimulus's t = 0).
    delay_s : float
        Mimicry latency in seconds, >= 0.
    gain : float
        1 full mimicry; 0 none; negative the opposite expression (a happy
        stimulus makes the face look sad and vice versa). The result is
        clipped to intensity 1.
    noise : float
        0-1: standard deviation of smooth spontaneous fluctuations added to
        the happy and sad intensities (clipped at 0).
    seed : int
        Seeds the fluctuations.
    group_gains : mapping of str to float, optional
        Per-group gains (see :func:`mimic_expression`).

    Returns
    -------
    mimicry.stimulus.face.Expression

    Notes
    -----
    During the schedule's expression calibration the participant does what
    the screen asks, ``delay_s`` late: a broad smile (full intensity) for
    ``smile`` and a sad face for ``sad``, whatever ``gain``
    (:func:`demo_expression`), so a simulated session has a range.
    """
    _check_params(delay_s, gain, noise)
    return demo_expression(schedule.trials, posed_trials(getattr(schedule, "expressions", ())),
                           t_s, delay_s, gain, noise, seed, group_gains)


def leader_episodes(duration_s: float, seed: int, identity: str = "leader") -> tuple[Trial, ...]:
    """A dyad leader's spontaneous expressions: random happy/sad episodes.

    Episodes last 1.5-4 s (including a 0.4 s ramp in and out), with 2-5 s of
    neutral between them, peak intensity 0.6-1, happy or sad with equal
    chance; the first starts 1.5-3 s in. Returned as :class:`~mimicry.protocol.timeline.Trial`
    objects so :func:`~mimicry.protocol.timeline.trial_intensity` gives their time course.
    """
    rng = np.random.default_rng([int(seed), 0x6C656164])
    episodes: list[Trial] = []
    t = float(rng.uniform(1.5, 3.0))
    while True:
        length = float(rng.uniform(1.5, 4.0))
        if t + length > duration_s - 0.5:
            break
        cond = "happy" if rng.random() < 0.5 else "sad"
        intensity = round(float(rng.uniform(0.6, 1.0)), 3)
        onset = round(t, 3)
        offset = round(t + length - EPISODE_MORPH_S, 3)
        episodes.append(Trial(trial=len(episodes) + 1, condition=cond, stimulus_id=identity,
                              onset_s=onset, offset_s=offset, intensity=intensity,
                              morph_s=EPISODE_MORPH_S, block=1))
        t = offset + EPISODE_MORPH_S + float(rng.uniform(2.0, 5.0))
    return tuple(episodes)


# --------------------------------------------------------------------------- rendering

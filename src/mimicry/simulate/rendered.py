"""A virtual participant with known mimicry, for demos, teaching and tests.

The virtual participant is a built-in face (by default
:data:`~mimicry.stimulus.face.PARTICIPANT_IDENTITY`, never one of the stimulus
identities) whose expression is a known function of the stimulus:

.. math::

    v(t) = \\mathrm{gain} \\cdot s(t - \\mathrm{delay})

where :math:`s` is the intended expression of the stimulus trial on screen
(:func:`mimicry.protocol.timeline.trial_intensity`). For a happy trial, :math:`v > 0`
is a smile and :math:`v < 0` (negative gain) a sad face; for a sad trial the
reverse; neutral trials give nothing; yawn trials give a yawn for
:math:`v > 0` only. :math:`|v|` is clipped to 1. On top, with ``noise`` > 0,
smooth random fluctuations (standard deviation ``noise``, periods of about
2-12 s) are added to the happy and sad intensities, each then clipped to
0-1. During the schedule's optional expression calibration the face does
what the screen asks, whatever the gain: a full smile, then a sad face
(:func:`~mimicry.simulate.expression.posed_trials`). The face also blinks and
moves its head a little (:class:`~mimicry.stimulus.face.FaceAnimator`).

Everything is a pure function of its arguments: :func:`participant_expression`
gives the same expression for the same (schedule, t, delay, gain, noise, seed),
so the app's live demo participant and a rendered ``participant.mp4`` agree.

A dyad (:func:`simulate_dyad`) has two faces side by side: a leader showing
spontaneous happy and sad episodes (:func:`leader_episodes`) and a follower
mimicking the leader with the same model.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Sequence

import numpy as np

from mimicry import __version__
from mimicry.core.check import check_int, check_option, check_range
from mimicry.core.errors import InputError
from mimicry.core.messages import StimulusEvent
from mimicry.io.formats import format_detail
from mimicry.protocol.model import Protocol
from mimicry.protocol.schedule import build_schedule
from mimicry.protocol.timeline import Trial
from mimicry.simulate.expression import (_check_params, demo_expression, leader_episodes,
                                         posed_trials)


@dataclass(frozen=True)
class SimulationResult:
    """What a simulation wrote.

    Attributes
    ----------
    video, events, params : Path
        ``participant.mp4``, ``events.csv`` and ``simulation.json``.
    n_frames : int
    fps : float
    duration_s : float
        Session duration (the ``session_end`` event), seconds.
    """

    video: Path
    events: Path
    params: Path
    n_frames: int
    fps: float
    duration_s: float


def _check_render(fps: float, size_px: int) -> None:
    check_range("fps", fps, 1.0, 240.0, error=InputError)
    check_int("size", size_px, 64, 4096, error=InputError,
              expected="an integer number of pixels from 64 to 4096")


def _check_identity(identity: str, not_in: Sequence[str], what: str) -> None:
    from mimicry.stimulus.face import IDENTITIES

    check_option("identity", identity, IDENTITIES, error=InputError)
    if identity in not_in:
        others = [i for i in IDENTITIES if i not in not_in]
        raise InputError(f"identity {identity!r} is also {what}; the virtual participant must "
                         f"look different: choose one of {', '.join(repr(i) for i in others)}")


def _write_json(path: Path, data: dict) -> None:
    from mimicry.io.atomic import write_json_atomic  # noqa: PLC0415

    write_json_atomic(path, data)


def _trial_dict(tr: Trial) -> dict:
    return {"trial": tr.trial, "condition": tr.condition, "onset_s": tr.onset_s,
            "offset_s": tr.offset_s, "intensity": tr.intensity, "morph_s": tr.morph_s}


def _group_gains(protocol: Protocol, gains: dict | None) -> dict:
    """``gains`` keyed ``own``/``other``: a group's name may stand for its key; checked."""
    if not gains:
        return {}
    groups = protocol.groups
    if groups is None:
        raise InputError(f"--group-gain needs a protocol with [groups]; protocol "
                         f"{protocol.name!r} has none (try --protocol groups)")
    names = {"own": "own", "other": "other", groups.own.name: "own", groups.other.name: "other"}
    out = {}
    for name, g in gains.items():
        if name not in names:
            raise InputError(f"--group-gain {name}=...: no such group in protocol "
                             f"{protocol.name!r}; expected own or other")
        _check_params(0.0, g, 0.0)
        out[names[name]] = float(g)
    return out


def _check_jobs(jobs: int) -> int:
    check_int("jobs", jobs, 1, 64, error=InputError)
    return jobs


class _ParticipantFrames:
    """Frame ``i`` of a face mimicking ``trials`` and posing ``poses``; picklable."""

    def __init__(self, trials, identity, size_px, seed, fps, delay_s, gain, noise, noise_seed,
                 poses=(), group_gains=None):
        self.args = (tuple(trials), identity, size_px, seed, fps, delay_s, gain, noise, noise_seed)
        self.poses = tuple(poses)
        self.group_gains = dict(group_gains or {})
        self._anim = None

    def __getstate__(self):
        return {"args": self.args, "poses": self.poses, "group_gains": self.group_gains,
                "_anim": None}

    def __call__(self, i: int) -> np.ndarray:
        trials, identity, size_px, seed, fps, delay_s, gain, noise, noise_seed = self.args
        if self._anim is None:
            from mimicry.stimulus.face import FaceAnimator

            self._anim = FaceAnimator(identity, size_px, seed=seed)
        t = i / fps
        return self._anim.frame(t, demo_expression(trials, self.poses, t, delay_s, gain, noise,
                                                   noise_seed, self.group_gains))


class _DyadFrames:
    def __init__(self, leader: _ParticipantFrames, follower: _ParticipantFrames, side: str):
        self.leader, self.follower, self.side = leader, follower, side

    def __call__(self, i: int) -> np.ndarray:
        a, b = self.leader(i), self.follower(i)
        return np.concatenate([a, b] if self.side == "left" else [b, a], axis=1)


def simulate_participant(protocol: Protocol, out_dir: str | Path, *, delay_s: float = 0.5,
                         gain: float = 1.0, noise: float = 0.0, seed: int | None = None,
                         fps: float = 30.0, size_px: int = 480, identity: str | None = None,
                         progress=None, jobs: int = 1,
                         group_gains: dict | None = None) -> SimulationResult:
    """Render a virtual participant watching ``protocol``.

    Writes ``out_dir/participant.mp4`` (t = 0 of the video is t = 0 of the
    events), ``out_dir/events.csv`` (the stimulus timeline of the protocol
    and seed) and ``out_dir/simulation.json`` (the ground truth).

    Parameters
    ----------
    protocol : Protocol
    out_dir : path-like
        Created if needed.
    delay_s, gain, noise
        See :func:`participant_expression`.
    seed : int or None
        Seeds the schedule, the participant's fluctuations, blinks and head
        motion. None: the protocol's seed.
    fps : float
    size_px : int
        Side of the square video.
    identity : str or None
        The participant's face; default
        :data:`~mimicry.stimulus.face.PARTICIPANT_IDENTITY`. Must not be one
        of the protocol's stimulus identities.
    progress : mimicry.core.progress.Progress or None
        Told the number of frames rendered.
    jobs : int
        Processes rendering frames in parallel (the video is the same).
    group_gains : dict of str to float, optional
        The gain at the faces of each group of the protocol's ``[groups]``
        (``own``, ``other`` or the groups' names); others take ``gain``.

    Returns
    -------
    SimulationResult
    """
    from mimicry.stimulus.face import PARTICIPANT_IDENTITY
    from mimicry.io.tables import write_events
    from mimicry.io.atomic import ensure_writable_folder
    from mimicry.io.video import write_video

    _check_params(delay_s, gain, noise)
    _check_render(fps, size_px)
    group_gains = _group_gains(protocol, group_gains)
    schedule = build_schedule(protocol, seed)
    seed = schedule.seed
    identity = PARTICIPANT_IDENTITY if identity is None else identity
    _check_identity(identity, protocol.identities,
                    f"a stimulus identity of protocol {protocol.name!r}")
    out = ensure_writable_folder(out_dir, "--out")

    n_frames = int(round(schedule.duration_s * fps))
    # The same seed for the face (blinks, head motion) and the fluctuations: they draw
    # from separate streams, and participant_expression(..., seed) reproduces the video.
    frame_at = _ParticipantFrames(schedule.trials, identity, size_px, seed, fps, delay_s, gain,
                                  noise, seed, posed_trials(schedule.expressions), group_gains)
    if progress is not None:
        progress.total = n_frames
    video = write_video(out / "participant.mp4", frame_at, n_frames, fps, (size_px, size_px),
                        progress, jobs=_check_jobs(jobs))
    events = out / "events.csv"
    write_events(events, schedule.events())
    params = out / "simulation.json"
    _write_json(params, {
        "mimicry_version": __version__,
        "mode": "participant",
        "protocol": protocol.name,
        "protocol_file": str(protocol.path) if protocol.path else None,
        "seed": seed,
        "delay_s": float(delay_s),
        "gain": float(gain),
        **({"group_gains": group_gains} if group_gains else {}),
        "noise": float(noise),
        "participant_identity": identity,
        "stimulus_ids": list(schedule.stimulus_ids),
        "fps": float(fps),
        "size_px": size_px,
        "n_frames": n_frames,
        "duration_s": schedule.duration_s,
        "video": video.name,
        "events": events.name,
        "model": "expression(t) = clip(gain * stimulus_intensity(t - delay_s), -1, 1) on the "
                 "trial's condition (negative: the opposite of happy/sad), plus smooth noise "
                 "of standard deviation `noise` on happy and sad, clipped to 0-1; during the "
                 "expression calibration a full smile / sad face as asked, delay_s late",
    })
    return SimulationResult(video=video, events=events, params=params, n_frames=n_frames,
                            fps=float(fps), duration_s=schedule.duration_s)


def simulate_dyad(out_dir: str | Path, *, leader: Literal["left", "right"] = "left",
                  delay_s: float = 0.5, gain: float = 1.0, noise: float = 0.0, seed: int = 0,
                  duration_s: float = 60.0, fps: float = 30.0, size_px: int = 480,
                  identity: str | None = None, leader_identity: str | None = None,
                  progress=None, jobs: int = 1) -> SimulationResult:
    """Render two faces side by side: a leader and a follower who mimics it.

    The video is ``2 * size_px`` wide and ``size_px`` high. The leader shows
    :func:`leader_episodes`; the follower shows
    ``mimic_expression(episodes, t, delay_s, gain, noise)``. ``events.csv``
    holds only ``session_start`` and ``session_end``; ``simulation.json``
    records the leader's side, identities, delay, gain, noise and episodes.

    Parameters
    ----------
    leader : {"left", "right"}
        The leader's side of the image (the tracker numbers faces from the
        left: the leader is face_id 0 when on the left).
    identity : str or None
        The follower; default :data:`~mimicry.stimulus.face.PARTICIPANT_IDENTITY`.
    leader_identity : str or None
        Default: the first built-in identity that is not the follower.
    jobs : int
        Processes rendering frames in parallel.
    """
    from mimicry.stimulus.face import IDENTITIES, PARTICIPANT_IDENTITY
    from mimicry.io.tables import write_events
    from mimicry.io.atomic import ensure_writable_folder
    from mimicry.io.video import write_video

    check_option("leader", leader, ("left", "right"), error=InputError)
    _check_params(delay_s, gain, noise)
    _check_render(fps, size_px)
    check_range("duration_s", duration_s, 5.0, 3600.0, error=InputError,
                expected="seconds from 5 to 3600")
    check_int("seed", seed, 0, error=InputError)
    follower_id = PARTICIPANT_IDENTITY if identity is None else identity
    _check_identity(follower_id, (), "")
    if leader_identity is None:
        leader_identity = next(i for i in IDENTITIES if i != follower_id)
    _check_identity(leader_identity, (follower_id,), "the follower's identity")
    out = ensure_writable_folder(out_dir, "--out")

    episodes = leader_episodes(duration_s, seed, leader_identity)
    n_frames = int(round(duration_s * fps))
    frame_at = _DyadFrames(
        _ParticipantFrames(episodes, leader_identity, size_px, seed * 2 + 1, fps, 0.0, 1.0,
                           0.0, 0),
        _ParticipantFrames(episodes, follower_id, size_px, seed * 2 + 2, fps, delay_s, gain,
                           noise, seed),
        leader)
    if progress is not None:
        progress.total = n_frames
    video = write_video(out / "participant.mp4", frame_at, n_frames, fps,
                        (2 * size_px, size_px), progress, jobs=_check_jobs(jobs))
    events = out / "events.csv"
    detail = format_detail({"mode": "dyad", "leader": leader, "seed": seed})
    write_events(events, [StimulusEvent(t=0.0, event="session_start", detail=detail),
                          StimulusEvent(t=float(duration_s), event="session_end")])
    params = out / "simulation.json"
    _write_json(params, {
        "mimicry_version": __version__,
        "mode": "dyad",
        "seed": seed,
        "leader": leader,
        "leader_face_id": 0 if leader == "left" else 1,
        "leader_identity": leader_identity,
        "follower_identity": follower_id,
        "delay_s": float(delay_s),
        "gain": float(gain),
        "noise": float(noise),
        "fps": float(fps),
        "size_px": size_px,
        "width_px": 2 * size_px,
        "n_frames": n_frames,
        "duration_s": float(duration_s),
        "video": video.name,
        "events": events.name,
        "episodes": [_trial_dict(e) for e in episodes],
        "model": "follower(t) = clip(gain * leader(t - delay_s), -1, 1) plus smooth noise of "
                 "standard deviation `noise` on happy and sad; the leader shows `episodes`",
    })
    return SimulationResult(video=video, events=events, params=params, n_frames=n_frames,
                            fps=float(fps), duration_s=float(duration_s))

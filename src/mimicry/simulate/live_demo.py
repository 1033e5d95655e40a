"""The demo participant: the virtual participant as a live frame source.

With no camera (or ``--source demo``) this source stands in for a webcam: a
rendered face (:data:`~mimicry.stimulus.face.PARTICIPANT_IDENTITY`) that
mimics whatever stimulus trials it is told about, after ``delay_s`` with
``gain`` and a little spontaneous noise. The app tells it about every trial it
shows (protocol or free-run keys) with :meth:`DemoParticipantSource.show`;
``mimicry record --source demo`` gives it the protocol's schedule
(:meth:`DemoParticipantSource.watch`). During the schedule's expression
calibration it does what the screen asks: a full smile, then a sad face.
Both build it with :func:`demo_for_session`, so it is the same participant in
the app and on the command line: in the try-not-to-smile game it damps its
mimicry (:func:`demo_gain`).

Like a person, it does not answer every face equally: each trial's response is
scaled by a seeded factor in :data:`RESPONSE_RANGE`. A perfect, identical copy
of every face would give a mimicry index of 30 or more (no trial-to-trial
spread at all), which no real viewer shows and which would mislead a class.

It is always labelled as a demo wherever its frames are shown or recorded
(``session.json`` source kind ``demo``).
"""

from __future__ import annotations

import threading
from dataclasses import replace

from mimicry.core.clock import Clock, MonotonicClock, Pacer
from mimicry.core.messages import Frame
from mimicry.sources import FrameSource
from mimicry.protocol.timeline import Trial


#: Range of the per-trial response strength of the demo participant (times ``gain``).
RESPONSE_RANGE: tuple[float, float] = (0.5, 1.0)

#: The demo participant's mimicry gain when no activity asks for another.
DEFAULT_GAIN = 0.8

#: Its gain in the activities that ask for another (by activity name). Trying not
#: to smile (``no_smile``) it damps its mimicry: it still leaks, but keeps a straight face.
ACTIVITY_GAINS: dict[str, float] = {"no_smile": 0.35}


class DemoParticipantSource(FrameSource):
    """A paced, rendered participant that mimics the trials it is shown.

    Parameters
    ----------
    realtime : bool
        Pace frames at ``fps`` on ``clock`` (like a camera). False renders as
        fast as possible on a frame-count clock (tests).
    fps : float
    size_px : int
        Square frame size.
    delay_s, gain, noise : float
        The mimicry it shows (see :func:`mimicry.simulate.expression.mimic_expression`).
    seed : int
    duration_s : float or None
        End of stream; None runs until closed.
    """

    kind = "demo"

    def __init__(self, *, realtime: bool = True, clock: Clock | None = None, fps: float = 30.0,
                 size_px: int = 480, delay_s: float = 0.6, gain: float = DEFAULT_GAIN,
                 noise: float = 0.05, seed: int = 7, duration_s: float | None = None) -> None:
        super().__init__()
        from mimicry.stimulus.face import PARTICIPANT_IDENTITY, FaceAnimator  # noqa: PLC0415

        self.name = f"demo participant ({PARTICIPANT_IDENTITY}, mimicry delay {delay_s:g} s, " \
                    f"gain {gain:g})"
        self.fps = float(fps)
        self.size = (size_px, size_px)
        self.realtime = realtime
        self.delay_s, self.gain, self.noise, self.seed = delay_s, gain, noise, seed
        self.duration_s = duration_s
        self._clock = clock or MonotonicClock()
        self._animator = FaceAnimator(PARTICIPANT_IDENTITY, size_px, seed=seed)
        self._trials: list[Trial] = []
        self._poses: tuple[Trial, ...] = ()
        self._lock = threading.Lock()
        self._index = 0  # ticks of the frame clock, dropped ones included
        self._delivered = 0
        self._pacer = Pacer(self._clock)

    def _as_felt(self, trial: Trial) -> Trial:
        """``trial`` with this participant's response strength for it (seeded per trial)."""
        import numpy as np  # noqa: PLC0415

        u = np.random.default_rng([self.seed, int(trial.trial), 0x64656D6F]).uniform(
            *RESPONSE_RANGE)
        return replace(trial, intensity=trial.intensity * float(u))

    def show(self, trial: Trial) -> None:
        """Tell the participant a stimulus trial is (or will be) on screen."""
        with self._lock:
            self._trials.append(self._as_felt(trial))
            # Only recent trials matter; keep the list short for a long session.
            if len(self._trials) > 32:
                del self._trials[:-32]

    def set_trials(self, trials) -> None:
        with self._lock:
            self._trials = [self._as_felt(tr) for tr in trials]

    def watch(self, schedule) -> None:
        """Watch a protocol's ``schedule``: mimic its trials, pose its expression calibration."""
        from mimicry.simulate.expression import posed_trials  # noqa: PLC0415

        self.set_trials(schedule.trials)
        with self._lock:
            self._poses = posed_trials(getattr(schedule, "expressions", ()))

    def resumed(self, paused_s: float) -> None:
        if self.realtime:
            self._pacer.shift(paused_s)

    def describe(self) -> dict:
        d = super().describe()
        d.update(delay_s=self.delay_s, gain=self.gain, noise=self.noise, seed=self.seed,
                 realtime=self.realtime)
        return d

    def _next_time(self) -> float | None:
        """The next frame's time, waited for when paced; None when the source has ended."""
        if self._closed:
            return None
        t = self._index / self.fps
        if self.duration_s is not None and t >= self.duration_s:
            return None
        if self.realtime:
            late_s = self._pacer.wait_until(t)
            if late_s > 2.0 / self.fps:
                # Rendering fell behind: skip ahead like a camera would, counting drops.
                skip = int(late_s * self.fps)
                self._index += skip
                self.dropped += skip
                t = self._index / self.fps
        return t

    def _deliver(self, t: float, image) -> Frame:
        frame = Frame(index=self._delivered, t=t, image=image)
        self._index += 1
        self._delivered += 1
        return frame

    def read(self) -> Frame | None:
        t = self._next_time()
        if t is None:
            return None
        from mimicry.simulate.expression import demo_expression  # noqa: PLC0415

        with self._lock:
            trials, poses = list(self._trials), self._poses
        expr = demo_expression(trials, poses, t, self.delay_s, self.gain, self.noise, self.seed)
        return self._deliver(t, self._animator.frame(t, expr))


class DyadDemoSource(DemoParticipantSource):
    """Two demo participants side by side: a leader with spontaneous expressions, a follower.

    For the two-person synchrony mode without two real people. The leader
    shows :func:`mimicry.simulate.expression.leader_episodes`; the follower mimics it
    ``delay_s`` later (gain ``gain``, noise ``noise``). Frames are
    ``2 * size_px`` wide. Always labelled as a demo (source kind ``demo``).

    Parameters
    ----------
    leader : {"left", "right"}
        The leader's side of the image.
    Other parameters as :class:`DemoParticipantSource`.
    """

    def __init__(self, *, leader: str = "left", realtime: bool = True,
                 clock: Clock | None = None, fps: float = 30.0, size_px: int = 240,
                 delay_s: float = 0.6, gain: float = 1.0, noise: float = 0.05, seed: int = 7,
                 duration_s: float | None = None) -> None:
        from mimicry.core.check import check_option  # noqa: PLC0415
        from mimicry.simulate.expression import leader_episodes  # noqa: PLC0415
        from mimicry.stimulus.face import IDENTITIES, PARTICIPANT_IDENTITY, FaceAnimator  # noqa: PLC0415

        check_option("leader", leader, ("left", "right"))
        super().__init__(realtime=realtime, clock=clock, fps=fps, size_px=size_px,
                         delay_s=delay_s, gain=gain, noise=noise, seed=seed,
                         duration_s=duration_s)
        self.leader = leader
        self.name = (f"demo pair (the {leader} face leads, the other follows {delay_s:g} s "
                     f"later)")
        self.size = (2 * size_px, size_px)
        leader_id = next(i for i in IDENTITIES if i != PARTICIPANT_IDENTITY)
        self._leader_animator = FaceAnimator(leader_id, size_px, seed=seed + 1)
        # Episodes for up to two hours; only the current one matters.
        self._episodes = leader_episodes(7200.0, seed, leader_id)

    def describe(self) -> dict:
        d = super().describe()
        d.update(mode="dyad", leader=self.leader)
        return d

    def set_trials(self, trials) -> None:  # the pair ignores stimulus trials
        return None

    def show(self, trial) -> None:
        return None

    def read(self) -> Frame | None:
        t = self._next_time()
        if t is None:
            return None
        import numpy as np  # noqa: PLC0415

        from mimicry.simulate.expression import mimic_expression  # noqa: PLC0415

        lead = self._leader_animator.frame(t, mimic_expression(self._episodes, t, 0.0, 1.0))
        follow = self._animator.frame(t, mimic_expression(self._episodes, t, self.delay_s,
                                                          self.gain, self.noise, self.seed))
        pair = [lead, follow] if self.leader == "left" else [follow, lead]
        return self._deliver(t, np.concatenate(pair, axis=1))


def open_demo(spec: str, *, realtime: bool | None = None, clock=None) -> DemoParticipantSource:
    """The ``demo`` kind of :data:`mimicry.sources.base.SOURCES`: paced unless told otherwise."""
    return DemoParticipantSource(realtime=True if realtime is None else realtime, clock=clock)


def demo_gain(activity: str | None) -> float:
    """The demo participant's mimicry gain in ``activity`` (a protocol's activity name or None).

    :data:`ACTIVITY_GAINS` names the activities that ask for another than
    :data:`DEFAULT_GAIN`.
    """
    return ACTIVITY_GAINS.get(activity or "", DEFAULT_GAIN)


def demo_for_session(schedule=None, *, activity: str | None = None, prompts=None,
                     realtime: bool = True, clock: Clock | None = None,
                     size_px: int = 480) -> DemoParticipantSource:
    """The demo participant of one session: the one place it is built for a session plan.

    ``mimicry record --source demo`` and the app both call this, so it is the
    same participant in both.

    Parameters
    ----------
    schedule : Schedule or None
        The protocol's schedule: it mimics its trials and poses its expression
        calibration (:meth:`DemoParticipantSource.watch`). None in a free run
        (the app then tells it each trial with :meth:`~DemoParticipantSource.show`).
    activity : str or None
        The session's activity (:attr:`mimicry.runtime.plan.SessionPlan.demo_mode`);
        sets its gain (:func:`demo_gain`).
    prompts : sequence of Trial or None
        Other trials to follow, e.g. the teacher-as-stimulus capture's prompts
        (:func:`mimicry.activities.capture.capture.prompt_trials`): the demo
        then plays the volunteer.
    realtime : bool
        Paced like a camera; False renders as fast as possible on a frame-count
        clock (``mimicry record --fast``).
    clock : Clock or None
    size_px : int
        Square frame size.

    Returns
    -------
    DemoParticipantSource
    """
    src = DemoParticipantSource(realtime=realtime, clock=clock, size_px=size_px,
                                gain=demo_gain(activity))
    if prompts is not None:
        src.set_trials(prompts)
    if schedule is not None:
        src.watch(schedule)
    return src

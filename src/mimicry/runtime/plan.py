"""What the operator asked for (:class:`SessionRequest`), validated into a :class:`SessionPlan`."""

from __future__ import annotations

from dataclasses import dataclass, field

from mimicry.runtime.settings import CAPTURE, DYAD, FREE_RUN


# --------------------------------------------------------------------------- requests and plans

@dataclass(frozen=True)
class SessionRequest:
    """What the operator asked for.

    Attributes
    ----------
    source : str
        Camera index, ``"demo"`` or a video path (as ``--source``).
    protocol : str
        Shipped protocol name, TOML path, or :data:`~mimicry.runtime.settings.FREE_RUN`.
    participant : str
    out_dir : str
        Folder for session folders; empty for the default.
    record : bool
        Save frames.csv/events.csv/session.json (numbers only).
    paced : bool
        Play a video source at its frame rate (a stand-in camera). False reads
        it as fast as tracking allows (tests, ``--fast``); a camera is always live.
    model : str or None
        Face model path (``--model``).
    seed : int or None
        Protocol seed override.
    expression_calibration : bool
        Run the protocol's expression calibration (a wide smile, a sad face
        after the neutral calibration) when it has one; False skips it for
        this session (``mimicry record --skip-expressions``, the app's
        setup-page checkbox).
    """

    source: str
    protocol: str
    participant: str = "anonymous"
    out_dir: str = ""
    record: bool = True
    paced: bool = True
    model: str | None = None
    seed: int | None = None
    expression_calibration: bool = True


@dataclass
class SessionPlan:
    """A validated session, ready to run (built on the UI thread, cheap).

    Attributes
    ----------
    request : SessionRequest
    protocol : mimicry.protocol.model.Protocol
        The protocol, or the free run's timing template.
    schedule : Schedule or None
        None in free-run mode.
    freerun : FreeRunTimeline or None
    calibration : (float, float)
        Seconds.
    duration_s : float or None
        Planned end (None: until stopped).
    events : list of StimulusEvent
        The timeline the runner logs as the session clock reaches each event.
    dyad : bool
        Two-person synchrony: two face slots, no stimulus (a free run in which
        no face is shown; the calm start lets both settle).
    capture : tuple of CapturePhase or None
        The teacher-as-stimulus capture: its prompts (no stimulus is shown).
    """

    request: SessionRequest
    protocol: object
    schedule: object | None
    freerun: object | None
    calibration: tuple[float, float]
    duration_s: float | None
    events: list = field(default_factory=list)
    dyad: bool = False
    capture: tuple | None = None

    @property
    def faces(self) -> int:
        """Face slots tracked and recorded."""
        return 2 if self.dyad else 1

    @property
    def demo_mode(self) -> str | None:
        """The classroom activity this plan runs (a name in :mod:`mimicry.core.activities`) or None.

        The protocol's ``activity``; a protocol without one is told from its trials.
        """
        from mimicry.core.activities import detect_activity  # noqa: PLC0415

        if self.dyad:
            return "dyad"
        if self.capture is not None:
            return "capture"
        if self.schedule is not None:
            named = getattr(self.protocol, "activity", None)
            if named is not None:
                return named
            conditions = {tr.condition for tr in self.schedule.trials}
            return detect_activity(conditions, self.protocol.name) if conditions else None
        return None

    @property
    def free_run(self) -> bool:
        return self.freerun is not None

    @property
    def n_trials(self) -> int | None:
        return None if self.schedule is None else len(self.schedule.trials)

    @property
    def trials(self) -> list:
        """Trials known so far (the whole schedule, or the free-run keys so far)."""
        if self.schedule is not None:
            return list(self.schedule.trials)
        return self.freerun.trials

    @property
    def protocol_label(self) -> str:
        if self.dyad:
            return DYAD
        if self.capture is not None:
            return CAPTURE
        return FREE_RUN if self.free_run else self.protocol.name


def pick_seed(requested: int | None, proto) -> int:
    """The seed of a session: ``--seed``, else the protocol's fixed seed, else a fresh one."""
    from mimicry.protocol.schedule import fresh_seed  # noqa: PLC0415

    if requested is not None:
        return int(requested)
    return int(proto.seed) if proto.seed is not None else fresh_seed()


def plan_session(request: SessionRequest) -> SessionPlan:
    """Load and validate the protocol (raises :class:`~mimicry.core.errors.MimicryError`)."""
    from mimicry.protocol.load import load_protocol  # noqa: PLC0415
    from mimicry.protocol.schedule import build_schedule  # noqa: PLC0415

    from mimicry.runtime import freerun  # noqa: PLC0415

    if request.protocol == CAPTURE:
        return _capture_plan(request)
    if request.protocol in (FREE_RUN, DYAD):
        proto = load_protocol(freerun.TEMPLATE_PROTOCOL)
        seed = pick_seed(request.seed, proto)
        timeline = freerun.FreeRunTimeline(proto, seed=seed,
                                           calibration_s=freerun.FREE_RUN_CALIBRATION_S)
        return SessionPlan(request, proto, None, timeline, timeline.calibration, None,
                           timeline.initial_events(), dyad=request.protocol == DYAD)
    proto = requested_protocol(request, load_protocol(request.protocol))
    return schedule_plan(request, proto, build_schedule(proto, request.seed))


def requested_protocol(request: SessionRequest, protocol):
    """``protocol`` as ``request`` runs it: without its expression calibration when skipped."""
    return protocol if request.expression_calibration else protocol.without_expressions()


def schedule_plan(request: SessionRequest, protocol, schedule) -> SessionPlan:
    """The plan of a protocol's ``schedule`` (as :func:`plan_session` makes for a protocol)."""
    return SessionPlan(request, protocol, schedule, None, schedule.calibration,
                       schedule.duration_s, schedule.events())


def _capture_plan(request: SessionRequest) -> SessionPlan:
    """The guided capture: prompts logged as markers, the session ends after the last."""
    from mimicry.io.formats import format_detail  # noqa: PLC0415
    from mimicry.core.messages import StimulusEvent  # noqa: PLC0415
    from mimicry.protocol.load import load_protocol  # noqa: PLC0415
    from mimicry.activities.capture.capture import capture_duration_s, capture_timeline  # noqa: PLC0415

    from mimicry.runtime import freerun  # noqa: PLC0415

    proto = load_protocol(freerun.TEMPLATE_PROTOCOL)
    seed = pick_seed(request.seed, proto)
    timeline = capture_timeline()
    # A free-run timeline keeps the stimulus machinery idle (no face is ever shown).
    idle = freerun.FreeRunTimeline(proto, seed=seed, calibration_s=timeline[0].start_s)
    events = [StimulusEvent(t=0.0, event="session_start",
                            detail=format_detail({"protocol": CAPTURE, "seed": seed}))]
    events += [StimulusEvent(t=ph.start_s, event="marker",
                             detail=format_detail({"label": f"prompt {ph.condition}"}))
               for ph in timeline]
    return SessionPlan(request, proto, None, idle, (0.0, timeline[0].start_s),
                       capture_duration_s(timeline) + 0.5, events, capture=timeline)

"""The live state of an activity as a runner observer: one face channel per frame in, readings out (worker thread)."""

from __future__ import annotations

import math

#: Readings that need a whole window of data are worked out this often, seconds of session time.
SLOW_REFRESH_S = 1.0


def _channel(observations, slot: int, channel: str) -> float:
    o = observations[slot] if len(observations) > slot else None
    if o is None or not o.detected:
        return math.nan
    return float(o.channels.get(channel, math.nan))


class ChannelObserver:
    """Feeds ``state.add_sample(t, *channels)`` and ``state.add_event(event)`` from the runner.

    Parameters
    ----------
    state : object
        The activity's live class (e.g. :class:`~mimicry.activities.yawn.live.LiveYawns`).
    channels : sequence of (int, str)
        ``(face slot, channel)`` fed per frame, NaN without that face.
    read : callable
        ``read(state) -> reading or None``.
    refresh_s : float
        Work the reading out at most this often (0: every frame and event).
    """

    def __init__(self, state, channels, read, refresh_s: float = 0.0) -> None:
        self.state = state
        self.channels = tuple(channels)
        self._read = read
        self.refresh_s = refresh_s
        self._last_t = -math.inf
        self._reading = None
        self.changed = False

    def on_event(self, event) -> None:
        add = getattr(self.state, "add_event", None)
        if add is not None:
            add(event)
            if not self.refresh_s:
                self._update()

    def on_frame(self, frame, observations) -> None:
        self.state.add_sample(frame.t, *(_channel(observations, s, c) for s, c in self.channels))
        if frame.t - self._last_t >= self.refresh_s:
            self._last_t = frame.t
            self._update()

    def _update(self) -> None:
        reading = self._read(self.state)
        if reading is not None:
            self._reading = reading
            self.changed = True

    def finish(self) -> None:
        """The run ended: the newest reading now (the refresh may not have come)."""
        self._update()

    def reading(self):
        """The newest reading (None until there is one)."""
        return self._reading


class ActivityLive:
    """Runs an activity's live state on the session's worker thread and publishes its readings.

    A runner observer: frames and events go to the activity's observer
    (:attr:`mimicry.activities.base.Activity.live`); a new reading is handed to
    ``publish`` at most every ``min_interval_s`` of session time (at once after an
    event), and once more by :meth:`finish`. A failing activity stops its live
    readings with one warning; the recording goes on.
    """

    def __init__(self, observer, publish, warn, min_interval_s: float = 0.1) -> None:
        self.observer = observer
        self._publish = publish
        self._warn = warn
        self.min_interval_s = min_interval_s
        self._last_t = -math.inf
        self.failed = False

    @classmethod
    def for_plan(cls, plan, publish, warn) -> "ActivityLive | None":
        """The live state of ``plan``'s activity (``plan.demo_mode``), or None without one."""
        from mimicry.activities.registry import get_activity  # noqa: PLC0415

        if plan.demo_mode is None:
            return None
        activity = get_activity(plan.demo_mode)
        return cls(activity.live(plan), publish, warn) if activity.live is not None else None

    def _guard(self, fn, *args) -> None:
        if self.failed:
            return
        try:
            fn(*args)
        except Exception as exc:  # a bug in a live panel's numbers must not end the recording
            import sys  # noqa: PLC0415
            import traceback  # noqa: PLC0415

            self.failed = True
            traceback.print_exc(file=sys.stderr)
            self._warn(f"live activity display stopped ({exc.__class__.__name__}: {exc}); the "
                       f"session is still recorded and analysed at the end")

    def _emit(self, force: bool, t: float) -> None:
        obs = self.observer
        if getattr(obs, "changed", False) and (force or t - self._last_t >= self.min_interval_s):
            obs.changed = False
            self._last_t = t
            self._publish(obs.reading())

    def on_event(self, event) -> None:
        self._guard(self._on_event, event)

    def _on_event(self, event) -> None:
        if hasattr(self.observer, "on_event"):
            self.observer.on_event(event)
        self._emit(True, event.t)

    def on_frame(self, frame, observations) -> None:
        self._guard(self._on_frame, frame, observations)

    def _on_frame(self, frame, observations) -> None:
        self.observer.on_frame(frame, observations)
        self._emit(False, frame.t)

    def finish(self) -> None:
        """The run ended: publish the newest reading."""
        def done():
            if hasattr(self.observer, "finish"):
                self.observer.finish()
            self._emit(True, math.inf)
        self._guard(done)


class FrameTimeObserver:
    """A live state whose reading is the session time of the newest frame (a timed prompt)."""

    def __init__(self) -> None:
        self._t = None
        self.changed = False

    def on_frame(self, frame, observations) -> None:
        self._t = float(frame.t)
        self.changed = True

    def reading(self):
        return self._t

"""Find a classroom activity by name (imported lazily), and the activity of a recorded session."""

from __future__ import annotations

import importlib

import numpy as np

from mimicry.core.activities import ACTIVITIES, ACTIVITY_NAMES, detect_activity
from mimicry.core.errors import InputError

__all__ = ["ACTIVITIES", "ACTIVITY_NAMES", "activity_names", "get_activity", "session_activity"]


def activity_names() -> tuple[str, ...]:
    """The registered activities' names."""
    return tuple(ACTIVITIES)


def get_activity(name: str):
    """The :class:`~mimicry.activities.base.Activity` registered as ``name``."""
    from mimicry.core.check import check_option  # noqa: PLC0415

    check_option("activity", name, tuple(ACTIVITIES), error=InputError)
    module, attr = ACTIVITIES[name].split(":")
    return getattr(importlib.import_module(module), attr)


def protocol_name(session) -> str | None:
    """The protocol of a session: ``session.json``, else the ``session_start`` detail."""
    from mimicry.io.formats import parse_detail  # noqa: PLC0415

    name = session.meta.get("protocol")
    if isinstance(name, str) and name:
        return name
    for ev in session.events:
        if ev.event == "session_start" and ev.detail:
            return parse_detail(ev.detail).get("protocol")
    return None


def is_dyad_session(frames, events) -> bool:
    """Two face slots with faces in them, and no stimulus trials."""
    from mimicry.protocol.timeline import trials_from_events  # noqa: PLC0415

    if trials_from_events(events) or not len(frames):
        return False
    ids = set(int(i) for i in np.unique(frames.face_id[frames.face_detected]))
    return {0, 1} <= ids


def session_activity(session) -> str | None:
    """The activity of a loaded session: ``session.json`` ``activity``, else told from its data.

    Sessions recorded before ``activity`` was recorded: two faces without trials
    are ``dyad``, yawn/talk trials ``yawn``, protocol name ``no_smile`` ``no_smile``.
    """
    from mimicry.protocol.timeline import trials_from_events  # noqa: PLC0415

    name = session.meta.get("activity")
    if isinstance(name, str) and name in ACTIVITY_NAMES:
        return name
    conditions = {tr.condition for tr in trials_from_events(session.events)}
    return detect_activity(conditions, protocol_name(session),
                           is_dyad_session(session.frames, session.events))

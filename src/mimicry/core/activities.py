"""The classroom activities by name, as ``"module:object"`` strings, and how an old session's activity is told.

The table lives here, below every layer, because a protocol names its activity
(``activity = "no_smile"``) and is validated against these names, while the
activities themselves live far above (:mod:`mimicry.activities`); they are
imported only when :func:`mimicry.activities.registry.get_activity` asks for one.
A new activity is one package in ``mimicry/activities/``, one panel in the app and
one line here.
"""

from __future__ import annotations

from typing import Iterable

#: Activity name -> ``"module:object"`` of its :class:`~mimicry.activities.base.Activity`.
ACTIVITIES: dict[str, str] = {
    "dyad": "mimicry.activities.dyad.activity:ACTIVITY",
    "yawn": "mimicry.activities.yawn.activity:ACTIVITY",
    "no_smile": "mimicry.activities.no_smile.activity:ACTIVITY",
    "capture": "mimicry.activities.capture.activity:ACTIVITY",
}
#: The names a protocol's ``activity`` key may take.
ACTIVITY_NAMES: tuple[str, ...] = tuple(ACTIVITIES)


def detect_activity(conditions: Iterable[str], protocol_name: str | None = None,
                    two_faces_without_trials: bool = False) -> str | None:
    """The activity of a session that does not name one (recorded before ``activity`` existed).

    Parameters
    ----------
    conditions : iterable of str
        The conditions of the session's stimulus trials.
    protocol_name : str or None
        The protocol's ``name`` (not its file name).
    two_faces_without_trials : bool
        Two face slots had faces in them and no stimulus trial was shown.

    Returns
    -------
    name : str or None
        ``"dyad"``, ``"yawn"``, ``"no_smile"``, or None for an ordinary session.
    """
    if two_faces_without_trials:
        return "dyad"
    conditions = set(conditions)
    if conditions & {"yawn", "talk"}:
        return "yawn"
    if conditions and protocol_name == "no_smile":
        return "no_smile"
    return None

"""The live panels of the classroom activities, one module each, paired by name with ``mimicry.activities``.

:data:`PANELS` maps an activity's registry name (:mod:`mimicry.core.activities`)
to its panel class as ``"module:Class"``, imported when that activity runs. A
panel only draws: its readings come from the activity's live state on the session
worker thread, through :attr:`mimicry_app.bridge.LiveBridge.activity_reading`.
"""

from __future__ import annotations

import importlib

PANELS: dict[str, str] = {
    "dyad": "mimicry_app.activities.dyad:DyadPanel",
    "yawn": "mimicry_app.activities.yawn:YawnPanel",
    "no_smile": "mimicry_app.activities.no_smile:NoSmilePanel",
    "capture": "mimicry_app.activities.capture:CapturePanel",
}


def panel_class(name: str):
    """The panel class of activity ``name``."""
    from mimicry.core.check import check_option  # noqa: PLC0415

    check_option("activity", name, tuple(PANELS))
    module, attr = PANELS[name].split(":")
    return getattr(importlib.import_module(module), attr)

"""How the app was started: :class:`AppOptions` (command line over remembered settings)."""

from __future__ import annotations

from dataclasses import dataclass

from mimicry.runtime.settings import AppSettings


@dataclass(frozen=True)
class AppOptions:
    """How the app was started (command line over remembered settings).

    Attributes
    ----------
    settings : AppSettings
        Initial choices (remembered, overridden by the command line).
    explicit_source : bool
        ``--source`` was given: keep it selected even when it is missing.
    fullscreen : bool
    paced : bool
        False plays a video source as fast as possible (tests).
    model : str or None
    seed : int or None
        Trial order seed (None: a fresh order each session).
    autostart : bool
        Start the session at once (scripts, screenshots).
    settings_problem : str or None
        Why the remembered settings were not used.
    """

    settings: AppSettings = AppSettings()
    explicit_source: bool = False
    fullscreen: bool = False
    paced: bool = True
    model: str | None = None
    seed: int | None = None
    autostart: bool = False
    settings_problem: str | None = None

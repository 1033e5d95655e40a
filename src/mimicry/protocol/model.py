"""Stimulus protocols as validated, frozen data (read them with :mod:`mimicry.protocol.load`)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Sequence

from mimicry.io.formats import CONDITIONS

if TYPE_CHECKING:  # pragma: no cover
    from mimicry.protocol.groups import Groups
    from mimicry.protocol.stimulus_set import StimulusSet

#: The protocol file format this version reads and writes.
SCHEMA_VERSION = 1

#: Conditions a protocol may list. ``yawn`` and ``talk`` (its control: short
#: mouth movements that are not yawns) work with the built-in faces only (the
#: contagious-yawn demo); user stimulus sets use :data:`CONDITIONS`.
PROTOCOL_CONDITIONS: tuple[str, ...] = CONDITIONS + ("yawn", "talk")

#: Expressions the optional expression calibration may ask for, after the
#: neutral calibration (``[calibration] expressions``).
EXPRESSION_NAMES: tuple[str, ...] = ("smile", "sad")
#: What the stimulus screen asks for each of :data:`EXPRESSION_NAMES`, and in the relax after.
EXPRESSION_PROMPTS: dict[str, str] = {"smile": "Smile as widely as you can",
                                      "sad": "Now look as sad as you can"}
RELAX_PROMPT = "Relax your face"


# --------------------------------------------------------------------------- dataclasses

@dataclass(frozen=True)
class DisplayOptions:
    """How the app shows the stimulus panel (the exported video ignores ``face_scale``).

    Attributes
    ----------
    face_scale : float
        Height of the stimulus face as a fraction of the stimulus panel's
        shorter side, 0.2-1.
    background : str
        Background colour around the face and of the calibration screen,
        ``"#rrggbb"``.
    calibration_text : str
        Text shown during calibration and block breaks.
    show_progress : bool
        Whether the app shows "trial k of n" under the stimulus.
    """

    face_scale: float = 0.8
    background: str = "#c0c0c0"
    calibration_text: str = "Relax \N{EM DASH} look at the screen"
    show_progress: bool = True

    @property
    def background_rgb(self) -> tuple[int, int, int]:
        """:attr:`background` as an (r, g, b) tuple of 0-255 ints."""
        h = self.background.lstrip("#")
        return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


@dataclass(frozen=True)
class Protocol:
    """A validated stimulus protocol. Build it with :func:`mimicry.protocol.load.load_protocol`.

    Attributes
    ----------
    schema_version : int
        Always :data:`SCHEMA_VERSION`.
    name, description : str
    calibration_s : float
        Neutral-baseline calibration at the start, seconds.
    expressions : tuple of str
        The optional expression calibration after the neutral one: the
        participant is asked to pose each of these (from
        :data:`EXPRESSION_NAMES`) in turn, so results can be put as a share
        of their own range. Empty (the default) skips it.
    expression_s : float
        How long each posed expression is asked for, seconds (1-30).
    expression_relax_s : float
        The relax after each posed expression, seconds.
    blocks : int
        Number of blocks, >= 1.
    per_condition : int
        Trials of each condition in each block, >= 1.
    conditions : tuple of str
        Conditions shown, from :data:`PROTOCOL_CONDITIONS`.
    stimulus_s : float
        Onset to offset of each stimulus, seconds (the expression then morphs
        back to neutral over ``morph_s``).
    morph_s : float
        Duration of the onset (and offset) morph of the built-in faces,
        seconds. Stimulus-set items do not morph (see
        :mod:`mimicry.protocol.stimulus_set`).
    intensity : float
        Peak expression intensity of the built-in faces, 0-1.
    iti_s, iti_jitter_s : float
        Inter-trial interval before each trial, seconds, drawn uniformly from
        ``iti_s +- iti_jitter_s``.
    block_break_s : float
        Pause before each block but the first, seconds.
    seed : int or None
        A fixed randomisation seed, >= 0, for a protocol that must run the
        same order every time; None (the default, and every shipped
        protocol) draws a fresh seed per session.
    identities : tuple of str
        Built-in face identities used as stimuli (empty when ``stimulus_set``
        is set). Never contains the virtual participant's identity.
    stimulus_set : StimulusSet or None
        A user stimulus set (validated), instead of the built-in faces.
    video_end : {"hold", "loop"}
        What a stimulus-set video shorter than ``stimulus_s`` does at its end.
    display : DisplayOptions
    path : Path or None
        The TOML file the protocol was read from.
    activity : str or None
        The classroom activity the protocol runs (a name in
        :data:`mimicry.core.activities.ACTIVITY_NAMES`), or None for an ordinary session.
    groups : Groups or None
        Group labels on the faces (:mod:`mimicry.protocol.groups`), or None.
    """

    schema_version: int
    name: str
    description: str = ""
    calibration_s: float = 10.0
    expressions: tuple[str, ...] = ()
    expression_s: float = 4.0
    expression_relax_s: float = 3.0
    blocks: int = 1
    per_condition: int = 4
    conditions: tuple[str, ...] = ("happy", "sad", "neutral")
    stimulus_s: float = 4.0
    morph_s: float = 1.0
    intensity: float = 1.0
    iti_s: float = 3.0
    iti_jitter_s: float = 0.5
    block_break_s: float = 0.0
    seed: int | None = None
    identities: tuple[str, ...] = ()
    stimulus_set: "StimulusSet | None" = field(default=None, repr=False)
    video_end: Literal["hold", "loop"] = "hold"
    display: DisplayOptions = field(default_factory=DisplayOptions)
    path: Path | None = None
    activity: str | None = None
    groups: "Groups | None" = None

    @property
    def intro_s(self) -> float:
        """Length of the minimal-group screen (0 without one), seconds."""
        g = self.groups
        return g.intro_s if g is not None and g.intro != "none" else 0.0

    @property
    def n_trials(self) -> int:
        """Total number of trials."""
        return self.blocks * self.per_condition * len(self.conditions)

    @property
    def expression_calibration_s(self) -> float:
        """Length of the expression calibration (0 without one), seconds."""
        return len(self.expressions) * (self.expression_s + self.expression_relax_s)

    def without_expressions(self) -> "Protocol":
        """This protocol with its expression calibration skipped."""
        return replace(self, expressions=())

    @property
    def expected_duration_s(self) -> float:
        """Session duration with every jitter at its mean, seconds."""
        return _duration(self, [self.iti_s] * self.n_trials)

    @property
    def max_duration_s(self) -> float:
        """Longest possible session duration (all jitters at their maximum), seconds."""
        return _duration(self, [self.iti_s + self.iti_jitter_s] * self.n_trials)

    @property
    def min_duration_s(self) -> float:
        """Shortest possible session duration, seconds."""
        return _duration(self, [self.iti_s - self.iti_jitter_s] * self.n_trials)


def _trial_morph_s(protocol: Protocol) -> float:
    return 0.0 if protocol.stimulus_set is not None else protocol.morph_s


def _duration(protocol: Protocol, itis: Sequence[float]) -> float:
    trial_s = protocol.stimulus_s + _trial_morph_s(protocol)
    return (protocol.calibration_s + protocol.expression_calibration_s + protocol.intro_s
            + (protocol.blocks - 1) * protocol.block_break_s
            + sum(itis) + len(itis) * trial_s + protocol.iti_s)

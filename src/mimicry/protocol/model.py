"""Stimulus protocols: what is shown, in which order, for how long.

A protocol is a small TOML file (see ``docs/protocols.md``). Three ship with
Mimicry (:data:`SHIPPED_PROTOCOLS`); users can write their own. Loading
validates every key up front and raises :class:`~mimicry.core.errors.ConfigError`
with one line naming the file, the table and the key.

The schedule (the list of trials with their times) is a pure function of the
protocol and a seed: :func:`build_schedule`. The same protocol and seed always
give the same trials, the same identities and the same times.

Timeline of a session built from a protocol::

    0 ........ calibration (neutral baseline) ........ C
    then for every block (after a break of ``block_break_s`` except the first):
        for every trial:
            inter-trial interval (iti_s +- iti_jitter_s)
            onset  -> morph in over morph_s -> hold -> offset (onset + stimulus_s)
            -> morph out over morph_s (still part of the trial)
    a last interval of iti_s, then session_end.
"""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Sequence

import numpy as np

from mimicry.core.errors import ConfigError, InputError
from mimicry.io.formats import CONDITIONS, format_detail
from mimicry.core.messages import StimulusEvent
from mimicry.protocol.timeline import Trial

if TYPE_CHECKING:  # pragma: no cover
    from mimicry.protocol.stimulus_set import StimulusSet

#: The protocol file format this version reads and writes.
SCHEMA_VERSION = 1

#: Names of the protocols shipped in ``mimicry/protocol/shipped/``.
SHIPPED_PROTOCOLS: tuple[str, ...] = ("default", "quick", "classroom", "yawn", "no_smile")

#: Conditions a protocol may list. ``yawn`` and ``talk`` (its control: short
#: mouth movements that are not yawns) work with the built-in faces only (the
#: contagious-yawn demo); user stimulus sets use :data:`CONDITIONS`.
PROTOCOL_CONDITIONS: tuple[str, ...] = CONDITIONS + ("yawn", "talk")

#: The most times one condition may follow itself in the trial order.
MAX_SAME_CONDITION_IN_ROW = 2

_PROTOCOL_DIR = Path(__file__).resolve().parent / "shipped"
_HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


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
    """A validated stimulus protocol. Build it with :func:`load_protocol`.

    Attributes
    ----------
    schema_version : int
        Always :data:`SCHEMA_VERSION`.
    name, description : str
    calibration_s : float
        Neutral-baseline calibration at the start, seconds.
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
    seed : int
        Default randomisation seed, >= 0.
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
    """

    schema_version: int
    name: str
    description: str = ""
    calibration_s: float = 10.0
    blocks: int = 1
    per_condition: int = 4
    conditions: tuple[str, ...] = ("happy", "sad", "neutral")
    stimulus_s: float = 4.0
    morph_s: float = 1.0
    intensity: float = 1.0
    iti_s: float = 3.0
    iti_jitter_s: float = 0.5
    block_break_s: float = 0.0
    seed: int = 0
    identities: tuple[str, ...] = ()
    stimulus_set: "StimulusSet | None" = field(default=None, repr=False)
    video_end: Literal["hold", "loop"] = "hold"
    display: DisplayOptions = field(default_factory=DisplayOptions)
    path: Path | None = None

    @property
    def n_trials(self) -> int:
        """Total number of trials."""
        return self.blocks * self.per_condition * len(self.conditions)

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
    return (protocol.calibration_s + (protocol.blocks - 1) * protocol.block_break_s
            + sum(itis) + len(itis) * trial_s + protocol.iti_s)


# --------------------------------------------------------------------------- loading

_TABLES: dict[str, tuple[str, ...]] = {
    "": ("schema_version", "name", "description", "seed",
         "calibration", "trials", "stimuli", "display"),
    "calibration": ("duration_s",),
    "trials": ("blocks", "per_condition", "conditions", "stimulus_s", "morph_s", "intensity",
               "iti_s", "iti_jitter_s", "block_break_s"),
    "stimuli": ("identities", "set", "video_end"),
    "display": ("face_scale", "background", "calibration_text", "show_progress"),
}


class _Reader:
    """Takes typed values out of one parsed TOML table, naming the key on error."""

    def __init__(self, source: str, table_name: str, table: Any) -> None:
        self.source = source
        self.table_name = table_name
        where = f"[{table_name}]" if table_name else "top level"
        if not isinstance(table, dict):
            raise ConfigError(f"{source}: {where} must be a table, got {_show(table)}")
        self.table = table
        allowed = _TABLES[table_name]
        for key in table:
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                raise ConfigError(
                    f"{source}: unknown key {self._name(key)}{hint}; allowed keys "
                    f"{'at the top level' if not table_name else 'in [' + table_name + ']'} "
                    f"are {', '.join(allowed)}")

    def _name(self, key: str) -> str:
        return f"[{self.table_name}] {key}" if self.table_name else key

    def fail(self, key: str, expected: str, got: Any) -> ConfigError:
        return ConfigError(f"{self.source}: {self._name(key)} must be {expected}, got {_show(got)}")

    def has(self, key: str) -> bool:
        return key in self.table

    def integer(self, key: str, default: int, minimum: int) -> int:
        if key not in self.table:
            return default
        v = self.table[key]
        if isinstance(v, bool) or not isinstance(v, int) or v < minimum:
            raise self.fail(key, f"an integer >= {minimum}", v)
        return int(v)

    def number(self, key: str, default: float, lo: float, hi: float = math.inf,
               lo_open: bool = False) -> float:
        if key not in self.table:
            return default
        v = self.table[key]
        if hi == math.inf:
            expected = f"a number {'>' if lo_open else '>='} {lo:g} (seconds)" if key.endswith("_s") \
                else f"a number {'>' if lo_open else '>='} {lo:g}"
        else:
            expected = f"a number from {lo:g} to {hi:g}"
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
            raise self.fail(key, expected, v)
        if (v <= lo if lo_open else v < lo) or v > hi:
            raise self.fail(key, expected, v)
        return float(v)

    def string(self, key: str, default: str, *, nonempty: bool = False,
               forbid: str = "") -> str:
        if key not in self.table:
            return default
        v = self.table[key]
        expected = "a non-empty string" if nonempty else "a string"
        if forbid:
            expected += f" without {' or '.join(repr(c) for c in forbid)}"
        if not isinstance(v, str) or (nonempty and not v.strip()) or any(c in v for c in forbid):
            raise self.fail(key, expected, v)
        return v

    def boolean(self, key: str, default: bool) -> bool:
        if key not in self.table:
            return default
        v = self.table[key]
        if not isinstance(v, bool):
            raise self.fail(key, "true or false", v)
        return v

    def choice(self, key: str, default: str, allowed: Sequence[str]) -> str:
        if key not in self.table:
            return default
        v = self.table[key]
        if v not in allowed:
            raise ConfigError(
                f"{self.source}: Invalid value for the {self._name(key)!r} key. Allowed values are "
                f"{', '.join(repr(a) for a in allowed)}, but got {_show(v)} instead.")
        return v


def _show(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, dict):
        return "a table"
    return repr(v)


def list_protocols() -> tuple[str, ...]:
    """Names of the shipped protocols (usable with :func:`load_protocol`)."""
    return SHIPPED_PROTOCOLS


def shipped_protocol_path(name: str) -> Path:
    """The TOML file of a shipped protocol."""
    if name not in SHIPPED_PROTOCOLS:
        raise ConfigError(_unknown_name_message(name))
    return _PROTOCOL_DIR / f"{name}.toml"


def _unknown_name_message(name: str) -> str:
    return (f"unknown protocol {name!r}; shipped protocols are "
            f"{', '.join(repr(n) for n in SHIPPED_PROTOCOLS)} (or give the path of a .toml file)")


def load_protocol(name_or_path: str | Path) -> Protocol:
    """Load and validate a protocol.

    Parameters
    ----------
    name_or_path : str or path-like
        A shipped protocol's name (see :data:`SHIPPED_PROTOCOLS`) or the path
        of a protocol TOML file. A stimulus set named in the file is resolved
        relative to the file and validated too.

    Returns
    -------
    Protocol

    Raises
    ------
    ConfigError
        Unknown shipped name, invalid TOML, a wrong, missing or unknown key.
        One line naming the file and the key.
    InputError
        The file, or a stimulus set's file, does not exist or cannot be read.
    """
    if isinstance(name_or_path, str) and name_or_path in SHIPPED_PROTOCOLS:
        path = _PROTOCOL_DIR / f"{name_or_path}.toml"
    else:
        path = Path(name_or_path).expanduser()
        looks_like_path = (path.suffix.lower() == ".toml" or len(path.parts) > 1
                           or path.exists())
        if not looks_like_path:
            raise ConfigError(_unknown_name_message(str(name_or_path)))
        if not path.is_file():
            raise InputError(f"protocol file {path} not found; expected a .toml file or one of "
                             f"the shipped protocols {', '.join(SHIPPED_PROTOCOLS)}")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read protocol file {path}: "
                         f"{getattr(exc, 'strerror', None) or exc}") from None
    return parse_protocol(text, source=path)


def parse_protocol(text: str, source: str | Path = "<string>") -> Protocol:
    """Validate a protocol given as TOML text.

    ``source`` names the file in error messages and is the folder a relative
    stimulus-set path is resolved against (when it is a path).
    """
    import tomllib

    src_path = Path(source) if not (isinstance(source, str) and source.startswith("<")) else None
    label = f"protocol {src_path.name}" if src_path is not None else f"protocol {source}"
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{label}: not valid TOML: {exc}") from None

    top = _Reader(label, "", data)
    if "schema_version" not in data:
        raise ConfigError(f"{label}: schema_version is missing; expected "
                          f"schema_version = {SCHEMA_VERSION} as the first line")
    sv = data["schema_version"]
    if isinstance(sv, bool) or sv != SCHEMA_VERSION:
        raise ConfigError(f"{label}: schema_version must be {SCHEMA_VERSION} (the protocol format "
                          f"this version of mimicry reads), got {_show(sv)}")
    default_name = src_path.stem if src_path is not None else "protocol"
    name = top.string("name", default_name, nonempty=True, forbid=";=\n")
    description = top.string("description", "")
    seed = top.integer("seed", 0, 0)

    cal = _Reader(label, "calibration", data.get("calibration", {}))
    calibration_s = cal.number("duration_s", 10.0, 0.0)

    tr = _Reader(label, "trials", data.get("trials", {}))
    blocks = tr.integer("blocks", 1, 1)
    per_condition = tr.integer("per_condition", 4, 1)
    conditions: tuple[str, ...] = ("happy", "sad", "neutral")
    if tr.has("conditions"):
        conds = tr.table["conditions"]
        if (not isinstance(conds, list) or not conds
                or not all(isinstance(c, str) for c in conds)):
            raise tr.fail("conditions", "a non-empty list of strings", conds)
        for c in conds:
            if c not in PROTOCOL_CONDITIONS:
                raise ConfigError(
                    f"{label}: Invalid value in the '[trials] conditions' list. Allowed values are "
                    f"{', '.join(repr(a) for a in PROTOCOL_CONDITIONS)}, but got {c!r} instead.")
        if len(set(conds)) != len(conds):
            raise tr.fail("conditions", "a list without repeats", conds)
        conditions = tuple(conds)
    stimulus_s = tr.number("stimulus_s", 4.0, 0.0, lo_open=True)
    morph_s = tr.number("morph_s", 1.0, 0.0)
    if morph_s > stimulus_s:
        raise ConfigError(f"{label}: [trials] morph_s must be <= stimulus_s ({stimulus_s:g}), "
                          f"got {morph_s:g}")
    intensity = tr.number("intensity", 1.0, 0.0, 1.0)
    iti_s = tr.number("iti_s", 3.0, 0.0)
    iti_jitter_s = tr.number("iti_jitter_s", 0.5, 0.0)
    if iti_jitter_s > iti_s:
        raise ConfigError(f"{label}: [trials] iti_jitter_s must be <= iti_s ({iti_s:g}), "
                          f"got {iti_jitter_s:g}")
    block_break_s = tr.number("block_break_s", 0.0, 0.0)

    st = _Reader(label, "stimuli", data.get("stimuli", {}))
    video_end = st.choice("video_end", "hold", ("hold", "loop"))
    if st.has("identities") and st.has("set"):
        raise ConfigError(f"{label}: [stimuli] has both identities and set; give one: "
                          f"built-in identities or a stimulus set folder")
    stimulus_set = None
    identities: tuple[str, ...] = ()
    if st.has("set"):
        set_s = st.string("set", "", nonempty=True)
        set_path = Path(set_s).expanduser()
        if not set_path.is_absolute():
            base = src_path.parent if src_path is not None else Path.cwd()
            set_path = base / set_path
        from mimicry.protocol.stimulus_set import load_stimulus_set

        stimulus_set = load_stimulus_set(set_path)
        missing = [c for c in conditions if not stimulus_set.items_for(c)]
        for only_builtin in ("yawn", "talk"):
            if only_builtin in conditions:
                raise ConfigError(f"{label}: [trials] conditions lists {only_builtin!r}, which "
                                  f"only the built-in faces can show; remove it or use [stimuli] "
                                  f"identities")
        if missing:
            raise ConfigError(
                f"{label}: [trials] conditions lists {', '.join(repr(c) for c in missing)} but the "
                f"stimulus set {stimulus_set.manifest_path} has no item with that condition")
    else:
        identities = _resolve_identities(label, st)

    dt = _Reader(label, "display", data.get("display", {}))
    display = DisplayOptions(
        face_scale=dt.number("face_scale", 0.8, 0.2, 1.0),
        background=_colour(label, dt),
        calibration_text=dt.string("calibration_text", DisplayOptions.calibration_text),
        show_progress=dt.boolean("show_progress", True),
    )
    return Protocol(
        schema_version=SCHEMA_VERSION, name=name, description=description,
        calibration_s=calibration_s, blocks=blocks, per_condition=per_condition,
        conditions=conditions, stimulus_s=stimulus_s, morph_s=morph_s, intensity=intensity,
        iti_s=iti_s, iti_jitter_s=iti_jitter_s, block_break_s=block_break_s, seed=seed,
        identities=identities, stimulus_set=stimulus_set, video_end=video_end,
        display=display, path=src_path,
    )


def _colour(label: str, dt: _Reader) -> str:
    v = dt.string("background", DisplayOptions.background)
    if not _HEX_COLOUR.match(v):
        raise dt.fail("background", 'a colour "#rrggbb"', v)
    return v.lower()


def _resolve_identities(label: str, st: _Reader) -> tuple[str, ...]:
    from mimicry.core.assets import IDENTITIES, PARTICIPANT_IDENTITY

    stimulus_ids = tuple(i for i in IDENTITIES if i != PARTICIPANT_IDENTITY)
    value = st.table.get("identities", "all")
    if value == "all":
        return stimulus_ids
    if (not isinstance(value, list) or not value
            or not all(isinstance(v, str) for v in value)):
        raise st.fail("identities", '"all" or a non-empty list of identity names', value)
    for v in value:
        if v == PARTICIPANT_IDENTITY:
            raise ConfigError(
                f"{label}: [stimuli] identities lists {v!r}, the virtual participant's identity, "
                f"which is never a stimulus; choose from {', '.join(repr(i) for i in stimulus_ids)}")
        if v not in IDENTITIES:
            raise ConfigError(
                f"{label}: Invalid value in the '[stimuli] identities' list. Allowed values are "
                f"{', '.join(repr(i) for i in stimulus_ids)}, but got {v!r} instead.")
    if len(set(value)) != len(value):
        raise st.fail("identities", "a list without repeats", value)
    return tuple(value)


# --------------------------------------------------------------------------- schedule

@dataclass(frozen=True)
class Schedule:
    """The timed plan of one session: a pure function of protocol and seed.

    Attributes
    ----------
    protocol : Protocol
    seed : int
        The seed the schedule was built with.
    calibration : tuple of float
        (start_s, end_s) of the neutral calibration.
    trials : tuple of timeline.Trial
        In presentation order, times in seconds from session start.
    breaks : tuple of (float, float)
        (start_s, end_s) of every pause between blocks.
    duration_s : float
        Session end (the ``session_end`` event), seconds.
    """

    protocol: Protocol
    seed: int
    calibration: tuple[float, float]
    trials: tuple[Trial, ...]
    breaks: tuple[tuple[float, float], ...]
    duration_s: float

    @property
    def stimulus_ids(self) -> tuple[str, ...]:
        """The distinct stimulus ids used, in order of first appearance."""
        return tuple(dict.fromkeys(t.stimulus_id for t in self.trials))

    def events(self) -> list[StimulusEvent]:
        """The ``events.csv`` timeline of this schedule, sorted by time.

        ``session_start`` at 0 (detail: protocol, seed, schema_version),
        ``calibration_start``/``calibration_end``, a ``stimulus_onset`` and
        ``stimulus_offset`` per trial and ``session_end`` at :attr:`duration_s`.
        """
        p = self.protocol
        out = [
            StimulusEvent(t=0.0, event="session_start", detail=format_detail(
                {"protocol": p.name, "seed": self.seed, "schema_version": SCHEMA_VERSION})),
            StimulusEvent(t=self.calibration[0], event="calibration_start"),
            StimulusEvent(t=self.calibration[1], event="calibration_end"),
        ]
        for tr in self.trials:
            out.append(tr.onset_event())
            out.append(tr.offset_event())
        out.append(StimulusEvent(t=self.duration_s, event="session_end"))
        return sorted(out, key=lambda e: e.t)  # stable: equal times keep this order

    def phase(self, t_s: float) -> tuple[str, Trial | None]:
        """What is on screen at ``t_s``.

        Returns
        -------
        kind : {"calibration", "break", "iti", "trial", "end"}
            ``iti`` is the interval before a trial (its trial is returned),
            ``end`` the last interval and after.
        trial : Trial or None
            The current trial (``trial``), the next one (``iti``) or the
            last one (``end``).
        """
        c0, c1 = self.calibration
        if t_s < c1:
            return "calibration", None
        for b0, b1 in self.breaks:
            if b0 <= t_s < b1:
                return "break", None
        for tr in self.trials:
            if t_s < tr.onset_s:
                return "iti", tr
            if t_s < tr.end_s:
                return "trial", tr
        return "end", self.trials[-1] if self.trials else None


def _round_ms(x: float) -> float:
    return round(x, 3)


def _condition_order(conditions: Sequence[str], per_condition: int, previous: list[str],
                     rng: np.random.Generator) -> list[str]:
    """One block's condition order: random, no condition more than twice in a row.

    ``previous`` is the order so far (the constraint runs across blocks).
    """
    n = per_condition * len(conditions)
    if len(conditions) == 1:
        return [conditions[0]] * n
    k = MAX_SAME_CONDITION_IN_ROW
    for _attempt in range(1000):
        remaining = {c: per_condition for c in conditions}
        seq: list[str] = []
        ok = True
        for _ in range(n):
            tail = (previous + seq)[-k:]
            banned = tail[0] if len(tail) == k and len(set(tail)) == 1 else None
            options = [c for c in conditions if remaining[c] > 0 and c != banned]
            if not options:
                ok = False
                break
            w = np.array([remaining[c] for c in options], dtype=float)
            c = options[int(rng.choice(len(options), p=w / w.sum()))]
            seq.append(c)
            remaining[c] -= 1
        if ok:
            return seq
    # Unreachable with >= 2 conditions in equal numbers, kept as a guard.
    raise ConfigError("could not build a trial order without a condition more than "
                      f"{k} times in a row")  # pragma: no cover


def _assign_ids(order: list[str], pools: dict[str, tuple[str, ...]],
                rng: np.random.Generator) -> list[str]:
    """Give each trial a stimulus id: within a condition, cycle through a shuffled pool.

    Each condition sees its pool as evenly as possible (every identity once before
    any twice); afterwards, swaps within a condition avoid the same id twice in a row.
    """
    queues: dict[str, list[str]] = {c: [] for c in pools}
    ids: list[str] = []
    for c in order:
        if not queues[c]:
            pool = list(pools[c])
            queues[c] = [pool[i] for i in rng.permutation(len(pool))]
        ids.append(queues[c].pop(0))
    # Repair consecutive repeats by swapping with a later trial of the same condition.
    def clash(k: int) -> bool:
        return (k > 0 and ids[k] == ids[k - 1]) or (k + 1 < len(ids) and ids[k] == ids[k + 1])

    def fix(i: int) -> bool:
        for j in range(len(ids)):
            if j == i or order[j] != order[i] or ids[j] == ids[i]:
                continue
            ids[i], ids[j] = ids[j], ids[i]
            if not (clash(i) or clash(j)):
                return True
            ids[i], ids[j] = ids[j], ids[i]
        return False

    for i in range(1, len(ids)):
        if ids[i] == ids[i - 1]:
            fix(i) or fix(i - 1)
    return ids


def build_schedule(protocol: Protocol, seed: int | None = None) -> Schedule:
    """The session plan of ``protocol``: a pure function of protocol and seed.

    Parameters
    ----------
    protocol : Protocol
    seed : int or None
        Randomisation seed (>= 0); None uses ``protocol.seed``. The seed sets
        the trial order within blocks (no condition more than twice in a row,
        also across blocks), the identity of each trial and the inter-trial
        jitter.

    Returns
    -------
    Schedule
    """
    if seed is None:
        seed = protocol.seed
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ConfigError(f"Invalid value for the 'seed' parameter: expected an integer >= 0, "
                          f"got {seed!r} instead.")
    seed = int(seed)
    rng = np.random.default_rng([seed, 0x6D696D])  # independent of other uses of the seed

    # Stimulus pools per condition.
    pools: dict[str, tuple[str, ...]] = {}
    intensity_of: dict[str, float] = {}
    if protocol.stimulus_set is not None:
        for c in protocol.conditions:
            items = protocol.stimulus_set.items_for(c)
            pools[c] = tuple(it.file for it in items)
            intensity_of.update({it.file: it.intensity for it in items})
    else:
        for c in protocol.conditions:
            pools[c] = protocol.identities
    morph_s = _trial_morph_s(protocol)

    order: list[str] = []
    block_of: list[int] = []
    for b in range(protocol.blocks):
        seq = _condition_order(protocol.conditions, protocol.per_condition, order, rng)
        order += seq
        block_of += [b + 1] * len(seq)
    ids = _assign_ids(order, pools, rng)
    j = protocol.iti_jitter_s
    itis = rng.uniform(protocol.iti_s - j, protocol.iti_s + j, size=len(order)) if j > 0 \
        else np.full(len(order), protocol.iti_s)

    t = _round_ms(protocol.calibration_s)
    calibration = (0.0, t)
    trials: list[Trial] = []
    breaks: list[tuple[float, float]] = []
    for i, (cond, sid, block) in enumerate(zip(order, ids, block_of)):
        if i > 0 and block != block_of[i - 1] and protocol.block_break_s > 0:
            b_end = _round_ms(t + protocol.block_break_s)
            breaks.append((t, b_end))
            t = b_end
        onset = _round_ms(t + float(itis[i]))
        offset = _round_ms(onset + protocol.stimulus_s)
        intensity = intensity_of.get(sid, protocol.intensity)
        trials.append(Trial(trial=i + 1, condition=cond, stimulus_id=sid, onset_s=onset,
                            offset_s=offset, intensity=intensity, morph_s=morph_s, block=block))
        t = _round_ms(offset + morph_s)
    duration = _round_ms(t + protocol.iti_s)
    return Schedule(protocol=protocol, seed=seed, calibration=calibration, trials=tuple(trials),
                    breaks=tuple(breaks), duration_s=duration)

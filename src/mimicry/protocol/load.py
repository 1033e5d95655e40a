"""Reading and validating protocol TOML files, and finding the shipped protocols."""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any, Sequence

from mimicry.core.activities import ACTIVITY_NAMES
from mimicry.core.check import check_option
from mimicry.core.errors import ConfigError, InputError
from mimicry.protocol import limits as L
from mimicry.protocol.reader import TableReader, show
from mimicry.protocol.model import (EXPRESSION_NAMES, PROTOCOL_CONDITIONS, SCHEMA_VERSION,
                                    DisplayOptions, Protocol)

#: Names of the protocols shipped in ``mimicry/protocol/shipped/``.
SHIPPED_PROTOCOLS: tuple[str, ...] = ("default", "quick", "classroom", "yawn", "no_smile",
                                      "groups", "groups_quick")

_PROTOCOL_DIR = Path(__file__).resolve().parent / "shipped"
_HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")



_TABLES: dict[str, tuple[str, ...]] = {
    "": ("schema_version", "name", "description", "seed", "activity",
         "calibration", "trials", "stimuli", "display", "groups"),
    "calibration": ("duration_s", "expressions", "expression_s", "expression_relax_s"),
    "trials": ("blocks", "per_condition", "conditions", "stimulus_s", "morph_s", "intensity",
               "iti_s", "iti_jitter_s", "block_break_s"),
    "stimuli": ("identities", "set", "video_end"),
    "display": ("face_scale", "background", "calibration_text", "show_progress"),
    "groups": ("assign", "intro", "intro_s", "own", "other"),
    "groups.own": ("name", "colour"),
    "groups.other": ("name", "colour"),
}


class _Reader(TableReader):
    """A :class:`TableReader` of one protocol table (its keys from :data:`_TABLES`)."""

    def __init__(self, source: str, table_name: str, table: Any) -> None:
        super().__init__(source, table_name, table, _TABLES[table_name])


_show = show


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
        Unknown shipped name, invalid TOML or not UTF-8 text, a wrong, missing
        or unknown key, or a value outside its limit
        (:mod:`mimicry.protocol.limits`). One line naming the file and the key.
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
        with open(path, "rb") as fh:
            data = fh.read(L.MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise InputError(f"cannot read protocol file {path}: {exc.strerror or exc}") from None
    if len(data) > L.MAX_FILE_BYTES:
        raise ConfigError(f"protocol {path.name}: too large for a protocol file (more than "
                          f"{L.MAX_FILE_BYTES} bytes)")
    return parse_protocol(L.decode_protocol_bytes(data, f"protocol {path.name}"), source=path)


def parse_protocol(text: str, source: str | Path = "<string>") -> Protocol:
    """Validate a protocol given as TOML text.

    ``source`` names the file in error messages and is the folder a relative
    stimulus-set path is resolved against (when it is a path).
    """
    import tomllib

    src_path = Path(source) if not (isinstance(source, str) and source.startswith("<")) else None
    label = f"protocol {src_path.name}" if src_path is not None else f"protocol {source}"
    if len(text) > L.MAX_FILE_BYTES:
        raise ConfigError(f"{label}: too large for a protocol file (more than "
                          f"{L.MAX_FILE_BYTES} characters)")
    try:
        data = tomllib.loads(text.removeprefix("\ufeff"))  # a byte-order mark is harmless
    except RecursionError:
        raise ConfigError(f"{label}: not valid TOML (nested too deeply to read)") from None
    except (ValueError, TypeError) as exc:  # TOMLDecodeError is a ValueError
        msg = " ".join(str(exc).split())[:200]
        raise ConfigError(f"{label}: not valid TOML ({msg})") from None

    top = _Reader(label, "", data)
    if "schema_version" not in data:
        raise ConfigError(f"{label}: schema_version is missing; expected "
                          f"schema_version = {SCHEMA_VERSION} as the first line")
    sv = data["schema_version"]
    if type(sv) is not int or sv != SCHEMA_VERSION:  # not 1.0, not true
        raise ConfigError(f"{label}: schema_version must be {SCHEMA_VERSION} (the protocol format "
                          f"this version of mimicry reads), got {_show(sv)}")
    default_name = src_path.stem if src_path is not None else "protocol"
    name = top.string("name", default_name, max_chars=L.MAX_NAME_CHARS, nonempty=True,
                      forbid=";=\n")
    description = top.string("description", "", max_chars=L.MAX_DESCRIPTION_CHARS, allow="\n")
    seed = top.integer("seed", 0, 0, L.MAX_SEED) if top.has("seed") else None
    activity = top.choice("activity", "", ACTIVITY_NAMES) if top.has("activity") else None

    cal = _Reader(label, "calibration", data.get("calibration", {}))
    calibration_s = cal.number("duration_s", 10.0, 0.0, L.MAX_STEP_S)
    expressions = _expressions(label, cal)
    expression_s = cal.number("expression_s", 4.0, 1.0, 30.0)
    expression_relax_s = cal.number("expression_relax_s", 3.0, 0.0, 30.0)

    tr = _Reader(label, "trials", data.get("trials", {}))
    blocks = tr.integer("blocks", 1, 1, L.MAX_BLOCKS)
    per_condition = tr.integer("per_condition", 4, 1, L.MAX_PER_CONDITION)
    conditions: tuple[str, ...] = ("happy", "sad", "neutral")
    if tr.has("conditions"):
        conds = tr.table["conditions"]
        if (not isinstance(conds, list) or not conds
                or not all(isinstance(c, str) for c in conds)):
            raise tr.fail("conditions", "a non-empty list of strings", conds)
        for c in conds:
            _option(tr, "conditions", c, PROTOCOL_CONDITIONS)
        if len(set(conds)) != len(conds):
            raise tr.fail("conditions", "a list without repeats", conds)
        conditions = tuple(conds)
    n_trials = blocks * per_condition * len(conditions)
    if n_trials > L.MAX_TRIALS:
        raise ConfigError(f"{label}: [trials] blocks x per_condition x conditions must be at most "
                          f"{L.MAX_TRIALS} trials, got {blocks} x {per_condition} x "
                          f"{len(conditions)} = {n_trials}")
    stimulus_s = tr.number("stimulus_s", 4.0, 0.0, L.MAX_STEP_S, lo_open=True)
    morph_s = tr.number("morph_s", 1.0, 0.0, L.MAX_STEP_S)
    if morph_s > stimulus_s:
        raise ConfigError(f"{label}: [trials] morph_s must be <= stimulus_s ({stimulus_s:g}), "
                          f"got {morph_s:g}")
    intensity = tr.number("intensity", 1.0, 0.0, 1.0)
    iti_s = tr.number("iti_s", 3.0, 0.0, L.MAX_STEP_S)
    iti_jitter_s = tr.number("iti_jitter_s", 0.5, 0.0, L.MAX_STEP_S)
    if iti_jitter_s > iti_s:
        raise ConfigError(f"{label}: [trials] iti_jitter_s must be <= iti_s ({iti_s:g}), "
                          f"got {iti_jitter_s:g}")
    block_break_s = tr.number("block_break_s", 0.0, 0.0, L.MAX_STEP_S)

    st = _Reader(label, "stimuli", data.get("stimuli", {}))
    video_end = st.choice("video_end", "hold", ("hold", "loop"))
    if st.has("identities") and st.has("set"):
        raise ConfigError(f"{label}: [stimuli] has both identities and set; give one: "
                          f"built-in identities or a stimulus set folder")
    stimulus_set = None
    identities: tuple[str, ...] = ()
    if st.has("set"):
        set_s = st.string("set", "", max_chars=L.MAX_PATH_CHARS, nonempty=True)
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
        calibration_text=dt.string("calibration_text", DisplayOptions.calibration_text,
                                   max_chars=L.MAX_TEXT_CHARS),
        show_progress=dt.boolean("show_progress", True),
    )
    protocol = Protocol(
        schema_version=SCHEMA_VERSION, name=name, description=description,
        calibration_s=calibration_s, expressions=expressions, expression_s=expression_s,
        expression_relax_s=expression_relax_s, blocks=blocks, per_condition=per_condition,
        conditions=conditions, stimulus_s=stimulus_s, morph_s=morph_s, intensity=intensity,
        iti_s=iti_s, iti_jitter_s=iti_jitter_s, block_break_s=block_break_s, seed=seed,
        identities=identities, stimulus_set=stimulus_set, video_end=video_end,
        display=display, path=src_path, activity=activity,
        groups=_groups(label, data, conditions, identities, stimulus_set),
    )
    if protocol.max_duration_s > L.MAX_SESSION_S:
        raise ConfigError(f"{label}: the session would last up to {protocol.max_duration_s:.0f} s "
                          f"(calibration, {protocol.n_trials} trials and breaks); a protocol may "
                          f"last at most {L.MAX_SESSION_S:.0f} s (2 hours): use fewer [trials] or "
                          f"shorter durations")
    return protocol


def _option(reader: _Reader, key: str, value: str, allowed: Sequence[str]) -> str:
    """One name of a list: short, one line, and one of ``allowed``."""
    if len(value) > 100 or L.first_control(value) is not None:
        raise reader.fail(key, f"a list of names from {', '.join(repr(a) for a in allowed)}",
                          value)
    return check_option(reader._name(key), value, allowed, where=reader.source)


def _expressions(label: str, cal: _Reader) -> tuple[str, ...]:
    """``[calibration] expressions``: the posed expressions, in order (empty: none)."""
    if not cal.has("expressions"):
        return ()
    value = cal.table["expressions"]
    names = ", ".join(f'"{n}"' for n in EXPRESSION_NAMES)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise cal.fail("expressions", f"a list of names from {names} ([] for none)", value)
    for v in value:
        _option(cal, "expressions", v, EXPRESSION_NAMES)
    if len(set(value)) != len(value):
        raise cal.fail("expressions", "a list without repeats", value)
    return tuple(value)


def _colour(label: str, dt: _Reader, key: str = "background",
            default: str = DisplayOptions.background) -> str:
    v = dt.string(key, default, max_chars=L.MAX_NAME_CHARS)
    if not _HEX_COLOUR.match(v):
        raise dt.fail(key, 'a colour "#rrggbb"', v)
    return v.lower()


def _groups(label: str, data: dict, conditions, identities, stimulus_set):
    """``[groups]`` (:mod:`mimicry.protocol.groups`), or None without one."""
    if "groups" not in data:
        return None
    from mimicry.protocol.groups import ASSIGN_MODES, INTRO_MODES, Group, Groups  # noqa: PLC0415

    gr = _Reader(label, "groups", data["groups"])
    assign = gr.choice("assign", "trial", ASSIGN_MODES)
    intro = gr.choice("intro", "none", INTRO_MODES)
    intro_s = gr.number("intro_s", 6.0, 1.0, 60.0)
    made = {}
    for key, name, colour in (("own", "your team", "#1f6fd1"),
                              ("other", "the other team", "#e07b00")):
        if key not in gr.table:
            raise ConfigError(f"{label}: [groups] needs a [groups.{key}] table with name and "
                              f"colour (the two groups are own and other)")
        sub = _Reader(label, f"groups.{key}", gr.table[key])
        made[key] = Group(key, sub.string("name", name, max_chars=40, nonempty=True,
                                          forbid=";=\n"),
                          _colour(label, sub, "colour", colour))
    if made["own"].colour == made["other"].colour:
        raise ConfigError(f"{label}: [groups.own] and [groups.other] have the same colour "
                          f"{made['own'].colour}; give each group its own colour")
    if not {"happy", "sad"} <= set(conditions):
        raise ConfigError(f"{label}: [groups] needs happy and sad in [trials] conditions (the "
                          f"own-minus-other test compares the smile at happy and sad faces)")
    n_ids = len(stimulus_set.items) if stimulus_set is not None else len(identities)
    if assign == "identity" and n_ids < 2:
        raise ConfigError(f"{label}: [groups] assign = \"identity\" needs at least 2 stimulus "
                          f"identities, got {n_ids}")
    return Groups(made["own"], made["other"], assign, intro, intro_s)


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
            _option(st, "identities", v, stimulus_ids)
    if len(set(value)) != len(value):
        raise st.fail("identities", "a list without repeats", value)
    return tuple(value)

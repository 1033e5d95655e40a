"""Questionnaires as data (TOML): items, the response scale, reverse-keyed items, the scoring.

A questionnaire file::

    schema_version = 1
    id = "sites"
    title = "Single-Item Trait Empathy Scale"
    citation = "Konrath, Meier & Bushman (2018) ..."
    licence = "..."                       # required: on what terms the items are shipped
    instructions = "To what extent does the following statement describe you?"
    scoring = "mean"                      # or "sum"

    [scale]
    min = 1
    max = 5
    labels = ["not very true of me", "very true of me"]   # the two ends

    [[items]]
    id = "empathetic"
    text = "I am an empathetic person."
    reverse = false                       # true: scored as min + max - answer

Shipped: ``sites`` (the default empathy question) and ``mood`` (one valence
item, asked before and after a session). Scores go into ``session.json``
under ``questionnaires`` (:func:`save_answers`). docs/questionnaires.md has
every key.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from mimicry.core.errors import ConfigError, InputError
from mimicry.protocol.reader import TableReader, show

SCHEMA_VERSION = 1
SHIPPED_QUESTIONNAIRES: tuple[str, ...] = ("sites", "mood")
#: The questionnaire the app and ``mimicry aggregate`` use unless told otherwise.
DEFAULT_QUESTIONNAIRE = "sites"
MAX_ITEMS = 200
MAX_FILE_BYTES = 200_000
_DIR = Path(__file__).resolve().parent / "shipped" / "questionnaires"
_ID = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_KEYS = {"": ("schema_version", "id", "title", "citation", "licence", "instructions",
              "scoring", "scale", "items"),
         "scale": ("min", "max", "labels"),
         "items": ("id", "text", "reverse")}


@dataclass(frozen=True)
class Item:
    """One question: ``id``, the text shown, and whether it is reverse-keyed."""

    id: str
    text: str
    reverse: bool = False


@dataclass(frozen=True)
class Questionnaire:
    """A validated questionnaire (:func:`load_questionnaire`).

    Attributes
    ----------
    id, title, citation, licence, instructions : str
    scoring : {"mean", "sum"}
    scale_min, scale_max : int
        Every answer is a whole number in this range.
    labels : tuple of str
        What the two ends of the scale mean.
    items : tuple of Item
    source : str
        ``"shipped"`` or the file's name.
    """

    id: str
    title: str
    citation: str
    licence: str
    instructions: str
    scoring: str
    scale_min: int
    scale_max: int
    labels: tuple[str, str]
    items: tuple[Item, ...]
    source: str = "shipped"

    def check_answers(self, answers: Mapping[str, int]) -> dict[str, int]:
        """``answers`` (item id to answer), checked: every item, whole numbers in the scale."""
        out = {}
        for item in self.items:
            if item.id not in answers:
                raise InputError(f"questionnaire {self.id}: no answer to item {item.id!r}; "
                                 f"expected one answer per item")
            v = answers[item.id]
            if isinstance(v, bool) or not isinstance(v, int) or not (
                    self.scale_min <= v <= self.scale_max):
                raise InputError(f"questionnaire {self.id}: item {item.id} must be a whole "
                                 f"number from {self.scale_min} to {self.scale_max}, got "
                                 f"{show(v)}")
            out[item.id] = int(v)
        extra = sorted(set(answers) - set(out))
        if extra:
            raise InputError(f"questionnaire {self.id}: no item {extra[0]!r}; the items are "
                             f"{', '.join(i.id for i in self.items)}")
        return out

    def score(self, answers: Mapping[str, int]) -> float:
        """The score: reverse-keyed items flipped (``min + max - answer``), then mean or sum."""
        a = self.check_answers(answers)
        vals = [self.scale_min + self.scale_max - a[i.id] if i.reverse else a[i.id]
                for i in self.items]
        return float(sum(vals) / len(vals) if self.scoring == "mean" else sum(vals))

    def record(self, answers: Mapping[str, int]) -> dict:
        """The ``session.json`` entry of these answers."""
        a = self.check_answers(answers)
        return {"id": self.id, "title": self.title, "score": self.score(a),
                "min": self.scale_min, "max": self.scale_max, "scoring": self.scoring,
                "answers": a, "n_items": len(self.items),
                "reverse": [i.id for i in self.items if i.reverse],
                "licence": self.licence, "source": self.source}


def questionnaire_path(name: str) -> Path:
    return _DIR / f"{name}.toml"


def load_questionnaire(name_or_path: str | os.PathLike) -> Questionnaire:
    """A shipped questionnaire by id, or a TOML file; :class:`ConfigError` (one line) if bad."""
    spec = str(name_or_path)
    shipped = spec in SHIPPED_QUESTIONNAIRES
    path = questionnaire_path(spec) if shipped else Path(spec).expanduser()
    label = f"questionnaire {path.name}"
    if not shipped and not path.is_file():
        raise ConfigError(f"{label}: not found; expected a questionnaire TOML file or one of "
                          f"{', '.join(SHIPPED_QUESTIONNAIRES)}")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{label}: cannot be read ({exc.strerror or exc})") from None
    if len(data) > MAX_FILE_BYTES:
        raise ConfigError(f"{label}: too large for a questionnaire (more than "
                          f"{MAX_FILE_BYTES} bytes)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigError(f"{label}: not UTF-8 text; expected a questionnaire TOML file") \
            from None
    return parse_questionnaire(text, label, "shipped" if shipped else path.name)


def parse_questionnaire(text: str, label: str = "questionnaire",
                        source: str = "<string>") -> Questionnaire:
    """Validate questionnaire TOML ``text``; ``label`` starts every error line."""
    import tomllib

    try:
        data = tomllib.loads(text.removeprefix("\ufeff"))
    except RecursionError:
        raise ConfigError(f"{label}: not valid TOML (nested too deeply)") from None
    except (ValueError, TypeError) as exc:
        raise ConfigError(f"{label}: not valid TOML ({' '.join(str(exc).split())[:200]})") \
            from None
    top = TableReader(label, "", data, _KEYS[""])
    sv = data.get("schema_version")
    if type(sv) is not int or sv != SCHEMA_VERSION:
        raise ConfigError(f"{label}: schema_version must be {SCHEMA_VERSION}, got {show(sv)}")
    for key in ("id", "title", "licence", "scale", "items"):
        if key not in data:
            raise ConfigError(f"{label}: {key} is missing; see docs/questionnaires.md")
    qid = top.string("id", "", max_chars=40, nonempty=True)
    if not _ID.match(qid):
        raise top.fail("id", "lower-case letters, digits and _ (starting with a letter)", qid)
    title = top.string("title", "", max_chars=200, nonempty=True)
    licence = top.string("licence", "", max_chars=1000, nonempty=True)
    citation = top.string("citation", "", max_chars=1000)
    instructions = top.string("instructions", "", max_chars=500)
    scoring = top.choice("scoring", "mean", ("mean", "sum"))
    sc = TableReader(label, "scale", data["scale"], _KEYS["scale"])
    for key in ("min", "max"):
        if key not in sc.table:
            raise ConfigError(f"{label}: [scale] {key} is missing")
    lo = sc.integer("min", 1, -1000, 1000)
    hi = sc.integer("max", 5, -1000, 1000)
    if hi <= lo or hi - lo > 100:
        raise ConfigError(f"{label}: [scale] max must be above min (by at most 100), got "
                          f"min {lo} and max {hi}")
    labels = sc.table.get("labels", ["", ""])
    if (not isinstance(labels, list) or len(labels) != 2
            or not all(isinstance(v, str) and len(v) <= 100 for v in labels)):
        raise sc.fail("labels", "a list of two strings (what the two ends mean)", labels)
    items_raw = data["items"]
    if not isinstance(items_raw, list) or not items_raw or len(items_raw) > MAX_ITEMS:
        raise ConfigError(f"{label}: items must be 1 to {MAX_ITEMS} [[items]] tables, got "
                          f"{show(items_raw) if not isinstance(items_raw, list) else len(items_raw)}")
    items, seen = [], set()
    for k, raw in enumerate(items_raw, 1):
        it = TableReader(label, "items", raw, _KEYS["items"])
        for key in ("id", "text"):
            if key not in it.table:
                raise ConfigError(f"{label}: item {k} has no {key}")
        iid = it.string("id", "", max_chars=40, nonempty=True)
        if not _ID.match(iid):
            raise it.fail("id", "lower-case letters, digits and _ (starting with a letter)", iid)
        if iid in seen:
            raise ConfigError(f"{label}: item id {iid!r} is used twice")
        seen.add(iid)
        items.append(Item(iid, it.string("text", "", max_chars=500, nonempty=True),
                          it.boolean("reverse", False)))
    return Questionnaire(qid, title, citation, licence, instructions, scoring, lo, hi,
                         (labels[0], labels[1]), tuple(items), source)


def save_answers(folder: str | os.PathLike, questionnaire: Questionnaire,
                 answers: Mapping[str, int], key: str | None = None) -> dict:
    """Store the answers and score under ``questionnaires[key]`` of ``folder/session.json``.

    ``key`` defaults to the questionnaire's id (the mood's ``mood_before`` and
    ``mood_after`` are stored under their own keys). Every other key of
    session.json is kept; the file is rewritten atomically.

    Returns
    -------
    dict
        The new session.json content.
    """
    from mimicry.io.session import SESSION_FILE, read_json, write_session_json  # noqa: PLC0415

    entry = questionnaire.record(answers)
    folder = Path(folder)
    path = folder / SESSION_FILE
    meta = read_json(path) if path.is_file() else {}
    qs = meta.get("questionnaires")
    qs = dict(qs) if isinstance(qs, dict) else {}
    qs[key or questionnaire.id] = entry
    meta["questionnaires"] = qs
    write_session_json(folder, meta)
    return meta


def session_score(meta: Mapping, key: str) -> float | None:
    """``questionnaires[key].score`` of a session.json dict, when it is a finite number."""
    qs = meta.get("questionnaires")
    entry = qs.get(key) if isinstance(qs, Mapping) else None
    v = entry.get("score") if isinstance(entry, Mapping) else None
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
        return None
    return float(v)

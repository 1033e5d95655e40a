"""The class board: every session of a class folder at a glance, for the app's projector page.

A class is a folder of session folders (the app's "Save sessions in", or
``mimicry app --board DIR``). The board reads what each session already
wrote when it ended (``summary.json`` and ``session.json``) instead of
analysing again, so a board of 40 sessions opens at once
(``benchmarks/class_board.py``). A session without a summary, or with files
that cannot be read, is listed as flagged with the reason; it never stops
the board.

What the board holds: one row per person (the primary effect with its 95%
interval), the class mean with its interval and the sign-flip test across
people, the empathy scatter (the SITES score against the effect; the old
1-7 self-rating is not pooled with it: Pearson r with its interval, beside what the literature
leads one to expect), and each activity's class result: the try-not-to-smile
leaderboard, contagious-yawn counts, own versus other group, the two-person
pairs. The class report is ``mimicry aggregate`` over the same folder.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass, field
from pathlib import Path

from mimicry.analysis.group import (MIN_PEOPLE_SIGN_FLIP, Correlation, OneSampleTest, correlate,
                                    one_sample_test)
from mimicry.protocol.questionnaire import DEFAULT_QUESTIONNAIRE, session_score
from mimicry.report.scores import EMPATHY_EXPECTATION
from mimicry.runtime.settings import NAME_STYLES  # noqa: F401 (how people are named)

@dataclass
class BoardRow:
    """One session of the class.

    Attributes
    ----------
    folder : Path
    name : str
        The participant as the board shows them (see :func:`shown_name`).
    activity : str or None
    effect, ci_low, ci_high : float
        The primary estimate (NaN without one).
    conclusion : str
    score : float or None
        The empathy score (SITES).
    summary : dict
    flag : str
        Why the session is not on the board's statistics ("" when it is).
    status : str
        session.json's status (``complete``, ``stopped``, ...; "" when unknown).
    """

    folder: Path
    name: str
    activity: str | None = None
    effect: float = math.nan
    ci_low: float = math.nan
    ci_high: float = math.nan
    conclusion: str = ""
    score: float | None = None
    summary: dict = field(default_factory=dict)
    flag: str = ""
    status: str = ""


def shown_name(participant: str, number: int, style: str) -> str:
    """``"Maria Lopez"`` as ``"Maria"``, ``"M. L."`` or ``"#3"`` (``style`` from :data:`NAME_STYLES`)."""
    words = [w for w in (participant or "").replace("_", " ").split() if w]
    if style == "number" or not words or participant == "anonymous":
        return f"#{number}"
    if style == "initials":
        return " ".join(f"{w[0].upper()}." for w in words)
    return words[0]


def _read(path: Path) -> dict:
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    return data


def _num(v) -> float:
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) and \
        math.isfinite(v) else math.nan


def _why(exc: BaseException) -> str:
    """Why a session file cannot be read, in words a teacher can act on."""
    if isinstance(exc, OSError):
        return exc.strerror or exc.__class__.__name__
    return "damaged: not the JSON object mimicry writes"


def _measured(row: BoardRow) -> bool:
    """The row is on the board's statistics: not flagged, with a primary estimate."""
    return not row.flag and math.isfinite(row.effect)


def board_row(folder: Path, number: int, style: str = "first name") -> BoardRow:
    """One session folder as a board row; damage becomes a flag, never an exception."""
    meta: dict = {}
    try:
        meta = _read(folder / "session.json") if (folder / "session.json").is_file() else {}
    except (OSError, ValueError, RecursionError) as exc:
        return BoardRow(folder, f"#{number}", flag=f"session.json cannot be read ({_why(exc)}); "
                        "left out of the class")
    row = BoardRow(folder, shown_name(str(meta.get("participant") or ""), number, style),
                   meta.get("activity") if isinstance(meta.get("activity"), str) else None)
    row.score = session_score(meta, DEFAULT_QUESTIONNAIRE)  # SITES only: one scale
    row.status = meta.get("status") if isinstance(meta.get("status"), str) else ""
    if meta.get("status") not in (None, "complete", "stopped"):
        row.flag = f"the session ended {meta.get('status')}"
    path = folder / "summary.json"
    if not path.is_file():
        if row.status != "stopped":  # stopped before any face: nothing to analyse, no damage
            row.flag = row.flag or "not analysed yet (no summary.json)"
        return row
    try:
        row.summary = _read(path)
    except (OSError, ValueError, RecursionError) as exc:
        row.flag = (f"summary.json cannot be read ({_why(exc)}); left out of the class "
                    f"until 'mimicry analyze' writes it again")
        return row
    s = row.summary
    row.effect = _num(s.get("effect_size"))
    ci = s.get("effect_ci95") if isinstance(s.get("effect_ci95"), list) else [None, None]
    row.ci_low, row.ci_high = (_num(ci[0]), _num(ci[1])) if len(ci) == 2 else (math.nan,) * 2
    row.conclusion = str(s.get("conclusion") or "")
    return row


@dataclass
class ClassBoard:
    """Everything the board shows (see the module docstring)."""

    folder: Path
    rows: list
    mean: OneSampleTest
    correlation: Correlation | None
    leaderboard: list
    yawn: dict
    groups: OneSampleTest | None
    pairs: list

    @property
    def with_effect(self) -> list:
        return [r for r in self.rows if _measured(r)]

    def class_sentence(self) -> str:
        m = self.mean
        if m.n == 0:
            return "No session with a smile estimate yet."
        line = (f"{m.n} {'person' if m.n == 1 else 'people'}: smile at happy minus sad faces "
                f"{m.mean:+.2f} on average")
        if m.n < 2:
            return line + "; a class test needs at least 2."
        line += f" (95% interval {m.ci_low:+.2f} to {m.ci_high:+.2f})."
        if m.n < MIN_PEOPLE_SIGN_FLIP and m.p_sign_flip >= 0.05:
            return line + (f" With {m.n} people the class test cannot yet tell this from "
                           f"chance: it needs at least {MIN_PEOPLE_SIGN_FLIP}.")
        if m.p_sign_flip < 0.05:
            return line + (" The class mimicked more than chance would give." if m.mean > 0 else
                           " The class showed the opposite expression more than chance.")
        return line + " Across the class, this is not distinguishable from chance."

    def empathy_sentence(self) -> str:
        c = self.correlation
        if c is None or not math.isfinite(c.pearson_r):
            n = c.n if c is not None else 0
            why = ("a correlation needs at least 3" if n < 3 else
                   "the scores or the estimates are all the same, so there is no correlation")
            return (f"Empathy: {n} {'person' if n == 1 else 'people'} with a score and an "
                    f"estimate; {why}. {EMPATHY_EXPECTATION}")
        ci = (f" (95% interval {c.ci_low:+.2f} to {c.ci_high:+.2f})"
              if math.isfinite(c.ci_low) else "")
        sig = "" if c.pearson_p < 0.05 else ", not distinguishable from no relation"
        return (f"Empathy and mimicry: r = {c.pearson_r:+.2f}{ci}, n = {c.n}{sig}. "
                f"{EMPATHY_EXPECTATION}")

    def without_estimate(self) -> list[str]:
        """A line for each ordinary session that is not flagged yet has no dot, saying why."""
        lines = []
        for r in self.rows:
            if r.flag or r.activity is not None or math.isfinite(r.effect):
                continue
            why = ("stopped before enough faces" if r.status == "stopped" else
                   "too few usable faces" if r.conclusion == "too_short" else
                   "the analysis gave none")
            lines.append(f"{r.name}: no smile estimate ({why})")
        return lines

    def activity_lines(self) -> list[str]:
        lines = []
        if self.leaderboard:
            top = ", ".join(f"{e.shown_name} {e.survived_s:.0f} s" for e in self.leaderboard[:3])
            lines.append(f"Try not to smile: {top}")
        if self.yawn.get("sessions"):
            y = self.yawn
            lines.append(f"Contagious yawns ({y['sessions']} sessions): {y['after_yawn']} of "
                         f"{y['yawn_faces']} yawning faces and {y['after_control']} of "
                         f"{y['control_faces']} mouth movements were followed by a yawn")
        g = self.groups
        if g is not None and g.n:
            verdict = ("more for their own team than chance gives" if g.n > 1
                       and g.p_sign_flip_greater < 0.05 else "not distinguishable from chance")
            lines.append(f"Your team or theirs ({g.n} {'person' if g.n == 1 else 'people'}): own minus other {g.mean:+.2f} on "
                         f"average, {verdict}")
        for name, leader in self.pairs:
            lines.append(f"Two people, {name}: " + (f"the {leader} person led" if leader
                                                    else "no leader beyond chance"))
        return lines


def session_folders(folder: Path) -> list[Path]:
    """The class's session folders (each holds frames.csv or session.json), oldest first."""
    if not folder.is_dir():
        return []
    subs = [c for c in folder.iterdir() if c.is_dir() and not c.name.startswith(".")
            and ((c / "frames.csv").is_file() or (c / "session.json").is_file())]
    return sorted(subs, key=lambda p: p.name)


def load_board(folder: str | os.PathLike, style: str = "first name") -> ClassBoard:
    """The board of the class folder ``folder`` (see the module docstring)."""
    from mimicry.activities.no_smile.leaderboard import (  # noqa: PLC0415
        leaderboard_path, ranked, read_leaderboard)
    from mimicry.core.errors import MimicryError  # noqa: PLC0415

    folder = Path(folder).expanduser()
    rows = [board_row(p, k + 1, style) for k, p in enumerate(session_folders(folder))]
    scored = [r for r in rows if _measured(r)]
    mean = one_sample_test([r.effect for r in scored])
    pairs_sc = [(r.score, r.effect) for r in scored if r.score is not None]
    corr = correlate([p[0] for p in pairs_sc], [p[1] for p in pairs_sc],
                     "Single-Item Trait Empathy Scale") if pairs_sc else None
    try:
        board = ranked(read_leaderboard(leaderboard_path(folder)))
    except (MimicryError, OSError, ValueError):
        board = []
    yawn = {"sessions": 0, "after_yawn": 0, "yawn_faces": 0, "after_control": 0,
            "control_faces": 0}
    diffs, pairs = [], []
    for r in rows:
        s = r.summary
        y = s.get("yawn") if isinstance(s.get("yawn"), dict) else None
        if y is not None:
            yawn["sessions"] += 1
            for key, src in (("after_yawn", "yawns_after_yawn"), ("yawn_faces", "n_yawn_trials"),
                             ("after_control", "yawns_after_control"),
                             ("control_faces", "n_control_trials")):
                v = y.get(src)
                yawn[key] += int(v) if isinstance(v, int) else 0
        gd = s.get("group_difference") if isinstance(s.get("group_difference"), dict) else None
        if gd is not None and math.isfinite(_num(gd.get("estimate"))):
            diffs.append(_num(gd.get("estimate")))
        if s.get("analysis") == "dyad":
            leader = s.get("leader") if s.get("leader") in ("left", "right") else None
            pairs.append((r.name, leader))
    groups = one_sample_test(diffs) if diffs else None
    return ClassBoard(folder, rows, mean, corr, board, yawn, groups, pairs)

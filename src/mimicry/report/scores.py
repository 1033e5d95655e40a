"""The score correlated with mimicry in ``mimicry aggregate``: a score file, a questionnaire, or the old self-rating.

Which score a session gets: with a ``--scores`` file, its row for the session
(and no other score, so one scale is correlated); otherwise the
session's questionnaire score (``session.json`` ``questionnaires``, the one
``--questionnaire`` names, SITES by default) when any session has one; else
the old 1-7 ``self_rating``. One scale per correlation: sessions with only
the other are left out with a warning.
sessions.csv's ``score_source`` says which. The mood rating before and after
(``questionnaires.mood_before``, ``mood_after``) gives ``mood_change``.
"""

from __future__ import annotations

import csv
import math
import os
from pathlib import Path

from mimicry.core.errors import InputError
from mimicry.io.tables import csv_problem, not_utf8
from mimicry.protocol.questionnaire import session_score

#: What the literature leads one to expect of the empathy correlation (reports and the board).
EMPATHY_EXPECTATION = ("A meta-analysis (Holland, Wingert & Tang 2021) found only a weak link "
                       "between mimicry and empathy, so a class of 30 will often see none.")

#: Columns appended to sessions.csv.
SCORE_COLUMNS: tuple[str, ...] = ("score_source", "questionnaire", "questionnaire_score",
                                  "mood_before", "mood_after", "mood_change")


def read_scores(path: str | os.PathLike) -> tuple[str, dict[str, float]]:
    """A score file: CSV with a ``score`` column and a ``session`` or ``participant`` column.

    Returns
    -------
    key : str
        ``"session"`` (matched to the session folder name) or ``"participant"``
        (matched to ``session.json`` ``participant``).
    scores : dict of str to float
    """
    path = Path(path)
    try:
        fh = open(path, newline="", encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(f"cannot read score file {path}: {exc.strerror or exc}") from None
    reader = csv.DictReader(fh)
    try:
        with fh:
            return _scores(path, reader)
    except UnicodeDecodeError:
        raise InputError(not_utf8(path, "a score file")) from None
    except csv.Error as exc:
        raise InputError(csv_problem(path, reader.reader.line_num, exc, "a score file")) from None


SCORE_LIMIT = 1e12  #: larger scores are damage (their squares would overflow the correlation)


def _scores(path: Path, reader: csv.DictReader) -> tuple[str, dict[str, float]]:
    cols = [c.strip() for c in (reader.fieldnames or [])]
    key = "session" if "session" in cols else "participant" if "participant" in cols else None
    if key is None or "score" not in cols:
        raise InputError(f"{path} must have a 'score' column and a 'session' or "
                         f"'participant' column; found {', '.join(cols) or 'no header'}")
    scores = {}
    for lineno, row in enumerate(reader, start=2):
        row = {(k or "").strip(): (v if isinstance(v, str) else "").strip()
               for k, v in row.items()}
        name, value = row.get(key, ""), row.get("score", "")
        if not name and not value:
            continue
        try:
            x = float(value)
        except ValueError:
            x = math.nan
        if not math.isfinite(x):
            raise InputError(f"{path} row {lineno}: score={value!r} is not a number")
        if abs(x) > SCORE_LIMIT:
            raise InputError(f"{path} row {lineno}: score={value!r} is out of range; expected "
                             f"a number from {-SCORE_LIMIT:g} to {SCORE_LIMIT:g}")
        scores[name] = x
    return key, scores


def score_columns(meta: dict, questionnaire: str) -> dict:
    """The :data:`SCORE_COLUMNS` of one session (``score_source`` is set by :func:`choose_scores`)."""
    before, after = session_score(meta, "mood_before"), session_score(meta, "mood_after")
    return {"score_source": None, "questionnaire": questionnaire,
            "questionnaire_score": session_score(meta, questionnaire),
            "mood_before": before, "mood_after": after,
            "mood_change": after - before if before is not None and after is not None else None}


def choose_scores(rows, file_scores: tuple[str, dict] | None, file_name: str,
                  questionnaire_title: str) -> tuple[str, list[str]]:
    """Set each row's ``score`` and ``score_source``; the score's label and any warnings.

    Parameters
    ----------
    rows : list of SessionRow
    file_scores : (key, scores) from :func:`read_scores`, or None
    file_name : str
        The score file's name, for the label.
    questionnaire_title : str
    """
    warnings: list[str] = []
    matched = set()
    key, table = file_scores if file_scores is not None else ("", {})
    # One measure per correlation: the questionnaire when any session has it, else the
    # old self-rating (a 1-5 and a 1-7 scale are never pooled).
    use_q = any(r.values.get("questionnaire_score") is not None for r in rows)
    old_only = 0
    for r in rows:
        v = r.values
        name = v["session"] if key == "session" else v.get("participant")
        v["score"], v["score_source"] = None, None
        if file_scores is not None:
            if name in table:
                v["score"], v["score_source"] = table[name], "file"
                matched.add(name)
        elif use_q:
            if v.get("questionnaire_score") is not None:
                v["score"], v["score_source"] = v["questionnaire_score"], "questionnaire"
            old_only += v.get("self_rating") is not None
        elif v.get("self_rating") is not None:
            v["score"], v["score_source"] = v["self_rating"], "self_rating"
    if old_only:
        warnings.append(f"{old_only} session(s) have only the old 1-7 self-rating, not the "
                        f"{questionnaire_title}; they are left out of the correlation")
    if file_scores is not None:
        unmatched = sorted(set(table) - matched)
        if unmatched:
            warnings.append(f"{file_name}: no session for {key} "
                            f"{', '.join(unmatched[:10])}{' …' if len(unmatched) > 10 else ''}")
        if not matched:
            warnings.append(f"{file_name}: no {key} matched any session")
    sources = {r.values["score_source"] for r in rows} - {None}
    labels = {"file": f"score ({file_name})", "questionnaire": questionnaire_title,
              "self_rating": "self-rating (1–7)"}
    return (labels[sources.pop()] if sources else ""), warnings

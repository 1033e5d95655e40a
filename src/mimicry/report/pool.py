"""Many sessions pooled (``mimicry aggregate``): finding session folders, one row each, the group.

Each session is analysed as ``mimicry analyze`` does; the per-session
mimicry indices are then tested across people (:mod:`mimicry.analysis.group`),
the mean cross-correlogram against its surrogate (the group lag), and every
valid happy and sad trial in a mixed model (:mod:`mimicry.analysis.mixed`).
A session that cannot be analysed (no events, no trials, unreadable files)
or that is incomplete, or was written by another version, gives a warning
and is listed, never a crash.
"""

from __future__ import annotations

import csv
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import numpy as np

from mimicry._version import __version__
from mimicry.analysis.group import (Correlation, GroupLagTest, OneSampleTest, correlate,
                                    group_lag_test, json_number, one_sample_test)
from mimicry.analysis.mixed import MixedModelResult, mixed_model
from mimicry.core.errors import InputError, MimicryError
from mimicry.protocol.questionnaire import DEFAULT_QUESTIONNAIRE
from mimicry.report.group_labels import GROUP_COLUMNS, group_columns, group_label_test
from mimicry.report.scores import SCORE_COLUMNS, choose_scores, read_scores, score_columns
from mimicry.report.self_rating import SELF_RATING_MAX, SELF_RATING_MIN
from mimicry.report.session_report import SessionAnalysis, analyse

SESSIONS_FILE = "sessions.csv"
GROUP_FILE = "group.json"
REPORT_FILE = "report.html"
FIGURE_FILES: dict[str, str] = {
    "index": "group_index.png",
    "curves": "group_curves.png",
    "rating": "group_rating.png",
}
#: Columns of sessions.csv, in order.
SESSION_COLUMNS: tuple[str, ...] = (
    "session", "participant", "path", "status", "app_version", "included",
    "n_trials", "n_valid_trials", "n_valid_happy", "n_valid_sad", "face_frames_pct",
    "mimicry_index", "p_value", "p_value_two_sided", "conclusion",
    "smile_g_happy_vs_sad", "sad_composite_g_sad_vs_happy",
    "xcorr_peak_lag_s", "xcorr_peak_r", "xcorr_peak_at_edge", "xcorr_p_value_two_sided", "lag_s",
    "self_rating", "score", "warnings",
    "xcorr_p_value", "xcorr_significant", "mixed_model_trials",
    "effect_size", "effect_ci_low", "effect_ci_high", "mde_80") + GROUP_COLUMNS + SCORE_COLUMNS
SELF_RATING_RANGE = (SELF_RATING_MIN, SELF_RATING_MAX)


@dataclass
class SessionRow:
    """One session in the pool: its row of sessions.csv, and what was loaded."""

    values: dict
    warnings: list = field(default_factory=list)
    analysis: SessionAnalysis | None = None

    @property
    def included(self) -> bool:
        v = self.values.get("effect_size")
        return v is not None and math.isfinite(v)


# --------------------------------------------------------------------------- input

def find_sessions(paths: Sequence[str | os.PathLike]) -> list[Path]:
    """Session folders: each path is one (it holds ``frames.csv``) or a folder of them.

    Raises :class:`InputError` for a path that does not exist or holds no session.
    """
    found: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if not p.is_dir():
            raise InputError(f"session folder {p} not found; expected a session folder (with "
                             f"frames.csv) or a folder of session folders")
        if (p / "frames.csv").is_file():
            found.append(p)
            continue
        subs = sorted(c for c in p.iterdir() if c.is_dir() and (c / "frames.csv").is_file())
        if not subs:
            raise InputError(f"{p} holds no frames.csv and no session folders with one; expected "
                             f"a session folder from 'mimicry record', 'mimicry process' or the "
                             f"app, or a folder of them")
        found.extend(subs)
    seen, unique = set(), []
    for p in found:
        key = p.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(p)
    return unique


def _self_rating(meta: dict, label: str, warnings: list) -> float | None:
    v = meta.get("self_rating")
    if v is None:
        return None
    lo, hi = SELF_RATING_RANGE
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not lo <= v <= hi:
        warnings.append(f"{label}: self_rating {v!r} in session.json is not a number from "
                        f"{lo} to {hi}; ignored")
        return None
    return float(v)


def _version_warning(meta: dict, label: str) -> str | None:
    from mimicry.io.session import SESSION_SCHEMA_VERSION  # noqa: PLC0415

    if not meta:
        return None  # load_session already says so
    v = meta.get("app_version")
    schema = meta.get("schema_version")
    if isinstance(schema, int) and schema < SESSION_SCHEMA_VERSION:
        return (f"{label}: written by an older version (session.json schema_version {schema}); "
                f"analysed with this version's analysis")
    if v and str(v) != __version__:
        return f"{label}: recorded with mimicry {v}, analysed with {__version__}"
    return None


def session_row(folder: Path, questionnaire: str = DEFAULT_QUESTIONNAIRE) -> SessionRow:
    """Analyse one session for the pool; problems become warnings.

    ``questionnaire`` names the ``session.json`` questionnaire whose score is
    the session's ``questionnaire_score``.
    """
    values = {c: None for c in SESSION_COLUMNS}
    values.update(session=folder.name, path=str(folder), included=0)
    warnings: list[str] = []
    try:
        a = analyse(folder)
    except MimicryError as exc:
        warnings.append(f"{folder.name}: not analysed: {exc}")
        return SessionRow(values, warnings)
    except (ValueError, KeyError, IndexError, ArithmeticError, TypeError, RecursionError,
            csv.Error) as exc:  # a damaged file: the run goes on without it
        warnings.append(f"{folder.name}: not analysed: its files could not be read "
                        f"({exc.__class__.__name__}: {exc})")
        return SessionRow(values, warnings)
    meta, res = a.session.meta, a.result
    label = folder.name
    warnings += [f"{label}: {w}" for w in a.warnings]
    vw = _version_warning(meta, label)
    if vw:
        warnings.append(vw)
    cong, xc = res.congruence, res.xcorr
    lag = (xc.peak_lag_s if math.isfinite(xc.p_value)
           and xc.p_value < res.config.alpha else None)
    prim = res.primary.primary if getattr(res, "primary", None) is not None else None
    values.update(
        participant=meta.get("participant") or "", status=a.session.status,
        app_version=meta.get("app_version") or "",
        n_trials=len(res.trials), n_valid_trials=res.n_valid,
        n_valid_happy=cong.n_valid.get("happy", 0), n_valid_sad=cong.n_valid.get("sad", 0),
        face_frames_pct=json_number(res.face_frames_pct, 2), mimicry_index=json_number(cong.index),
        p_value=json_number(prim.p_value) if prim else None,
        p_value_two_sided=(json_number(min(1.0, 2 * min(prim.p_value, prim.p_value_opposite)))
                           if prim else None),
        conclusion=res.conclusion,
        smile_g_happy_vs_sad=json_number(cong.channel_g["smile"]["happy_vs_sad"]),
        sad_composite_g_sad_vs_happy=json_number(-cong.channel_g["sad_composite"]["happy_vs_sad"]),
        xcorr_peak_lag_s=json_number(xc.peak_lag_s), xcorr_peak_r=json_number(xc.peak_r),
        xcorr_peak_at_edge=int(bool(xc.peak_at_edge)),
        xcorr_p_value_two_sided=json_number(xc.p_value_two_sided), lag_s=json_number(lag),
        self_rating=_self_rating(meta, label, warnings),
        xcorr_p_value=json_number(getattr(xc, "p_value", None)),
        xcorr_significant=_own_lag_significant(xc, res.config.alpha),
        mixed_model_trials=len(trial_table(a, label)),
        effect_size=json_number(prim.estimate) if prim else None,
        effect_ci_low=json_number(prim.ci_low) if prim else None,
        effect_ci_high=json_number(prim.ci_high) if prim else None,
        mde_80=json_number(prim.mde) if prim else None, **group_columns(res),
        **score_columns(meta, questionnaire))
    row = SessionRow(values, warnings, a)
    if not row.included:
        warnings.append(f"{label}: too few valid happy and sad trials for a mimicry index "
                        f"(needs 2 of each); left out of the group statistics")
    else:
        values["included"] = 1
    return row


# --------------------------------------------------------------------------- the pool

def _own_lag_significant(xc, alpha: float) -> int | None:
    """1 when the session's own lag test (one-sided, positive correlation) is below alpha."""
    p = getattr(xc, "p_value", None)
    if p is None or not math.isfinite(float(p)):
        return None
    return int(float(p) < alpha)


def trial_table(a: SessionAnalysis, participant: str) -> list[dict]:
    """The session's valid happy and sad trials as rows of the mixed model's table.

    ``response`` is the trial's smile response (``mean`` of ``smile``),
    ``pre`` the pre-stimulus smile level (``pre_baseline``).
    """
    from mimicry.analysis.trials import ANALYSIS_CHANNELS  # noqa: PLC0415

    k = ANALYSIS_CHANNELS.index("smile")
    rows = []
    for tr in getattr(a.result, "trials", None) or []:
        try:
            if not tr.valid or tr.condition not in ("happy", "sad"):
                continue
            y, pre = float(tr.get("mean", "smile")), float(np.asarray(tr.pre_baseline)[k])
        except (AttributeError, IndexError, TypeError, ValueError):
            continue
        if math.isfinite(y) and math.isfinite(pre):
            rows.append(dict(participant=participant, stimulus_id=str(tr.stimulus_id),
                             condition=tr.condition, response=y, pre=pre))
    return rows


@dataclass
class Aggregate:
    """Everything ``mimicry aggregate`` found.

    Attributes
    ----------
    rows : list of SessionRow
    index : OneSampleTest
        Per-session mimicry indices against 0.
    lag : GroupLagTest
        The mean correlogram across people against its surrogate; the group
        lag when it is significant.
    n_significant_lag : int
        Sessions whose own lag test (one-sided ``xcorr.p_value``) is below alpha.
    n_lag_tested : int
        Sessions with an own lag test (a finite ``xcorr.p_value``).
    mixed : MixedModelResult
        The trial-level mixed model of smile, happy versus sad.
    correlation : Correlation or None
        Score against index, when any session has a score.
    score_label : str
    curves : ResponseCurves or None
        Per-condition curves averaged over sessions (``n_trials`` counts sessions).
    warnings : list of str
    group_labels : GroupLabelResult or None
        Own minus other group across people, when sessions had group labels.
    mood : OneSampleTest or None
        Mood after minus before across the sessions that asked both.
    questionnaire : Questionnaire or None
        The questionnaire whose scores were read.
    """

    rows: list
    index: OneSampleTest
    lag: GroupLagTest
    n_significant_lag: int
    n_lag_tested: int
    mixed: MixedModelResult
    correlation: Correlation | None
    score_label: str
    curves: object
    warnings: list
    group_labels: object = None
    mood: OneSampleTest | None = None
    questionnaire: object = None

    def group_dict(self) -> dict:
        """The content of ``group.json``."""
        return {
            "mimicry_version": __version__,
            "n_sessions": len(self.rows),
            "n_included": self.index.n,
            "index": self.index.as_dict(),
            "lag_test": self.lag.as_dict(),
            "n_sessions_lag_significant": self.n_significant_lag,
            "n_sessions_lag_tested": self.n_lag_tested,
            "mixed_model": self.mixed.as_dict(),
            "correlation": self.correlation.as_dict() if self.correlation else None,
            "score": self.score_label or None,
            "warnings": list(self.warnings),
            **({"group_labels": self.group_labels.as_dict()} if self.group_labels else {}),
            **({"mood_change": self.mood.as_dict()} if self.mood else {}),
        }


def aggregate_sessions(paths: Sequence[str | os.PathLike],
                       scores: str | os.PathLike | None = None, seed: int = 0,
                       mapper=map, questionnaire=None) -> Aggregate:
    """Analyse and pool session folders.

    Parameters
    ----------
    paths : sequence of path
        Session folders, or folders of session folders.
    scores : path, optional
        A score file (see :func:`read_scores`); its score is correlated with
        the index instead of the sessions' questionnaire score or self-rating.
    seed : int
        Seed of the random sign flips (used above 16 sessions).
    mapper : callable
        ``mapper(session_row, folders)``: the per-session analyses (a Dask
        cluster's with :func:`mimicry.runtime.cluster.dask_mapper`).
    questionnaire : str, optional
        The questionnaire (a shipped id or a TOML file) whose score in each
        session.json is correlated; default SITES. A bad file is a
        :class:`~mimicry.core.errors.ConfigError`.
    """
    from functools import partial  # noqa: PLC0415

    from mimicry.protocol.questionnaire import load_questionnaire  # noqa: PLC0415

    q = load_questionnaire(questionnaire or DEFAULT_QUESTIONNAIRE)
    folders = find_sessions(paths)
    file_scores = read_scores(scores) if scores is not None else None
    rows = list(mapper(partial(session_row, questionnaire=q.id), folders))
    warnings = [w for r in rows for w in r.warnings]
    score_label, more = choose_scores(rows, file_scores, Path(scores).name if scores else "",
                                      q.title)
    warnings += more
    included = [r for r in rows if r.included]
    if len(included) < 2:
        warnings.append(f"{len(included)} session(s) with a smile estimate: at least 2 are "
                        f"needed to test across people")
    index_test = one_sample_test([r.values["effect_size"] for r in included], seed)
    alpha = float(included[0].analysis.result.config.alpha) if included else 0.05
    xcs = [getattr(r.analysis.result, "xcorr", None) for r in included]
    lag_test = group_lag_test([getattr(x, "lags_s", None) for x in xcs],
                              [getattr(x, "null_r", None) for x in xcs], alpha=alpha, seed=seed)
    tested = [r.values["xcorr_significant"] for r in included
              if r.values["xcorr_significant"] is not None]
    table = [t for r in included for t in trial_table(
        r.analysis, r.values["participant"] or r.values["session"])]
    mixed = mixed_model(table)
    # A variance at its boundary is normal with a few faces (the estimate stands): it stays
    # in group.json's mixed_model.warnings, not in the report's "please note" box.
    warnings += [f"group: {w}" for w in mixed.warnings if "boundary" not in w]
    corr = None
    if score_label:
        pairs = [(r.values["score"], r.values["effect_size"]) for r in included
                 if r.values["score"] is not None]
        corr = correlate([p[0] for p in pairs], [p[1] for p in pairs], score_label)
        if corr.n < 3:
            warnings.append(f"{corr.n} session(s) with both a {score_label} and an estimate: at "
                            f"least 3 are needed for a correlation")
    from mimicry.report.curves import group_curves  # noqa: PLC0415

    curves = group_curves([r.analysis for r in included])
    moods = [r.values["mood_change"] for r in rows if r.values.get("mood_change") is not None]
    return Aggregate(rows, index_test, lag_test, sum(tested), len(tested), mixed, corr,
                     score_label, curves, warnings, group_label_test(rows, seed),
                     one_sample_test(moods, seed) if moods else None, q)

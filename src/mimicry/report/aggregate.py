"""Many sessions pooled, for a class or a study (``mimicry aggregate``).

Each session is analysed as ``mimicry analyze`` does; the per-session
mimicry indices are then tested across people (one-sample t-test and an
exact sign-flip permutation test against 0), the lags averaged, the
response curves averaged over people, and, when the sessions carry a
self-rating (``session.json`` ``self_rating``, 1-7) or the user supplies a
score file, the score is correlated with the index (Pearson and Spearman).

A session that cannot be analysed (no events, no trials, unreadable files)
or that is incomplete, or was written by another version, gives a warning
and is listed, never a crash.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import numpy as np

from mimicry._version import __version__
from mimicry.core.errors import InputError, MimicryError
from mimicry.report import page as H
from mimicry.report.self_rating import SELF_RATING_MAX, SELF_RATING_MIN, SELF_RATING_QUESTION
from mimicry.report.session_report import CONCLUSION_WORDS, SessionAnalysis, analyse, fmt, fmt_p, write_bytes

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
    "self_rating", "score", "warnings")
#: Sign flips are enumerated exactly up to this many sessions (2**16 = 65 536).
MAX_EXACT_SIGN_FLIP_N = 16
N_RANDOM_SIGN_FLIPS = 20_000
#: Spearman's p is exact (all n! orders) up to this many sessions (8! = 40 320).
MAX_EXACT_SPEARMAN_N = 8
SELF_RATING_RANGE = (SELF_RATING_MIN, SELF_RATING_MAX)


@dataclass
class SessionRow:
    """One session in the pool: its row of sessions.csv, and what was loaded."""

    values: dict
    warnings: list = field(default_factory=list)
    analysis: SessionAnalysis | None = None

    @property
    def included(self) -> bool:
        v = self.values.get("mimicry_index")
        return v is not None and math.isfinite(v)


@dataclass(frozen=True)
class OneSampleTest:
    """Per-session values tested against 0.

    Attributes
    ----------
    n : int
    mean, sd : float
    ci_low, ci_high : float
        95% confidence interval of the mean (t distribution).
    t, df, p_t_test : float
        One-sample t-test, two-sided.
    p_t_test_greater : float
        One-sided (mean > 0).
    p_sign_flip, p_sign_flip_greater : float
        Sign-flip permutation test of the mean, two- and one-sided.
    sign_flip_method : str
        ``"exact"`` (all 2**n flips), ``"random"`` or ``"none"``.
    n_positive : int
    """

    n: int
    mean: float
    sd: float
    ci_low: float
    ci_high: float
    t: float
    df: int
    p_t_test: float
    p_t_test_greater: float
    p_sign_flip: float
    p_sign_flip_greater: float
    sign_flip_method: str
    n_positive: int

    def as_dict(self) -> dict:
        return {k: _num(v) if isinstance(v, float) else v for k, v in self.__dict__.items()}


def _num(v, digits: int = 6):
    """JSON number with ``digits`` significant digits (a tiny p stays > 0); NaN as None."""
    if v is None:
        return None
    v = float(v)
    return float(f"{v:.{digits}g}") if math.isfinite(v) else None


def sign_flip_test(x: np.ndarray, seed: int = 0) -> tuple[float, float, str]:
    """Sign-flip permutation test of the mean against 0.

    Under the null hypothesis each person's index is as likely to be positive
    as negative (a symmetric distribution around 0), so every pattern of
    signs is equally likely. Exact for up to :data:`MAX_EXACT_SIGN_FLIP_N`
    values; otherwise :data:`N_RANDOM_SIGN_FLIPS` random flips with
    ``p = (1 + b) / (1 + m)``.

    Returns
    -------
    p_two_sided, p_greater : float
    method : str
    """
    x = np.asarray(x, float)
    n = x.size
    if n == 0:
        return float("nan"), float("nan"), "none"
    obs = x.mean()
    tol = 1e-12 * max(1.0, float(np.abs(x).max()))
    if n <= MAX_EXACT_SIGN_FLIP_N:
        codes = np.arange(2 ** n, dtype=np.int64)
        signs = 1 - 2 * ((codes[:, None] >> np.arange(n)) & 1)
        means = signs @ x / n
        return (float(np.mean(np.abs(means) >= abs(obs) - tol)),
                float(np.mean(means >= obs - tol)), "exact")
    rng = np.random.default_rng(seed)
    signs = rng.choice(np.array([-1.0, 1.0]), size=(N_RANDOM_SIGN_FLIPS, n))
    means = signs @ x / n
    m = N_RANDOM_SIGN_FLIPS
    return ((1 + np.sum(np.abs(means) >= abs(obs) - tol)) / (1 + m),
            (1 + np.sum(means >= obs - tol)) / (1 + m), "random")


def one_sample_test(values: Sequence[float], seed: int = 0) -> OneSampleTest:
    """t-test and sign-flip test of ``values`` against 0 (NaN values left out)."""
    from scipy import stats  # noqa: PLC0415

    x = np.asarray(values, float)
    x = x[np.isfinite(x)]
    n = int(x.size)
    nan = float("nan")
    mean = float(x.mean()) if n else nan
    sd = float(x.std(ddof=1)) if n > 1 else nan
    lo = hi = t = p = pg = nan
    if n > 1:
        half = float(stats.t.ppf(0.975, n - 1)) * sd / math.sqrt(n)
        lo, hi = mean - half, mean + half
        if sd > 0:
            res = stats.ttest_1samp(x, 0.0)
            t, p = float(res.statistic), float(res.pvalue)
            pg = float(stats.t.sf(t, n - 1))
    psf, psfg, method = sign_flip_test(x, seed) if n > 1 else (nan, nan, "none")
    return OneSampleTest(n=n, mean=mean, sd=sd, ci_low=lo, ci_high=hi, t=t, df=max(n - 1, 0),
                         p_t_test=p, p_t_test_greater=pg, p_sign_flip=float(psf),
                         p_sign_flip_greater=float(psfg), sign_flip_method=method,
                         n_positive=int(np.sum(x > 0)))


@dataclass(frozen=True)
class Correlation:
    """A score against the mimicry index, over sessions with both."""

    n: int
    pearson_r: float
    pearson_p: float
    spearman_rho: float
    spearman_p: float
    source: str

    def as_dict(self) -> dict:
        return {k: _num(v) if isinstance(v, float) else v for k, v in self.__dict__.items()}


def correlate(score: Sequence[float], index: Sequence[float], source: str) -> Correlation:
    """Pearson and Spearman correlation (two-sided p) of ``score`` with ``index``.

    Pearson's p is the usual t test; Spearman's is exact (every order of the
    ranks) up to :data:`MAX_EXACT_SPEARMAN_N` sessions, else the t approximation.
    """
    from scipy import stats  # noqa: PLC0415

    x, y = np.asarray(score, float), np.asarray(index, float)
    ok = np.isfinite(x) & np.isfinite(y)
    x, y = x[ok], y[ok]
    nan = float("nan")
    if x.size < 3 or np.ptp(x) == 0 or np.ptp(y) == 0:
        return Correlation(int(x.size), nan, nan, nan, nan, source)
    pr = stats.pearsonr(x, y)
    sr = stats.spearmanr(x, y)
    rho, p_rho = float(sr.statistic), float(sr.pvalue)
    if x.size <= MAX_EXACT_SPEARMAN_N:
        # The t approximation is poor for a handful of people (it gives 1e-24 for a
        # perfect order of 5): count the orders of one variable's ranks instead.
        rx, ry = stats.rankdata(x), stats.rankdata(y)
        perms = np.array(list(itertools.permutations(ry)))
        null = np.array([np.corrcoef(rx, row)[0, 1] for row in perms])
        p_rho = float(np.mean(np.abs(null) >= abs(rho) - 1e-12))
    return Correlation(int(x.size), float(pr.statistic), float(pr.pvalue), rho, p_rho, source)


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
    with fh:
        reader = csv.DictReader(fh)
        cols = [c.strip() for c in (reader.fieldnames or [])]
        key = "session" if "session" in cols else "participant" if "participant" in cols else None
        if key is None or "score" not in cols:
            raise InputError(f"{path} must have a 'score' column and a 'session' or "
                             f"'participant' column; found {', '.join(cols) or 'no header'}")
        scores = {}
        for lineno, row in enumerate(reader, start=2):
            row = {(k or "").strip(): (v or "").strip() for k, v in row.items()}
            name, value = row.get(key, ""), row.get("score", "")
            if not name and not value:
                continue
            try:
                x = float(value)
            except ValueError:
                x = math.nan
            if not math.isfinite(x):
                raise InputError(f"{path} row {lineno}: score={value!r} is not a number")
            scores[name] = x
    return key, scores


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


def session_row(folder: Path) -> SessionRow:
    """Analyse one session for the pool; problems become warnings."""
    values = {c: None for c in SESSION_COLUMNS}
    values.update(session=folder.name, path=str(folder), included=0)
    warnings: list[str] = []
    try:
        a = analyse(folder)
    except MimicryError as exc:
        warnings.append(f"{folder.name}: not analysed: {exc}")
        return SessionRow(values, warnings)
    except (ValueError, KeyError, IndexError) as exc:  # a damaged file from another version
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
    lag = (xc.peak_lag_s if math.isfinite(xc.p_value_two_sided)
           and xc.p_value_two_sided < res.config.alpha else None)
    values.update(
        participant=meta.get("participant") or "", status=a.session.status,
        app_version=meta.get("app_version") or "",
        n_trials=len(res.trials), n_valid_trials=res.n_valid,
        n_valid_happy=cong.n_valid.get("happy", 0), n_valid_sad=cong.n_valid.get("sad", 0),
        face_frames_pct=_num(res.face_frames_pct, 2), mimicry_index=_num(cong.index),
        p_value=_num(cong.p_value), p_value_two_sided=_num(cong.p_value_two_sided),
        conclusion=res.conclusion,
        smile_g_happy_vs_sad=_num(cong.channel_g["smile"]["happy_vs_sad"]),
        sad_composite_g_sad_vs_happy=_num(-cong.channel_g["sad_composite"]["happy_vs_sad"]),
        xcorr_peak_lag_s=_num(xc.peak_lag_s), xcorr_peak_r=_num(xc.peak_r),
        xcorr_peak_at_edge=int(bool(xc.peak_at_edge)),
        xcorr_p_value_two_sided=_num(xc.p_value_two_sided), lag_s=_num(lag),
        self_rating=_self_rating(meta, label, warnings))
    row = SessionRow(values, warnings, a)
    if not row.included:
        warnings.append(f"{label}: too few valid happy and sad trials for a mimicry index "
                        f"(needs 2 of each); left out of the group statistics")
    else:
        values["included"] = 1
    return row


# --------------------------------------------------------------------------- the pool

def follows(values: dict) -> bool:
    """The session's face followed the stimulus: positive cross-correlation peak inside the lags.

    A peak at the edge of the lag range (0 or 3 s) is where a flat,
    unrelated correlogram usually peaks, so its lag means nothing.
    """
    return (values.get("xcorr_peak_lag_s") is not None and (values.get("xcorr_peak_r") or 0) > 0
            and not values.get("xcorr_peak_at_edge"))


@dataclass
class Aggregate:
    """Everything ``mimicry aggregate`` found.

    Attributes
    ----------
    rows : list of SessionRow
    index : OneSampleTest
        Per-session mimicry indices against 0.
    lag : OneSampleTest
        Cross-correlation peak lags (seconds) of the sessions whose face
        followed the stimulus (:func:`follows`); only ``n``, mean, sd and CI
        are meaningful (a lag is not tested against 0).
    n_significant_lag : int
        Of those, sessions whose cross-correlation was significant on its own.
    correlation : Correlation or None
        Score against index, when any session has a score.
    score_label : str
    curves : ResponseCurves or None
        Per-condition curves averaged over sessions (``n_trials`` counts sessions).
    warnings : list of str
    """

    rows: list
    index: OneSampleTest
    lag: OneSampleTest
    n_significant_lag: int
    correlation: Correlation | None
    score_label: str
    curves: object
    warnings: list

    def group_dict(self) -> dict:
        """The content of ``group.json``."""
        return {
            "mimicry_version": __version__,
            "n_sessions": len(self.rows),
            "n_included": self.index.n,
            "index": self.index.as_dict(),
            "lag_s": {"n": self.lag.n, "mean": _num(self.lag.mean), "sd": _num(self.lag.sd),
                      "ci_low": _num(self.lag.ci_low), "ci_high": _num(self.lag.ci_high),
                      "n_significant": self.n_significant_lag,
                      "sessions": "cross-correlation peak lag of sessions with a positive peak "
                                  "inside the lag range"},
            "correlation": self.correlation.as_dict() if self.correlation else None,
            "score": self.score_label or None,
            "warnings": list(self.warnings),
        }


def group_curves(analyses: Sequence[SessionAnalysis]):
    """Response curves averaged over sessions: each session's per-condition mean, then mean ± CI.

    Every session is put on the grid of the shortest one, so each point
    averages the same people.
    """
    from mimicry.report.curves import AFTER_END_S, ResponseCurves, mean_and_ci, response_curves  # noqa: PLC0415
    from mimicry.protocol.timeline import trials_from_events  # noqa: PLC0415

    if not analyses:
        return None
    ends = []
    for a in analyses:
        trials = trials_from_events(a.session.events)
        ends.append(float(np.median([tr.offset_s - tr.onset_s + tr.morph_s for tr in trials])))
    end_s = min(ends) + AFTER_END_S
    per = [c for c in (response_curves(a.session.frames, a.session.events, a.result.config,
                                       end_s=end_s) for a in analyses) if c is not None]
    if not per:
        return None
    stacks: dict = {}
    for c in per:
        for key, y in c.mean.items():
            stacks.setdefault(key, []).append(y)
    mean, low, high, n = {}, {}, {}, {}
    for key, rows in stacks.items():
        mean[key], low[key], high[key], n[key] = mean_and_ci(np.vstack(rows))
    n_sessions = {cond: len(stacks.get((cond, per[0].channels[0]), []))
                  for cond in ("happy", "sad", "neutral")}
    return ResponseCurves(t_s=per[0].t_s, mean=mean, n_trials=n_sessions,
                          stimulus_s=float(np.median([c.stimulus_s for c in per])),
                          morph_s=float(np.median([c.morph_s for c in per])),
                          ci_low=low, ci_high=high, n=n, channels=per[0].channels)


def aggregate_sessions(paths: Sequence[str | os.PathLike],
                       scores: str | os.PathLike | None = None, seed: int = 0) -> Aggregate:
    """Analyse and pool session folders.

    Parameters
    ----------
    paths : sequence of path
        Session folders, or folders of session folders.
    scores : path, optional
        A score file (see :func:`read_scores`); its score is correlated with
        the index instead of the self-rating.
    seed : int
        Seed of the random sign flips (used above 16 sessions).
    """
    folders = find_sessions(paths)
    rows = [session_row(f) for f in folders]
    warnings = [w for r in rows for w in r.warnings]
    score_label = ""
    if scores is not None:
        key, table = read_scores(scores)
        matched = set()
        for r in rows:
            name = r.values["session"] if key == "session" else r.values.get("participant")
            if name in table:
                r.values["score"] = table[name]
                matched.add(name)
        unmatched = sorted(set(table) - matched)
        if unmatched:
            warnings.append(f"{Path(scores).name}: no session for {key} "
                            f"{', '.join(unmatched[:10])}{' …' if len(unmatched) > 10 else ''}")
        if not matched:
            warnings.append(f"{Path(scores).name}: no {key} matched any session; no correlation")
        score_label = f"score ({Path(scores).name})"
    else:
        for r in rows:
            r.values["score"] = r.values.get("self_rating")
        if any(r.values["score"] is not None for r in rows):
            score_label = "self-rating (1–7)"
    included = [r for r in rows if r.included]
    if len(included) < 2:
        warnings.append(f"{len(included)} session(s) with a mimicry index: at least 2 are needed "
                        f"to test across people")
    index_test = one_sample_test([r.values["mimicry_index"] for r in included], seed)
    following = [r for r in included if follows(r.values)]
    lag_test = one_sample_test([r.values["xcorr_peak_lag_s"] for r in following], seed)
    n_sig = sum(r.values["lag_s"] is not None for r in following)
    corr = None
    if score_label:
        pairs = [(r.values["score"], r.values["mimicry_index"]) for r in included
                 if r.values["score"] is not None]
        corr = correlate([p[0] for p in pairs], [p[1] for p in pairs], score_label)
        if corr.n < 3:
            warnings.append(f"{corr.n} session(s) with both a {score_label} and an index: at "
                            f"least 3 are needed for a correlation")
    curves = group_curves([r.analysis for r in included])
    return Aggregate(rows, index_test, lag_test, n_sig, corr, score_label, curves, warnings)


# --------------------------------------------------------------------------- output

def write_sessions_csv(path: Path, rows: Sequence[SessionRow]) -> None:
    from mimicry.io.formats import format_cell  # noqa: PLC0415

    lines = []
    for r in rows:
        v = dict(r.values)
        v["warnings"] = "; ".join(w.split(": ", 1)[-1] for w in r.warnings)
        lines.append([format_cell(v[c]) if not isinstance(v[c], str) else v[c]
                      for c in SESSION_COLUMNS])
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(SESSION_COLUMNS)
    w.writerows(lines)
    write_bytes(path, buf.getvalue().encode("utf-8"))


def group_summary_text(agg: Aggregate) -> str:
    """A few sentences about the group, one per line."""
    it = agg.index
    lines = []
    if it.n == 0:
        return "No session could give a mimicry index, so there is nothing to compare."
    lines.append(f"{it.n} {'person' if it.n == 1 else 'people'} gave a mimicry index; "
                 f"{it.n_positive} of them mimicked (index above 0).")
    if it.n < 2:
        lines.append("At least two sessions are needed to test mimicry across people.")
        return "\n".join(lines)
    lines.append(f"The average index was {it.mean:+.2f} (95% confidence interval "
                 f"{fmt(it.ci_low, '+.2f')} to {fmt(it.ci_high, '+.2f')}).")
    if math.isfinite(it.p_t_test):
        lines.append(f"Tested against no mimicry: t({it.df}) = {it.t:.2f}, p = "
                     f"{fmt_p(it.p_t_test)} (t-test); sign-flip permutation test p = "
                     f"{fmt_p(it.p_sign_flip)} (both two-sided).")
        p = max(it.p_t_test, it.p_sign_flip)
        if p < 0.05:
            lines.append("Across these people, faces followed the faces they watched more "
                         "than chance would give." if it.mean > 0 else
                         "Across these people, faces tended to show the opposite expression.")
        else:
            lines.append("Across these people, this is not distinguishable from chance.")
    if agg.lag.n:
        lines.append(f"Where the face followed the stimulus, it did so about "
                     f"{agg.lag.mean:.2f} s later on average ({agg.lag.n} sessions; "
                     f"{agg.n_significant_lag} significant on their own).")
    c = agg.correlation
    if c is not None and math.isfinite(c.pearson_r):
        strength = "positively" if c.pearson_r > 0 else "negatively"
        sig = ("" if c.pearson_p < 0.05 else
               " This is not distinguishable from no relation.")
        lines.append(f"The {agg.score_label} and the mimicry index correlate {strength}: "
                     f"Pearson r = {c.pearson_r:+.2f} (p = {fmt_p(c.pearson_p)}), Spearman "
                     f"\u03c1 = {c.spearman_rho:+.2f} (p = {fmt_p(c.spearman_p)}), "
                     f"n = {c.n}.{sig}")
    return "\n".join(lines)


def _session_table(rows: Sequence[SessionRow]) -> str:
    body, classes = [], []
    for r in rows:
        v = r.values
        body.append([v["session"], v["participant"] or "–", v["status"] or "–",
                     f"{v['n_valid_trials']} of {v['n_trials']}" if v["n_trials"] is not None
                     else "–",
                     fmt(v["face_frames_pct"], ".0f"), fmt(v["mimicry_index"], "+.2f"),
                     fmt_p(v["p_value"]), CONCLUSION_WORDS.get(v["conclusion"], "–"),
                     fmt(v["xcorr_peak_lag_s"], ".2f"), fmt(v["xcorr_peak_r"], "+.2f"),
                     fmt(v["score"], "g")])
        classes.append("" if r.included else "invalid")
    return H.table(["session", "participant", "status", "trials used", "face %", "index", "p",
                    "conclusion", "peak lag (s)", "peak r", "score"], body,
                   numeric=[False, False, False, True, True, True, True, False, True, True, True],
                   row_classes=classes)


def _stats_table(agg: Aggregate) -> str:
    it = agg.index
    rows = [("Sessions with an index", f"{it.n} of {len(agg.rows)}"),
            ("Mean index (95% CI)",
             f"{fmt(it.mean, '+.2f')} ({fmt(it.ci_low, '+.2f')} to {fmt(it.ci_high, '+.2f')})"),
            ("SD across people", fmt(it.sd, ".2f")),
            ("Effect size across people (mean / SD)",
             fmt(it.mean / it.sd if it.sd and math.isfinite(it.sd) and it.sd > 0 else None,
                 "+.2f")),
            ("One-sample t-test vs 0",
             f"t({it.df}) = {fmt(it.t, '.2f')}, p = {fmt_p(it.p_t_test)} two-sided, "
             f"{fmt_p(it.p_t_test_greater)} one-sided"),
            ("Sign-flip permutation test vs 0",
             f"p = {fmt_p(it.p_sign_flip)} two-sided, {fmt_p(it.p_sign_flip_greater)} "
             f"one-sided ({it.sign_flip_method}"
             + (f", {2 ** it.n:,} sign patterns)" if it.sign_flip_method == "exact" else ")")),
            ("People with index > 0", f"{it.n_positive} of {it.n}")]
    return H.kv_table(rows)


def group_report_html(agg: Aggregate, figures: dict[str, bytes]) -> str:
    it, lag, c = agg.index, agg.lag, agg.correlation
    p = max(it.p_t_test, it.p_sign_flip) if it.n > 1 else float("nan")
    tone = ("good" if math.isfinite(p) and p < 0.05 and it.mean > 0 else
            "bad" if math.isfinite(p) and p < 0.05 else "plain")
    cards = [H.card("Sessions", f"{it.n}", f"with an index, of {len(agg.rows)}"),
             H.card("Mean index", fmt(it.mean, "+.2f"),
                    f"95% CI {fmt(it.ci_low, '+.2f')} to {fmt(it.ci_high, '+.2f')}", tone),
             H.card("t-test p", fmt_p(it.p_t_test), f"t({it.df}) = {fmt(it.t, '.2f')}"),
             H.card("Sign-flip p", fmt_p(it.p_sign_flip), f"{it.sign_flip_method} test"),
             H.card("Mean lag", f"{fmt(lag.mean, '.2f')} s" if lag.n else "–",
                    f"{lag.n} sessions with the face following")]
    if c is not None:
        cards.append(H.card("Score vs index (r)", fmt(c.pearson_r, "+.2f"),
                            f"Pearson, p = {fmt_p(c.pearson_p)}, n = {c.n}"))
    body = [H.warnings_box(agg.warnings), "<div class='cards'>" + "".join(cards) + "</div>",
            "<h2>What the group showed</h2>", H.summary_paragraphs(group_summary_text(agg)),
            "<h2>Mimicry across people</h2>"]
    if "index" in figures:
        body.append(H.figure(
            figures["index"], "Mimicry index of every session",
            "One dot per session (orange: mimicry, blue: the opposite). The band is the 95% "
            "confidence interval of the group mean (the line). The test asks whether the "
            "people's indices are centred above 0; each session counts once, whatever its "
            "length.", cls="half"))
    body.append(_stats_table(agg))
    body.append("<h2>Average response across people</h2>")
    if "curves" in figures:
        body.append(H.figure(
            figures["curves"], "Response curves averaged over sessions",
            "Each session's average response to each kind of face (baseline corrected: the "
            "change from the second before the face appeared), averaged over sessions; the "
            "shaded band is the 95% confidence interval over sessions. The dashed line marks "
            "the stimulus onset."))
    else:
        body.append("<p>No session had curves to average.</p>")
    body.append("<h2>Timing</h2>")
    body.append(H.kv_table([
        ("Sessions where the face followed the stimulus (positive peak, not at the edge)",
         str(lag.n)),
        ("Mean peak lag (95% CI)",
         f"{fmt(lag.mean, '.2f')} s ({fmt(lag.ci_low, '.2f')} to {fmt(lag.ci_high, '.2f')} s)"
         if lag.n else "–"),
        ("SD of the lag across people", f"{fmt(lag.sd, '.2f')} s" if lag.n > 1 else "–"),
        ("Sessions with a significant lag on their own", str(agg.n_significant_lag)),
    ]))
    if c is not None:
        body.append(f"<h2>{H.esc(agg.score_label[:1].upper() + agg.score_label[1:])} "
                    f"and mimicry</h2>")
        if agg.score_label.startswith("self-rating"):
            body.append(f"<p class='explain'>The app asks at the end of a session: "
                        f"\u201c{H.esc(SELF_RATING_QUESTION)}\u201d (1 = not at all easily, "
                        f"7 = very easily).</p>")
        if "rating" in figures:
            body.append(H.figure(figures["rating"], "Score against mimicry index",
                                 "One dot per session; the dashed line is the least-squares "
                                 "fit.", cls="half"))
        body.append(H.kv_table([
            ("Sessions with both", str(c.n)),
            ("Pearson r", f"{fmt(c.pearson_r, '+.2f')} (p = {fmt_p(c.pearson_p)}, two-sided)"),
            ("Spearman \u03c1", f"{fmt(c.spearman_rho, '+.2f')} (p = {fmt_p(c.spearman_p)}, "
                                f"two-sided)"),
        ]))
    body += ["<h2>Sessions</h2>", _session_table(agg.rows),
             "<p class='explain'>Grey rows have no mimicry index and are left out of the "
             "statistics. Every column is in sessions.csv beside this report.</p>"]
    footer = (f"Made by mimicry {H.esc(__version__)} from {len(agg.rows)} session folders. "
              f"Numbers only: no image of any face. What every number means: docs/analysis.md.")
    return H.page(f"Mimicry — group results ({it.n} sessions)",
                  "mimicry aggregate: per-session mimicry indices tested across people",
                  "".join(body), footer)


def draw_group_figures(agg: Aggregate) -> dict[str, bytes]:
    from mimicry.report import plots  # noqa: PLC0415

    figs = {}
    inc = [r for r in agg.rows if r.included]
    if inc:
        labels = [r.values["participant"] or r.values["session"] for r in inc]
        figs["index"] = plots.index_png(labels, [r.values["mimicry_index"] for r in inc],
                                        agg.index.mean, (agg.index.ci_low, agg.index.ci_high))
    if agg.curves is not None:
        figs["curves"] = plots.curves_png(agg.curves, unit="sessions")
    c = agg.correlation
    if c is not None and c.n >= 2:
        pairs = [(r.values["score"], r.values["mimicry_index"]) for r in inc
                 if r.values["score"] is not None]
        figs["rating"] = plots.scatter_png([p[0] for p in pairs], [p[1] for p in pairs],
                                           agg.score_label, c.pearson_r, c.pearson_p)
    return figs


def write_aggregate(paths: Sequence[str | os.PathLike], out_dir: str | os.PathLike,
                    scores: str | os.PathLike | None = None, seed: int = 0) -> Aggregate:
    """Pool sessions and write ``sessions.csv``, ``group.json``, ``report.html`` and PNGs.

    Raises :class:`InputError` for a missing folder or score file, when no
    session can be analysed, or when ``out_dir`` cannot be written.
    """
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create output folder {out}: {exc.strerror or exc}") from None
    agg = aggregate_sessions(paths, scores, seed)
    if not any(r.analysis is not None for r in agg.rows):
        raise InputError("no session could be analysed: "
                         + "; ".join(agg.warnings[:3]))
    write_sessions_csv(out / SESSIONS_FILE, agg.rows)
    write_bytes(out / GROUP_FILE,
                (json.dumps(agg.group_dict(), indent=2, allow_nan=False) + "\n").encode())
    figures = draw_group_figures(agg)
    for key, png in figures.items():
        write_bytes(out / FIGURE_FILES[key], png)
    write_bytes(out / REPORT_FILE, group_report_html(agg, figures).encode("utf-8"))
    return agg

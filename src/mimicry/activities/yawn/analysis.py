"""Contagious yawns: yawn detection on the viewer, latency, and a control condition.

A **yawn** is a ``jaw_open`` episode that stays above the viewer's own
baseline for at least ``min_duration_s`` (1 s): the face frames where
``jaw_open > median + max(threshold_sd * robust SD, min_rise)`` of the
calibration period, joined across face dropouts up to ``max_gap_s``. Talking,
chewing and mouthing open the jaw for a fraction of a second, so they do not
count.

The ``yawn`` protocol shows yawning faces and, as the control, faces making
short mouth movements that are not yawns (condition ``talk``: openings of
0.33 s). A yawn is credited to the trial during which it starts, from the
stimulus onset to ``response_after_offset_s`` after its offset (or the next
onset, whichever is first); its **latency** is its start minus the onset.

Do yawning faces give more yawns than mouth movements? With ``y`` of ``n_y``
yawn trials and ``c`` of ``n_c`` control trials followed by a yawn, the
one-sided p-value is Fisher's exact test: under "yawning faces make no
difference", the trial order is random, so which trials the ``y + c`` yawns
fell on is a random draw (hypergeometric)::

    p = P(X >= y),  X ~ Hypergeometric(n_y + n_c, n_y, y + c)

Only usable trials count: those with a face in at least ``min_face_fraction``
of their window's frames. The conclusion follows the one rule of every test
(:func:`mimicry.analysis.stats.conclusion_rule`): too short with fewer than 6
usable yawning or 6 usable control faces, then a finding when p < 0.05.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Sequence

import numpy as np

from mimicry.protocol.timeline import Trial
from mimicry.core.check import check_number
from mimicry.core.robust import robust_location_scale

#: The conditions of the yawn demo.
YAWN_CONDITION, CONTROL_CONDITION = "yawn", "talk"


@dataclass(frozen=True)
class YawnConfig:
    """Settings of yawn detection (seconds; ``jaw_open`` is 0-1).

    Parameters
    ----------
    min_rise : float
        Smallest rise of ``jaw_open`` above the baseline median that can be a yawn.
    threshold_sd : float
        ... or this many robust SDs of the baseline, whichever is larger.
    min_robust_sd : float
        Floor of the baseline's robust SD.
    min_duration_s : float
        A yawn stays above the threshold at least this long.
    max_gap_s : float
        Face dropouts up to this long inside an episode are bridged.
    response_after_offset_s : float
        A yawn may start up to this long after the stimulus offset.
    alpha : float
    min_trials_per_condition : int
        Usable yawn and control trials each needed for a conclusion.
    min_face_fraction : float
        A trial is usable when at least this share of its window's frames has a face.
    """

    min_rise: float = 0.2
    threshold_sd: float = 3.0
    min_robust_sd: float = 0.02
    min_duration_s: float = 1.0
    max_gap_s: float = 0.3
    response_after_offset_s: float = 3.0
    alpha: float = 0.05
    min_trials_per_condition: int = 6
    min_face_fraction: float = 0.5

    def __post_init__(self) -> None:
        for name, lo, hi in (("min_rise", 0.0, 1.0), ("threshold_sd", 0.0, 100.0),
                             ("min_robust_sd", 0.0, 1.0), ("min_duration_s", 0.0, 60.0),
                             ("max_gap_s", 0.0, 10.0), ("response_after_offset_s", 0.0, 600.0),
                             ("alpha", 1e-6, 0.5), ("min_trials_per_condition", 2, 10_000),
                             ("min_face_fraction", 0.0, 1.0)):
            check_number(name, getattr(self, name), lo, hi)

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class YawnTrial:
    """One stimulus trial of the yawn demo.

    Attributes
    ----------
    trial : int
    condition : str
    onset_s, offset_s : float
    yawned : bool
        A yawn started in the trial's window.
    latency_s : float
        Yawn start minus stimulus onset (NaN without a yawn).
    yawn_duration_s : float
        NaN without a yawn.
    face_frames_pct : float
        Share of the window's frames with a face, %.
    usable : bool
        Enough face frames to count (``min_face_fraction``).
    """

    trial: int
    condition: str
    onset_s: float
    offset_s: float
    yawned: bool
    latency_s: float
    yawn_duration_s: float
    face_frames_pct: float
    usable: bool = True


@dataclass(frozen=True)
class YawnResult:
    """The yawn demo's result (see the module docstring)."""

    trials: list[YawnTrial]
    episodes: list[tuple[float, float]]
    baseline_median: float
    baseline_robust_sd: float
    threshold: float
    n_yawn_trials: int
    n_control_trials: int
    yawns_after_yawn: int
    yawns_after_control: int
    p_value: float
    median_latency_s: float
    notes: list = field(default_factory=list)
    config: YawnConfig = field(default_factory=YawnConfig)

    @property
    def p_floor(self) -> float:
        """The smallest p-value these trials could give (every yawn after a yawning face)."""
        if not (self.n_yawn_trials and self.n_control_trials):
            return math.nan
        return fisher_one_sided(self.n_yawn_trials, self.n_yawn_trials, 0,
                                self.n_control_trials)

    @property
    def conclusion(self) -> str:
        """``too_short``, ``mimicry`` (more yawns after yawns) or ``not_distinguishable_from_chance``."""
        from mimicry.analysis.stats import conclusion_rule  # noqa: PLC0415

        return conclusion_rule((self.n_yawn_trials, self.n_control_trials), self.p_value,
                               self.config.min_trials_per_condition, self.config.alpha)


def yawn_episodes(t: np.ndarray, jaw: np.ndarray, threshold: float, min_duration_s: float = 1.0,
                  max_gap_s: float = 0.3) -> list[tuple[float, float]]:
    """Episodes where ``jaw`` stays above ``threshold`` for at least ``min_duration_s``.

    Parameters
    ----------
    t : ndarray, shape (n,)
        Frame times, seconds, increasing.
    jaw : ndarray, shape (n,)
        ``jaw_open``, NaN where no face (gaps up to ``max_gap_s`` are bridged).

    Returns
    -------
    list of (start_s, end_s)
        Times of the first and last frame above the threshold.
    """
    t = np.asarray(t, float)
    jaw = np.asarray(jaw, float)
    seen = np.isfinite(jaw)
    above = seen & (np.where(seen, jaw, -np.inf) > threshold)
    out: list[tuple[float, float]] = []
    start = last = None
    for i in range(t.size):
        if above[i]:
            if start is None:
                start = t[i]
            last = t[i]
        elif start is not None and (seen[i] or t[i] - last > max_gap_s):
            out.append((start, last))
            start = None
    if start is not None:
        out.append((start, last))
    return [(float(a), float(b)) for a, b in out if b - a >= min_duration_s - 1e-9]


def fisher_one_sided(a: int, n_a: int, b: int, n_b: int) -> float:
    """P(X >= a) for X ~ Hypergeometric(n_a + n_b, n_a, a + b): Fisher's exact test.

    :func:`scipy.stats.fisher_exact` on the table ``[[a, n_a - a], [b, n_b - b]]``,
    ``alternative="greater"``.
    """
    from scipy import stats  # noqa: PLC0415

    table = [[a, n_a - a], [b, n_b - b]]
    return float(stats.fisher_exact(table, alternative="greater").pvalue)


def _baseline(t, jaw, trials, calibration, config):
    notes = []
    if calibration is not None:
        sel = (t >= calibration[0]) & (t < calibration[1]) & np.isfinite(jaw)
    else:
        sel = np.zeros(t.size, bool)
    if sel.sum() < 10:
        first = min((tr.onset_s for tr in trials), default=float(t[-1]) if t.size else 0.0)
        sel = (t < first) & np.isfinite(jaw)
        notes.append("No usable calibration: the baseline is the time before the first face.")
    if sel.sum() < 10:
        sel = np.isfinite(jaw)
        notes.append("No calm period before the faces: the baseline is the whole session.")
    vals = jaw[sel]
    if vals.size == 0:
        return math.nan, config.min_robust_sd, notes
    med, sd = robust_location_scale(vals)
    return med, max(sd, config.min_robust_sd), notes


def analyze_yawns(t: np.ndarray, jaw: np.ndarray, trials: Sequence[Trial],
                  calibration: tuple[float, float] | None,
                  config: YawnConfig | None = None) -> YawnResult:
    """Yawn detection and its comparison between yawn and control trials.

    Parameters
    ----------
    t : ndarray, shape (n,)
        Frame times of the viewer's face slot, seconds.
    jaw : ndarray, shape (n,)
        ``jaw_open``, NaN where no face.
    trials : sequence of Trial
        Stimulus trials (``yawn`` and ``talk``; others are listed but not compared).
    calibration : (start_s, end_s) or None
    config : YawnConfig | None
    """
    config = config or YawnConfig()
    t, jaw = np.asarray(t, float), np.asarray(jaw, float)
    med, sd, notes = _baseline(t, jaw, trials, calibration, config)
    thr = med + max(config.threshold_sd * sd, config.min_rise) if math.isfinite(med) else math.inf
    episodes = yawn_episodes(t, jaw, thr, config.min_duration_s, config.max_gap_s)
    ordered = sorted(trials, key=lambda tr: tr.onset_s)
    starts = [s for s, _ in episodes]
    used: set[int] = set()
    out = []
    for i, tr in enumerate(ordered):
        end = tr.offset_s + config.response_after_offset_s
        if i + 1 < len(ordered):
            end = min(end, ordered[i + 1].onset_s)
        win = (t >= tr.onset_s) & (t < end)
        pct = 100.0 * float(np.mean(np.isfinite(jaw[win]))) if win.any() else 0.0
        usable = pct >= 100.0 * config.min_face_fraction
        hit = next((j for j, s in enumerate(starts) if tr.onset_s <= s < end and j not in used),
                   None)
        if hit is not None:
            used.add(hit)
            s, e = episodes[hit]
            out.append(YawnTrial(tr.trial, tr.condition, tr.onset_s, tr.offset_s, True,
                                 s - tr.onset_s, e - s, pct, usable))
        else:
            out.append(YawnTrial(tr.trial, tr.condition, tr.onset_s, tr.offset_s, False,
                                 math.nan, math.nan, pct, usable))
    ys = [r for r in out if r.condition == YAWN_CONDITION and r.usable]
    cs = [r for r in out if r.condition == CONTROL_CONDITION and r.usable]
    n_unusable = sum(not r.usable for r in out)
    if n_unusable:
        notes.append(f"{n_unusable} face(s) left out: the face was seen in less than "
                     f"{100 * config.min_face_fraction:.0f}% of the frames after them.")
    y_hits, c_hits = sum(r.yawned for r in ys), sum(r.yawned for r in cs)
    p = fisher_one_sided(y_hits, len(ys), c_hits, len(cs)) if ys and cs else math.nan
    lat = [r.latency_s for r in ys if r.yawned]
    if not cs:
        notes.append("No control trials (mouth movements that are not yawns): the yawn count "
                     "cannot be compared with chance.")
    return YawnResult(
        trials=out, episodes=episodes, baseline_median=med, baseline_robust_sd=sd,
        threshold=thr, n_yawn_trials=len(ys), n_control_trials=len(cs),
        yawns_after_yawn=int(y_hits), yawns_after_control=int(c_hits), p_value=p,
        median_latency_s=float(np.median(lat)) if lat else math.nan, notes=notes, config=config)


def analyze_yawn_session(frames, events, face_id: int = 0,
                         config: YawnConfig | None = None) -> YawnResult:
    """:func:`analyze_yawns` on a session (a FramesTable and its events)."""
    from mimicry.protocol.timeline import trials_from_events  # noqa: PLC0415
    from mimicry.analysis.baseline import calibration_period  # noqa: PLC0415

    one = frames.face(face_id)
    jaw = np.where(one.face_detected, one.channels["jaw_open"], np.nan)
    return analyze_yawns(one.t, jaw, trials_from_events(events), calibration_period(events),
                         config)


def _num(v, digits=3):
    v = float(v)
    return round(v, digits) if math.isfinite(v) else None


#: Columns of ``yawns.csv`` (one row per stimulus trial).
YAWN_CSV_COLUMNS = ("trial", "condition", "onset_s", "offset_s", "yawned", "latency_s",
                    "yawn_duration_s", "face_frames_pct", "usable")


def yawn_rows(result: YawnResult) -> list[dict]:
    return [{"trial": r.trial, "condition": r.condition, "onset_s": _num(r.onset_s),
             "offset_s": _num(r.offset_s), "yawned": int(r.yawned),
             "latency_s": _num(r.latency_s), "yawn_duration_s": _num(r.yawn_duration_s),
             "face_frames_pct": _num(r.face_frames_pct, 1), "usable": int(r.usable)}
            for r in result.trials]


def yawn_summary_dict(result: YawnResult) -> dict:
    """The ``yawn`` section of ``summary.json``."""
    return {
        "n_yawn_trials": result.n_yawn_trials,
        "n_control_trials": result.n_control_trials,
        "yawns_after_yawn": result.yawns_after_yawn,
        "yawns_after_control": result.yawns_after_control,
        "conclusion": result.conclusion,
        "p_value": _num(result.p_value, 6),
        "p_floor": _num(result.p_floor, 6),
        "alpha": result.config.alpha,
        "test": "fisher_exact_one_sided",
        "median_latency_s": _num(result.median_latency_s),
        "latencies_s": [_num(r.latency_s) for r in result.trials
                        if r.yawned and r.condition == YAWN_CONDITION],
        "n_yawns": len(result.episodes),
        "episodes": [[_num(a), _num(b)] for a, b in result.episodes],
        "baseline": {"median": _num(result.baseline_median, 4),
                     "robust_sd": _num(result.baseline_robust_sd, 4),
                     "threshold": _num(result.threshold, 4)},
        "summary_text": yawn_plain_summary(result),
        "notes": list(result.notes),
        "parameters": result.config.as_dict(),
    }


def yawn_plain_summary(result: YawnResult) -> str:
    ny, nc = result.n_yawn_trials, result.n_control_trials
    y, c = result.yawns_after_yawn, result.yawns_after_control
    s = [f"Yawns: after {y} of {ny} yawning faces and after {c} of {nc} faces that only moved "
         f"their mouth."]
    if y and math.isfinite(result.median_latency_s):
        s.append(f"A yawn started typically {result.median_latency_s:.1f} s after the face "
                 f"began to yawn.")
    c = result.conclusion
    if c == "too_short":
        need = result.config.min_trials_per_condition
        s.append(f"Too short to conclude anything: at least {need} usable yawning faces and "
                 f"{need} usable mouth-movement faces are needed.")
    elif c == "mimicry":
        s.append(f"That is more yawning after yawns than chance would give (p = "
                 f"{result.p_value:.3g}).")
    else:
        s.append(f"This is not distinguishable from chance (p = {result.p_value:.2g}; the "
                 f"smallest p these faces could give is {result.p_floor:.2g}).")
    return " ".join(s)

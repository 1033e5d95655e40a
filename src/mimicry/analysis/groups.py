"""Own group minus other group: does the smile follow "your team" more than "the other team"?

In a protocol with group labels (:mod:`mimicry.protocol.groups`) every
trial's face carries a label, ``own`` or ``other``. The primary measure
(:mod:`mimicry.analysis.primary`: the smile at happy minus sad faces,
adjusted for the pre-stimulus level, Huber fit) is computed on each group's
trials, and the estimate is their difference::

    difference = primary(own trials) - primary(other trials)

**Test.** The difference is recomputed for the group labellings the design
could have drawn, with the conditions as they were:

- ``assign = "trial"``: the labels are redrawn within every block and
  condition, keeping how many of each there were (every such labelling is as
  likely as the one drawn, so this is exact);
- ``assign = "identity"``: the identities are split into groups again, every
  split of the same sizes (enumerated when there are few, which makes the
  smallest reachable p ``1 / number of splits``);
- a session that recorded no group design (an imported one): the labels are
  shuffled within each block and condition, which assumes they were drawn at
  random.

``p`` (one-sided, "more mimicry of one's own group") counts the labellings
with a difference at least the observed one. The 95% interval and the
smallest detectable difference (80% power) come from the same reference
distribution after the observed difference is taken out of the own group's
happy trials (the shift model), as for the primary test.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from mimicry.analysis.config import ANALYSIS_CHANNELS, AnalysisConfig
from mimicry.analysis.primary import (SECONDARY_REFERENCE, ContrastResult, ancova_t,
                                      contrast_test, winsorise)
from mimicry.analysis.reference import ReferenceOrders
from mimicry.analysis.trials import TrialResult
from mimicry.core.messages import StimulusEvent
from mimicry.io.formats import parse_detail
from mimicry.protocol.groups import Groups
from mimicry.protocol.timeline import Trial

#: Fewest usable trials in each of the four cells (own/other x happy/sad) for a test.
MIN_PER_CELL = 2
#: Most identity splits enumerated exactly.
MAX_EXACT_SPLITS = 20_000


@dataclass(frozen=True)
class GroupDifference:
    """The own-minus-other difference of the primary measure and its randomisation test.

    Attributes
    ----------
    estimate, ci_low, ci_high : float
        Channel units (0-1); NaN when there are too few trials.
    p_value, p_value_opposite : float
        One-sided: own more than other, and the reverse.
    p_floor : float
    n_reference : int
    method : str
        How the labellings were redrawn (``"trial labels"``, ``"identity splits"``,
        ``"shuffle"``) or ``"none"``.
    mde : float
        Smallest difference detected 80% of the time.
    own, other : ContrastResult
        The primary measure on each group's trials, with its own test.
    groups : Groups
    n : dict
        Usable trials per cell, ``{"own": {"happy": k, "sad": m}, "other": {...}}``.
    """

    estimate: float
    ci_low: float
    ci_high: float
    p_value: float
    p_value_opposite: float
    p_floor: float
    n_reference: int
    method: str
    mde: float
    own: ContrastResult
    other: ContrastResult
    groups: Groups
    n: dict

    def as_dict(self, alpha: float = 0.05) -> dict:
        def num(v):
            return round(float(v), 6) if v is not None and np.isfinite(v) else None

        def side(c: ContrastResult, g) -> dict:
            return {"name": g.name, "colour": g.colour, "effect": num(c.estimate),
                    "ci95": [num(c.ci_low), num(c.ci_high)], "p_value": num(c.p_value),
                    "n": sum(c.n.values()), "n_valid": dict(c.n)}

        p = self.p_value
        conclusion = ("too_short" if not np.isfinite(self.estimate) else
                      "more_for_own" if p < alpha else "not_distinguishable_from_chance")
        return {
            "estimate": num(self.estimate), "ci_low": num(self.ci_low),
            "ci_high": num(self.ci_high), "ci95": [num(self.ci_low), num(self.ci_high)],
            "p_value": num(p), "p_value_opposite": num(self.p_value_opposite),
            "p_value_two_sided": (num(min(1.0, 2 * min(p, self.p_value_opposite)))
                                  if np.isfinite(p) else None),
            "p_floor": num(self.p_floor), "n_reference": int(self.n_reference),
            "mde_80": num(self.mde), "conclusion": conclusion, "assign": self.groups.assign,
            "channel": self.own.channel,
            "method": (f"{self.own.channel}, happy minus sad faces adjusted for the pre-stimulus "
                       f"level, own group minus other group; one-sided randomisation test over "
                       f"the group labellings the design could have drawn ({self.method})"),
            "own": side(self.own, self.groups.own), "other": side(self.other, self.groups.other),
        }


def groups_from_events(events: Sequence[StimulusEvent],
                       trials: Sequence[Trial]) -> tuple[Groups | None, bool]:
    """The session's groups and whether their design was recorded.

    From the ``session_start`` detail; when only the onsets carry labels (an
    imported session) bare groups named own and other, not recorded. (None,
    False) without any labels.
    """
    start = next((e for e in events if e.event == "session_start"), None)
    if start is not None and start.detail:
        try:
            groups = Groups.from_detail(parse_detail(start.detail))
        except ValueError:
            groups = None
        if groups is not None:
            return groups, True
    if any(tr.group for tr in trials):
        return Groups.from_detail({"groups_assign": "trial"}), False
    return None, False


def label_reference(trials: Sequence[Trial], groups: Groups, recorded: bool, n_reference: int,
                    seed: int) -> tuple[np.ndarray, str]:
    """The observed own/other labels of ``trials`` and redrawn ones.

    ``recorded`` false (no design known) shuffles the labels within block and condition.

    Returns
    -------
    own : ndarray, shape (1 + n, n_trials), bool
        Row 0 is the observed labelling.
    method : str
    """
    obs = np.array([tr.group == "own" for tr in trials], dtype=bool)
    rng = np.random.default_rng([int(seed), 0x6F776E])
    if groups.assign == "identity" and recorded:
        ids = [tr.stimulus_id for tr in trials]
        names = sorted(set(ids))
        own_ids = {i for i, o in zip(ids, obs) if o}
        k = len(own_ids)
        splits = math.comb(len(names), k)
        if splits <= MAX_EXACT_SPLITS:
            rows = [set(c) for c in itertools.combinations(names, k) if set(c) != own_ids]
        else:
            rows = [set(rng.choice(names, k, replace=False)) for _ in range(n_reference)]
        out = np.array([obs] + [[i in r for i in ids] for r in rows], dtype=bool)
        return out.reshape(len(rows) + 1, len(trials)), "identity splits"
    out = np.empty((n_reference + 1, len(trials)), dtype=bool)
    out[0] = obs
    cells: dict[tuple, list[int]] = {}
    for i, tr in enumerate(trials):
        cells.setdefault((tr.block, tr.condition), []).append(i)
    for idx in cells.values():
        keys = rng.random((n_reference, len(idx)))
        out[1:, idx] = obs[idx][np.argsort(keys, axis=1)]
    return out, "trial labels" if recorded else "shuffle"


def _difference(y, x, happy, sad, own, config):
    e_own = ancova_t(y, x, own & happy, own & sad, config.huber_k, config.min_robust_sd)[0]
    e_oth = ancova_t(y, x, ~own & happy, ~own & sad, config.huber_k, config.min_robust_sd)[0]
    return e_own - e_oth


def group_difference(results: Sequence[TrialResult], trials: Sequence[Trial], groups: Groups,
                     orders: ReferenceOrders, config: AnalysisConfig,
                     recorded: bool = True) -> GroupDifference:
    """The own-minus-other difference of the primary measure (see the module docstring).

    Parameters
    ----------
    results, trials : sequences in the same (onset) order
    groups : Groups
    orders : ReferenceOrders
        The session's condition reference orders (each group's own test).
    config : AnalysisConfig
    recorded : bool
        Whether the group design was recorded (see :func:`label_reference`).
    """
    ch = config.primary_channel
    j = ANALYSIS_CHANNELS.index(ch)
    y = np.array([r.mean[j] for r in results], dtype=float)
    x = np.array([r.pre_baseline[j] for r in results], dtype=float)
    usable = np.array([r.valid for r in results], dtype=bool) & np.isfinite(y) & np.isfinite(x)
    cond = np.array([r.condition for r in results], dtype=object)
    own_obs = np.array([tr.group == "own" for tr in trials], dtype=bool)
    sides = {}
    for key, member in (("own", own_obs), ("other", ~own_obs)):
        idx = np.flatnonzero(member)
        sides[key] = contrast_test([results[i] for i in idx], orders.columns(idx), ch, "happy",
                                   config, SECONDARY_REFERENCE)
    n = {key: dict(c.n) for key, c in sides.items()}
    labels, method = label_reference(trials, groups, recorded, config.n_permutations,
                                     config.seed)
    keep = np.flatnonzero(usable)
    happy, sad = cond[keep] == "happy", cond[keep] == "sad"
    own = labels[:, keep]
    cells = [int((own[0] & happy).sum()), int((own[0] & sad).sum()),
             int((~own[0] & happy).sum()), int((~own[0] & sad).sum())]
    nan = float("nan")
    if min(cells) < MIN_PER_CELL:
        return GroupDifference(nan, nan, nan, nan, nan, nan, 0, "none", nan, sides["own"],
                               sides["other"], groups, n)
    yk = winsorise(y[keep], config.winsorize_mad)
    xk = winsorise(x[keep], config.winsorize_mad) if config.covariate else None
    d = _difference(yk, xk, happy, sad, own, config)
    obs = d[0]
    ref = d[1:]
    undefined = int(np.isnan(ref).sum())
    ref = ref[np.isfinite(ref)]
    tol = 1e-9 * max(1.0, abs(obs))
    n_sets = d.size
    p = float((1 + np.sum(ref >= obs - tol) + undefined) / n_sets)
    p_opp = float((1 + np.sum(ref <= obs + tol) + undefined) / n_sets)
    lo = hi = mde = nan
    if ref.size >= 20:
        shifted = _difference(yk - obs * (own[0] & happy), xk, happy, sad, own, config)[1:]
        shifted = shifted[np.isfinite(shifted)]
        q025, q20, q95, q975 = np.percentile(shifted, [2.5, 20.0, 100 * (1 - config.alpha),
                                                       97.5])
        lo, hi, mde = obs - q975, obs - q025, q95 - q20
    return GroupDifference(float(obs), float(lo), float(hi), p, p_opp, 1.0 / n_sets,
                           n_sets - 1, method, float(mde), sides["own"], sides["other"],
                           groups, n)

"""Own versus other group across people (``mimicry aggregate``): columns, tests, sentences.

Each session of a protocol with group labels has its own own-minus-other
difference (:mod:`mimicry.analysis.groups`). Across people it is tested two
ways:

- **paired, sign-flip**: the per-person differences against 0
  (:func:`mimicry.analysis.group.one_sample_test`: exact sign flips up to 16
  people, the t-test beside it);
- **mixed model**: every labelled happy and sad trial
  (:mod:`mimicry.analysis.mixed_groups`, the ``happy:own`` effect).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from mimicry.analysis.group import OneSampleTest, json_number, one_sample_test
from mimicry.analysis.mixed import MixedModelResult
from mimicry.analysis.mixed_groups import group_mixed_dict, group_mixed_model

#: Columns appended to sessions.csv (empty for a session without group labels).
GROUP_COLUMNS: tuple[str, ...] = (
    "group_difference", "group_difference_ci_low", "group_difference_ci_high",
    "group_p_value", "group_own_effect", "group_other_effect")


def group_columns(result) -> dict:
    """The :data:`GROUP_COLUMNS` of one analysed session."""
    gd = getattr(result, "group_difference", None)
    if gd is None:
        return {c: None for c in GROUP_COLUMNS}
    return {"group_difference": json_number(gd.estimate),
            "group_difference_ci_low": json_number(gd.ci_low),
            "group_difference_ci_high": json_number(gd.ci_high),
            "group_p_value": json_number(gd.p_value),
            "group_own_effect": json_number(gd.own.estimate),
            "group_other_effect": json_number(gd.other.estimate)}


def labelled_trials(result, participant: str) -> list[dict]:
    """The session's valid happy and sad trials with their group, for the mixed model."""
    from mimicry.analysis.config import ANALYSIS_CHANNELS  # noqa: PLC0415

    k = ANALYSIS_CHANNELS.index("smile")
    groups = getattr(result, "trial_groups", {}) or {}
    rows = []
    for tr in getattr(result, "trials", None) or []:
        g = groups.get(tr.trial, "")
        if not tr.valid or tr.condition not in ("happy", "sad") or g not in ("own", "other"):
            continue
        y, pre = float(tr.mean[k]), float(tr.pre_baseline[k])
        if math.isfinite(y) and math.isfinite(pre):
            rows.append(dict(participant=participant, stimulus_id=str(tr.stimulus_id),
                             condition=tr.condition, group=g, response=y, pre=pre))
    return rows


@dataclass(frozen=True)
class GroupLabelResult:
    """Own minus other group across people.

    Attributes
    ----------
    paired : OneSampleTest
        The per-session differences against 0.
    mixed : MixedModelResult
        The ``happy:own`` effect of the trial-level mixed model.
    names : tuple of (str, str)
        The groups' names (own, other) of the first labelled session.
    """

    paired: OneSampleTest
    mixed: MixedModelResult
    names: tuple

    def as_dict(self) -> dict:
        return {"n_sessions": self.paired.n, "paired": self.paired.as_dict(),
                "paired_test": "per-person own-minus-other differences against 0: sign-flip "
                               "permutation test (and t-test), one-sided p for own > other in "
                               "p_sign_flip_greater",
                "mixed_model": group_mixed_dict(self.mixed),
                "own_name": self.names[0], "other_name": self.names[1]}

    def sentences(self) -> list[str]:
        """Plain lines for the report."""
        t, own, other = self.paired, self.names[0], self.names[1]
        if t.n == 0:
            return []
        lines = [f"Own versus other group: {t.n} {'person' if t.n == 1 else 'people'} watched "
                 f"labelled faces; for {t.n_positive} the smile followed {own} more than "
                 f"{other}."]
        if t.n < 2:
            return lines + ["At least two such sessions are needed to test it across people."]
        lines.append(f"The average own-minus-other difference was {t.mean:+.3f} (95% CI "
                     f"{t.ci_low:+.3f} to {t.ci_high:+.3f}); sign-flip test p = "
                     f"{_p(t.p_sign_flip_greater)} one-sided, t-test p = "
                     f"{_p(t.p_t_test_greater)} one-sided.")
        m = self.mixed
        if m.ok:
            lines.append(f"Trial by trial (mixed model, {m.n_trials} trials): {m.estimate:+.3f} "
                         f"(95% CI {m.ci_low:+.3f} to {m.ci_high:+.3f}; one-sided p = "
                         f"{_p(m.p_greater)}).")
        else:
            lines.append(f"The mixed model of own versus other gives no number: {m.reason}.")
        sig = t.p_sign_flip_greater < 0.05
        lines.append(f"Across these people, the smile followed {own} more than {other}, more "
                     f"than chance would give." if sig else
                     f"Across these people, the difference between {own} and {other} is not "
                     f"distinguishable from chance.")
        return lines


def _p(p: float) -> str:
    return "–" if not math.isfinite(p) else "< 0.001" if p < 0.001 else f"{p:.3f}"


def group_label_test(rows: Sequence, seed: int = 0) -> GroupLabelResult | None:
    """The across-people tests over pool rows (:class:`mimicry.report.pool.SessionRow`);
    None when no session had group labels."""
    labelled = [r for r in rows if r.analysis is not None
                and getattr(r.analysis.result, "group_difference", None) is not None]
    if not labelled:
        return None
    diffs = [r.values["group_difference"] for r in labelled
             if r.values.get("group_difference") is not None
             and np.isfinite(r.values["group_difference"])]
    table = [t for r in labelled for t in labelled_trials(
        r.analysis.result, r.values.get("participant") or r.values["session"])]
    g = labelled[0].analysis.result.group_difference.groups
    return GroupLabelResult(one_sample_test(diffs, seed), group_mixed_model(table),
                            (g.own.name, g.other.name))

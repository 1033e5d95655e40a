"""Trial-level mixed model of own versus other group across people.

Every valid happy or sad trial with a group label of every person is one row::

    response ~ happy * own + pre,   random intercepts: participant, stimulus (crossed)

``own`` is 1 for a face labelled as the participant's group and 0 for the
other group. The fixed effect of ``happy:own`` is how much more the smile
rose at happy than at sad faces of one's own group than of the other group:
the across-people estimate of the own-minus-other difference, in smile units.
The fit is :func:`mimicry.analysis.mixed.mixed_model`'s (statsmodels
MixedLM, REML, the same fallbacks and plain warnings); the interval and p
are Wald ones, p one-sided for "more mimicry of one's own group".
"""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np

from mimicry.analysis.mixed import MIN_PEOPLE, MixedModelResult, _fit, fitted_result

MODEL = "response ~ happy * own + pre, random intercepts: participant, stimulus (crossed)"


def group_mixed_model(rows: Sequence[dict], alpha: float = 0.05) -> MixedModelResult:
    """Fit the own-versus-other mixed model.

    Parameters
    ----------
    rows : sequence of dict
        ``participant``, ``stimulus_id``, ``condition``, ``group``
        (``"own"``/``"other"``), ``response``, ``pre``; other rows are ignored.

    Returns
    -------
    MixedModelResult
        ``estimate`` is the ``happy:own`` effect; never raises for a bad fit.
    """
    keep = [r for r in rows if r.get("condition") in ("happy", "sad")
            and r.get("group") in ("own", "other")
            and math.isfinite(r["response"]) and math.isfinite(r["pre"])]
    people = np.array([str(r["participant"]) for r in keep])
    stim = np.array([str(r["stimulus_id"]) for r in keep])
    happy = np.array([r["condition"] == "happy" for r in keep], float)
    own = np.array([r["group"] == "own" for r in keep], float)
    y = np.array([r["response"] for r in keep], float)
    pre = np.array([r["pre"] for r in keep], float)
    base = dict(n_people=len(set(people)), n_trials=int(y.size), n_stimuli=len(set(stim)))
    if base["n_people"] < MIN_PEOPLE:
        return MixedModelResult(**base, reason=f"{base['n_people']} people with labelled happy "
                                f"and sad trials; the mixed model needs at least {MIN_PEOPLE}")
    cells = {(h, o) for h, o in zip(happy, own)}
    if len(cells) < 4:
        return MixedModelResult(**base, reason="not every combination of happy/sad and own/other "
                                "group has a valid trial")
    pre_c = pre - pre.mean()
    cols, names = [np.ones_like(y), happy, own, happy * own], ["Intercept", "happy", "own",
                                                               "happy:own"]
    if np.ptp(pre_c) > 1e-12:
        cols.append(pre_c)
        names.append("pre")
    exog = np.column_stack(cols)
    if np.linalg.matrix_rank(exog) < exog.shape[1]:
        return MixedModelResult(**base, reason="the design is singular")
    unit = float(np.std(y)) or 1.0
    out = _fit(y / unit, exog, names, people, stim)
    if isinstance(out, str):
        return MixedModelResult(**base, reason=out)
    return fitted_result(base, out, names, "happy:own", unit, alpha)


def group_mixed_dict(m: MixedModelResult) -> dict:
    """:meth:`MixedModelResult.as_dict` with this model's formula and direction."""
    d = m.as_dict()
    d["model"] = MODEL
    d["effect"] = "happy:own (smile at happy minus sad faces, own group minus other group)"
    d["p_one_sided_direction"] = "more mimicry of one's own group"
    return d

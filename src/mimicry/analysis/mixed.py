"""Trial-level linear mixed model across people: smile at happy versus sad faces.

Every valid happy or sad trial of every person is one row::

    response ~ happy + pre,   random intercepts: participant, stimulus (crossed)

``response`` is the trial's smile response (baseline-corrected mean, 0-1
smile units), ``happy`` is 1 for a happy face and 0 for a sad one, ``pre`` the
pre-stimulus smile level (centred). Participant and stimulus identity are
crossed random intercepts: statsmodels' :class:`~statsmodels.regression.mixed_linear_model.MixedLM`
fits them with one group holding every trial and a variance component for
each (``vc_formula``). Nesting stimuli within participants (``groups`` =
participant, stimulus as a variance component) would give every person their
own stimulus effects, which is not the design: the same faces are shown to
everyone. With one group, the model is small (a few hundred trials) and
fitted by REML with L-BFGS, then Powell and Nelder-Mead if that fails.

The fixed effect of ``happy`` is the group's mimicry in smile units; its 95%
interval and p are Wald (normal) ones. The one-sided p asks whether there is
more smile at happy faces than at sad ones. Warnings of the fit
(convergence, a variance on its boundary) become plain sentences; a fit
whose fixed-effect covariance is not finite, or fewer than
:data:`MIN_PEOPLE` people, gives no number and says why.
"""

from __future__ import annotations

import math
import warnings as _warnings
from dataclasses import dataclass, field
from typing import Mapping, Sequence

import numpy as np

#: People needed for the model (a participant variance from 2 people means nothing).
MIN_PEOPLE = 3


@dataclass(frozen=True)
class MixedModelResult:
    """The happy-versus-sad fixed effect of the trial-level mixed model.

    Attributes
    ----------
    n_people, n_trials, n_stimuli : int
        In the fit (valid happy and sad trials with finite numbers).
    estimate : float
        Fixed effect of happy versus sad: extra smile at happy faces, 0-1
        smile units. NaN when there is no fit.
    se, ci_low, ci_high, z : float
        Its standard error, Wald 95% interval and z.
    p_greater : float
        One-sided p (more smile at happy than at sad faces).
    p_two_sided : float
    pre_slope : float
        Fixed effect of the (centred) pre-stimulus level.
    var_participant, var_stimulus, var_residual : float
        Variance components.
    converged : bool
    method : str
        Optimiser that gave the fit.
    warnings : list of str
        Plain sentences about the fit.
    reason : str
        Why there is no number; empty when there is one.
    """

    n_people: int
    n_trials: int
    n_stimuli: int
    estimate: float = float("nan")
    se: float = float("nan")
    ci_low: float = float("nan")
    ci_high: float = float("nan")
    z: float = float("nan")
    p_greater: float = float("nan")
    p_two_sided: float = float("nan")
    pre_slope: float = float("nan")
    var_participant: float = float("nan")
    var_stimulus: float = float("nan")
    var_residual: float = float("nan")
    converged: bool = False
    method: str = ""
    warnings: list = field(default_factory=list)
    reason: str = ""

    @property
    def ok(self) -> bool:
        """True when there is an estimate."""
        return math.isfinite(self.estimate)

    def as_dict(self) -> dict:
        """JSON-ready (NaN as None)."""
        from mimicry.analysis.group import json_number  # noqa: PLC0415

        out = {}
        for k, v in self.__dict__.items():
            out[k] = json_number(v) if isinstance(v, float) else (list(v) if k == "warnings"
                                                                 else v)
        out["model"] = "response ~ happy + pre, random intercepts: participant, stimulus (crossed)"
        out["p_one_sided_direction"] = "more smile at happy than at sad faces"
        return out


def _columns(table) -> dict[str, np.ndarray]:
    keys = ("participant", "stimulus_id", "condition", "response", "pre")
    if isinstance(table, Mapping):
        cols = {k: np.asarray(table[k]) for k in keys}
    else:
        rows = list(table)
        cols = {k: np.asarray([r[k] for r in rows]) for k in keys}
    n = {len(v) for v in cols.values()}
    if len(n) > 1:
        raise ValueError(f"trial table columns differ in length: {sorted(n)}")
    return cols


def _clean(table):
    c = _columns(table)
    cond = np.asarray([str(x) for x in c["condition"]])
    y = np.asarray(c["response"], float) if c["response"].size else np.zeros(0)
    pre = np.asarray(c["pre"], float) if c["pre"].size else np.zeros(0)
    keep = np.isin(cond, ("happy", "sad")) & np.isfinite(y) & np.isfinite(pre)
    people = np.asarray([str(x) for x in c["participant"]])[keep]
    stim = np.asarray([str(x) for x in c["stimulus_id"]])[keep]
    return people, stim, (cond[keep] == "happy").astype(float), y[keep], pre[keep]


def _plain(w: _warnings.WarningMessage) -> str:
    text = str(w.message).strip().splitlines()[0] if str(w.message).strip() else ""
    low = text.lower()
    if issubclass(w.category, RuntimeWarning):
        return f"the mixed model met a numerical problem while fitting ({text.rstrip('.')})"
    if "boundary" in low:
        return ("the mixed model put a variance component on its boundary (0): the people "
                "or the faces differ too little to estimate it; the estimate stands")
    if "converge" in low or "hessian" in low or "singular" in low:
        return f"the mixed model's fit had trouble converging ({text.rstrip('.')})"
    return f"the mixed model's fit warned: {text}"


def mixed_model(table, alpha: float = 0.05) -> MixedModelResult:
    """Fit the trial-level mixed model of smile (happy versus sad) across people.

    Parameters
    ----------
    table : sequence of dict, or dict of sequences
        One trial per row with ``participant``, ``stimulus_id``,
        ``condition`` (``"happy"`` or ``"sad"``; other conditions are
        ignored), ``response`` (the smile response) and ``pre`` (the
        pre-stimulus smile level). Rows with a non-finite number are left out.
    alpha : float
        For the interval: ``1 - alpha`` (default 95%).

    Returns
    -------
    MixedModelResult
        Never raises for a bad fit: the reason is in ``reason`` and
        ``warnings``.
    """

    people, stim, happy, y, pre = _clean(table)
    n_people, n_stim = len(set(people)), len(set(stim))
    base = dict(n_people=n_people, n_trials=int(y.size), n_stimuli=n_stim)
    if n_people < MIN_PEOPLE:
        return MixedModelResult(**base, reason=f"{n_people} {'person' if n_people == 1 else 'people'} "
                                f"with valid happy and sad trials; the mixed model needs at least "
                                f"{MIN_PEOPLE}")
    if happy.min() == happy.max():
        return MixedModelResult(**base, reason="only one of happy and sad has valid trials; "
                                "the mixed model needs both")
    pre_c = pre - pre.mean()
    exog_cols = [np.ones_like(y), happy]
    names = ["Intercept", "happy"]
    if np.ptp(pre_c) > 1e-12:
        exog_cols.append(pre_c)
        names.append("pre")
    exog = np.column_stack(exog_cols)
    if np.linalg.matrix_rank(exog) < exog.shape[1]:
        return MixedModelResult(**base, reason="the design is singular (happy versus sad cannot "
                                "be told apart from the pre-stimulus level)")
    # In units of the response's SD: statsmodels warns of a boundary for any variance
    # below 0.01, which every variance in 0-1 smile units is.
    unit = float(np.std(y)) or 1.0
    out = _fit(y / unit, exog, names, people, stim)
    if isinstance(out, str):
        return MixedModelResult(**base, reason=out)
    return fitted_result(base, out, names, "happy", unit, alpha)


_EFFECT_WORDS = {"happy": "happy-versus-sad", "happy:own": "own-versus-other"}


def fitted_result(base: dict, out, names: Sequence[str], effect: str, unit: float,
                  alpha: float) -> MixedModelResult:
    """The :class:`MixedModelResult` of a fit (:func:`_fit`'s tuple) for fixed effect ``effect``.

    ``unit`` is the scale the response was divided by before the fit.
    """
    from scipy import stats  # noqa: PLC0415

    res, bse, method, notes = out
    k = names.index(effect)
    fe, bse = np.asarray(res.fe_params, float) * unit, bse * unit
    est, se = float(fe[k]), float(bse[k])
    if not (math.isfinite(est) and math.isfinite(se) and se > 0):
        return MixedModelResult(**base, warnings=notes, method=method,
                                reason=f"the mixed model's fit is singular (no finite standard "
                                       f"error of the {_EFFECT_WORDS.get(effect, effect)} "
                                       f"effect)")
    zq = float(stats.norm.ppf(1 - alpha / 2))
    z = est / se
    vc = np.asarray(res.vcomp, float) * unit ** 2
    return MixedModelResult(
        **base, estimate=est, se=se, ci_low=est - zq * se, ci_high=est + zq * se, z=z,
        p_greater=float(stats.norm.sf(z)), p_two_sided=float(2 * stats.norm.sf(abs(z))),
        pre_slope=float(fe[names.index("pre")]) if "pre" in names else float("nan"),
        var_participant=float(vc[0]), var_stimulus=float(vc[1]),
        var_residual=float(res.scale) * unit ** 2, converged=bool(res.converged), method=method,
        warnings=notes)


def _fit(y, exog, names, people, stim):
    """REML fit, one optimiser after another; (result, bse, method, warnings) or a reason."""
    from statsmodels.regression.mixed_linear_model import MixedLM  # noqa: PLC0415

    exog_vc = {name: {1.0: _indicators(v)} for name, v in (("participant", people),
                                                            ("stimulus", stim))}
    last = "the mixed model could not be fitted"
    for method in ("lbfgs", "powell", "nm"):
        with _warnings.catch_warnings(record=True) as caught:
            _warnings.simplefilter("always")
            try:
                model = MixedLM(y, exog, groups=np.ones(y.size), exog_vc=exog_vc)
                res = model.fit(reml=True, method=method)
                bse = np.asarray(res.bse_fe, float)
            except (np.linalg.LinAlgError, ValueError, FloatingPointError) as exc:
                last = f"the mixed model could not be fitted ({exc.__class__.__name__}: {exc})"
                continue
        notes = sorted({_plain(w) for w in caught
                        if not issubclass(w.category, (DeprecationWarning, FutureWarning))})
        if any("boundary" in t for t in notes):  # a variance at 0 leaves the Hessian flat
            notes = [t for t in notes if "Hessian" not in t]
        if res.converged and np.isfinite(bse).all():
            return res, bse, method, notes
        last = ("the mixed model's fit did not converge with any optimiser"
                if not res.converged else
                "the mixed model's fit is singular (no finite standard errors)")
    return last


def _indicators(values: Sequence) -> np.ndarray:
    """One column per distinct value: 1 where the row has it."""
    _, codes = np.unique(np.asarray(values, dtype=str), return_inverse=True)
    mat = np.zeros((codes.size, int(codes.max()) + 1))
    mat[np.arange(codes.size), codes] = 1.0
    return mat

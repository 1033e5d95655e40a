"""Group-sequential surrogate tests: alpha-spending boundaries over reference surrogates, for live displays.

A live display that shows a result (a lag, a leader) whenever the latest
statistic looks large is looked at many times per session, so "large" must be
judged against a boundary that pays for every look. :class:`SpendingBoundary`
does this with surrogates (Monte Carlo group-sequential testing): at every
look ``k`` the same statistic ``S_k`` is computed for the observed data (row 0)
and for ``N`` reference surrogates (rows 1..N), each surrogate keeping its
identity (and so its running history) from look to look. The boundary ``c_k``
is chosen so that, of all ``N + 1`` series, at most
``floor(alpha * f(tau_k) * (N + 1))`` have crossed a boundary at or before look
``k`` (``f``: the spending function, ``tau_k`` the information time, e.g.
``k / K`` for ``K`` planned looks). The observed series is shown at look ``k``
when ``S_k > c_k``.

When the observed series and the surrogates are exchangeable under the null
(e.g. exact relabellings of a randomised design), the chance that the observed
series crosses at any look of the session is ``E[#crossed] / (N + 1) <= alpha``,
whatever the dependence between looks; with continuous statistics it is
``floor(alpha (N + 1)) / (N + 1)``. Ties at the boundary cross nobody
(conservative).

References
----------
Lan, K. K. G., & DeMets, D. L. (1983). Discrete sequential boundaries for
clinical trials. Biometrika, 70(3), 659-663.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

#: Spending functions known by name.
SPENDING = ("linear", "pocock", "obf")


def spending(tau: float, alpha: float, kind: str = "pocock") -> float:
    """Cumulative type I error spent by information time ``tau``.

    Parameters
    ----------
    tau : float
        Information time, clipped to [0, 1].
    alpha : float
        Total error spent at ``tau = 1``.
    kind : {"linear", "pocock", "obf"}
        ``alpha * tau``; Pocock-like ``alpha * ln(1 + (e - 1) tau)``; or
        O'Brien-Fleming-like ``2 - 2 Phi(z_{alpha/2} / sqrt(tau))`` (spends
        little early).

    Returns
    -------
    float
    """
    tau = min(max(float(tau), 0.0), 1.0)
    if kind == "linear":
        return alpha * tau
    if kind == "pocock":
        return alpha * math.log(1.0 + (math.e - 1.0) * tau)
    if kind == "obf":
        if tau <= 0:
            return 0.0
        from statistics import NormalDist  # noqa: PLC0415

        nd = NormalDist()
        z = nd.inv_cdf(1.0 - alpha / 2.0)
        return min(alpha, 2.0 - 2.0 * nd.cdf(z / math.sqrt(tau)))
    raise ValueError(f"spending must be one of {SPENDING}, got {kind!r}")


@dataclass(frozen=True)
class Look:
    """One look of a :class:`SpendingBoundary`.

    Attributes
    ----------
    k : int
        Look number, from 1.
    statistic : float
        The observed statistic (row 0).
    boundary : float
        ``c_k``; the observed series crosses when ``statistic > boundary``.
    crossed : bool
        ``statistic > boundary`` at this look.
    ever_crossed : bool
        The observed series crossed at this or an earlier look.
    spent : float
        Share of all series crossed by this look (<= ``alpha * f(tau)``).
    """

    k: int
    statistic: float
    boundary: float
    crossed: bool
    ever_crossed: bool
    spent: float


class SpendingBoundary:
    """Alpha-spending boundary over ``N`` reference surrogates (see the module docstring).

    Parameters
    ----------
    n_series : int
        Rows of every statistic vector: the observed series (row 0) and the
        reference surrogates (rows 1..). The rows must keep their identity
        from look to look.
    alpha : float
        Total error over the session.
    kind : str
        Spending function (:func:`spending`).

    Examples
    --------
    >>> sb = SpendingBoundary(1000, alpha=0.05)
    >>> look = sb.look(stats, tau=k / n_planned)        # doctest: +SKIP
    >>> if look.crossed: show(...)                       # doctest: +SKIP
    """

    def __init__(self, n_series: int, alpha: float = 0.05, kind: str = "pocock") -> None:
        if n_series < 2:
            raise ValueError("n_series must be at least 2 (the observed series and a surrogate)")
        if kind not in SPENDING:
            raise ValueError(f"kind must be one of {SPENDING}, got {kind!r}")
        if not 0.0 < alpha < 1.0:
            raise ValueError(f"alpha must be in (0, 1), got {alpha}")
        self.n_series = int(n_series)
        self.alpha = float(alpha)
        self.kind = kind
        self.dead = np.zeros(self.n_series, dtype=bool)
        self.k = 0

    def look(self, stats: np.ndarray, tau: float) -> Look:
        """Take one look: the boundary at information time ``tau``, and who crosses it.

        Parameters
        ----------
        stats : ndarray, shape (n_series,)
            This look's statistic of every series (row 0 observed); NaN never crosses.
        tau : float
            Information time (e.g. ``k / K``), non-decreasing over looks.

        Returns
        -------
        Look
        """
        s = np.asarray(stats, dtype=float)
        if s.shape != (self.n_series,):
            raise ValueError(f"stats must have shape ({self.n_series},), got {s.shape}")
        s = np.where(np.isfinite(s), s, -np.inf)
        self.k += 1
        allowed = int(math.floor(spending(tau, self.alpha, self.kind) * self.n_series + 1e-9))
        budget = allowed - int(self.dead.sum())
        alive = s[~self.dead]
        if budget <= 0 or alive.size == 0:
            c = float(alive.max()) if alive.size else -np.inf
        elif budget >= alive.size:
            c = -np.inf
        else:
            # The (budget + 1)-th largest alive value: at most `budget` are strictly above.
            c = float(np.partition(alive, alive.size - budget - 1)[alive.size - budget - 1])
        above = s > c
        self.dead |= above & np.isfinite(s)
        obs = float(s[0])
        return Look(k=self.k, statistic=obs if np.isfinite(obs) else float("nan"),
                    boundary=c, crossed=bool(above[0] and np.isfinite(obs)),
                    ever_crossed=bool(self.dead[0]), spent=float(self.dead.mean()))


def flip_signs(conditions, n_sets: int = 2000, seed: int = 0) -> np.ndarray:
    """Sign-flip relabellings: row 0 observed, rows 1.. a seeded random +-1 per happy/sad trial.

    Column ``i`` depends only on ``i`` and the seed, so the matrix of a longer
    list of trials extends that of a shorter one (the rows keep their history).
    Neutral (and other unsigned) trials stay 0.
    """
    from mimicry.protocol.timeline import CONDITION_SIGN  # noqa: PLC0415

    obs = np.array([CONDITION_SIGN.get(c, 0.0) for c in conditions], dtype=float)
    out = np.empty((n_sets, obs.size))
    out[0] = obs
    for i in range(obs.size):
        rng = np.random.default_rng([seed, 0x666C6970, i])
        out[1:, i] = np.where(rng.random(n_sets - 1) < 0.5, 1.0, -1.0) * (obs[i] != 0)
    return out


def relabelling_signs(conditions, config=None) -> np.ndarray:
    """Relabellings of the happy/sad trials of a planned session (:func:`stats.relabellings`).

    Parameters
    ----------
    conditions : sequence of str
        Condition of every planned trial, in presentation order.
    config : AnalysisConfig | None
        ``max_exact_permutations``, ``n_permutations``, ``seed``.

    Returns
    -------
    ndarray, shape (n_sets, n_trials)
        Row 0 the observed signs (+1 happy, -1 sad, 0 otherwise); every row keeps
        the number of happy and sad trials.
    """
    from mimicry.analysis.config import AnalysisConfig  # noqa: PLC0415
    from mimicry.analysis.stats import relabellings  # noqa: PLC0415
    from mimicry.protocol.timeline import CONDITION_SIGN  # noqa: PLC0415

    config = config or AnalysisConfig()
    obs = np.array([CONDITION_SIGN.get(c, 0.0) for c in conditions], dtype=float)
    pos, neg = np.flatnonzero(obs > 0), np.flatnonzero(obs < 0)
    out = np.zeros((1, obs.size))
    out[0] = obs
    if pos.size and neg.size:
        labels, _ = relabellings(pos.size, neg.size, config)
        out = np.zeros((labels.shape[0], obs.size))
        out[:, np.concatenate([pos, neg])] = np.where(labels, 1.0, -1.0)
    return out

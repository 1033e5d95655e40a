"""Group statistics across people: tests of the per-person index, the score correlation and the group lag."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np

#: Sign flips are enumerated exactly up to this many sessions (2**16 = 65 536).
MAX_EXACT_SIGN_FLIP_N = 16
N_RANDOM_SIGN_FLIPS = 20_000
#: Spearman's p is exact (all n! orders) up to this many sessions (8! = 40 320).
MAX_EXACT_SPEARMAN_N = 8


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
        return {k: json_number(v) if isinstance(v, float) else v for k, v in self.__dict__.items()}


def json_number(v, digits: int = 6):
    """JSON number with ``digits`` significant digits (a tiny p stays > 0); NaN as None."""
    if v is None:
        return None
    v = float(v)
    return float(f"{v:.{digits}g}") if math.isfinite(v) else None


#: The fewest people whose exact two-sided sign-flip test can reach p < 0.05: its
#: smallest p is 2 / 2**n (every sign the same), 0.0625 for 5 people, 0.031 for 6.
MIN_PEOPLE_SIGN_FLIP = 6


def sign_flip_test(x: np.ndarray, seed: int = 0) -> tuple[float, float, str]:
    """Sign-flip permutation test of the mean against 0.

    Under the null hypothesis each person's index is as likely to be positive
    as negative (a symmetric distribution around 0), so every pattern of
    signs is equally likely. :func:`scipy.stats.permutation_test` with
    ``permutation_type="samples"`` (for one sample, it flips signs): exact
    (all ``2**n`` patterns, ``p = b / 2**n``) for up to
    :data:`MAX_EXACT_SIGN_FLIP_N` values; otherwise
    :data:`N_RANDOM_SIGN_FLIPS` random flips drawn with ``seed``, with
    ``p = (1 + b) / (1 + m)``. The two-sided p counts the flips whose
    ``|mean|`` is at least the observed one. Means within
    ``1e-12 * max(1, max |x|)`` of each other count as ties (``0.1 + 0.2``
    and ``0.3``), so the means are compared in units of that tolerance.

    Returns
    -------
    p_two_sided, p_greater : float
    method : str
    """
    x = np.asarray(x, float)
    n = x.size
    if n == 0:
        return float("nan"), float("nan"), "none"
    tol = 1e-12 * max(1.0, float(np.abs(x).max()))
    if n == 1:  # scipy needs two values; the two patterns are x and -x
        return 1.0, (1.0 if -x[0] >= x[0] - tol else 0.5), "exact"
    from scipy import stats  # noqa: PLC0415

    def statistic(v, axis=-1):
        mean = np.round(np.mean(v, axis=axis) / tol)  # integers: ties are exact
        return np.stack([np.abs(mean), mean], axis=-1)

    exact = n <= MAX_EXACT_SIGN_FLIP_N
    res = stats.permutation_test(
        (x,), statistic, permutation_type="samples", vectorized=True,
        n_resamples=2 ** n if exact else N_RANDOM_SIGN_FLIPS, alternative="greater",
        rng=np.random.default_rng(seed))
    p_two, p_greater = (float(p) for p in res.pvalue)
    return p_two, p_greater, "exact" if exact else "random"


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
    """A score against the mimicry index, over sessions with both.

    ``ci_low``, ``ci_high``: the 95% interval of Pearson's r (Fisher's z, from
    :meth:`scipy.stats.PearsonRResult.confidence_interval`).
    """

    n: int
    pearson_r: float
    pearson_p: float
    spearman_rho: float
    spearman_p: float
    source: str
    ci_low: float = float("nan")
    ci_high: float = float("nan")

    def as_dict(self) -> dict:
        return {k: json_number(v) if isinstance(v, float) else v for k, v in self.__dict__.items()}


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
        # Permuting one variable's ranks leaves both SDs as they are, so |rho| ranks the
        # orders as |sum of products of the centred ranks| does; ranks are multiples of
        # 1/2, so that sum is exact and ties between orders are exact.
        rx, ry = stats.rankdata(x), stats.rankdata(y)
        cx, my = rx - rx.mean(), ry.mean()

        def abs_cross(r, axis=-1):
            return np.abs(np.sum(cx * (r - my), axis=axis))

        p_rho = float(stats.permutation_test(
            (ry,), abs_cross, permutation_type="pairings", vectorized=True,
            n_resamples=math.factorial(x.size), alternative="greater").pvalue)
    ci = pr.confidence_interval(0.95) if x.size > 3 else None
    lo, hi = (float(ci.low), float(ci.high)) if ci is not None else (nan, nan)
    return Correlation(int(x.size), float(pr.statistic), float(pr.pvalue), rho, p_rho, source,
                       lo, hi)


# --------------------------------------------------------------------------- group lag

#: Draws of one null correlogram per person for the group lag test.
N_GROUP_LAG_DRAWS = 10_000
#: Bootstrap resamples of people for the group lag's interval.
N_GROUP_LAG_BOOT = 2_000


@dataclass(frozen=True)
class GroupLagTest:
    """The mean correlogram across people tested against its surrogate, and its peak lag.

    Attributes
    ----------
    n : int
        People (sessions with a null correlogram) in the test.
    lags_s : ndarray, shape (n_lags,)
        The common lag grid (the coarsest of the sessions' grids), seconds.
    mean_r : ndarray, shape (n_lags,)
        Mean over people of the observed correlograms on that grid.
    statistic : float
        ``max(mean_r)``.
    p_value : float
        One-sided (positive correlation): ``(1 + b) / (1 + n_draws)``, ``b``
        the draws whose statistic reaches the observed one.
    n_draws : int
    alpha : float
    significant : bool
        ``p_value < alpha``.
    peak_lag_s : float
        Parabola-refined lag of the maximum of ``mean_r`` (always computed,
        reported only when significant).
    peak_at_edge : bool
        The maximum is the first or last lag.
    lag_s, ci_low, ci_high : float
        The group lag and its bootstrap-over-people 95% interval; NaN unless
        ``significant``.
    reason : str
        Why there is no group lag; empty when there is one.
    """

    n: int
    lags_s: np.ndarray
    mean_r: np.ndarray
    statistic: float
    p_value: float
    n_draws: int
    alpha: float
    significant: bool
    peak_lag_s: float
    peak_at_edge: bool
    lag_s: float
    ci_low: float
    ci_high: float
    reason: str

    def as_dict(self) -> dict:
        """JSON-ready numbers (the correlogram included, rounded)."""
        d = {k: json_number(v) if isinstance(v, float) else v for k, v in self.__dict__.items()
             if k not in ("lags_s", "mean_r")}
        d["lags_s"] = [json_number(v) for v in self.lags_s]
        d["mean_r"] = [json_number(v) for v in self.mean_r]
        return d


def common_lag_grid(lag_grids: Sequence[np.ndarray]) -> np.ndarray:
    """The coarsest step of the grids, from 0 to the shortest grid's last lag."""
    steps = [float(np.median(np.diff(g))) for g in lag_grids if len(g) > 1]
    if not steps:
        return np.zeros(0)
    dt = max(steps)
    end = min(float(g[-1]) for g in lag_grids)
    start = max(float(g[0]) for g in lag_grids)
    return start + dt * np.arange(int(np.floor((end - start) / dt + 1e-9)) + 1)


def resample_correlograms(lags_s: np.ndarray, rows: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """Linear interpolation of every row of ``rows`` (on ``lags_s``) onto ``grid``."""
    lags_s = np.asarray(lags_s, float)
    rows = np.atleast_2d(np.asarray(rows, float))
    if lags_s.size == grid.size and np.allclose(lags_s, grid, rtol=0, atol=1e-9):
        return rows
    pos = np.interp(grid, lags_s, np.arange(lags_s.size))
    i0 = np.clip(np.floor(pos).astype(int), 0, lags_s.size - 1)
    i1 = np.minimum(i0 + 1, lags_s.size - 1)
    f = pos - i0
    return rows[:, i0] * (1.0 - f) + rows[:, i1] * f


def _peak(y: np.ndarray, grid: np.ndarray) -> tuple[float, bool]:
    from mimicry.analysis.signals import parabolic_peak  # noqa: PLC0415

    i = int(np.nanargmax(y))
    off, _ = parabolic_peak(y, i)
    dt = grid[1] - grid[0] if grid.size > 1 else 0.0
    return float(grid[i] + off * dt), bool(i == 0 or i == y.size - 1)


def _peaks(rows: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """:func:`_peak` of every row at once (the same parabola, vectorised)."""
    i = np.argmax(rows, axis=1)
    r = np.arange(rows.shape[0])
    inner = (i > 0) & (i < rows.shape[1] - 1)
    j = np.clip(i, 1, rows.shape[1] - 2)
    a, b, c = rows[r, j - 1], rows[r, j], rows[r, j + 1]
    den = a - 2.0 * b + c
    with np.errstate(invalid="ignore", divide="ignore"):
        off = np.where(inner & (den != 0), np.clip(0.5 * (a - c) / den, -0.5, 0.5), 0.0)
    dt = grid[1] - grid[0] if grid.size > 1 else 0.0
    return grid[i] + np.nan_to_num(off) * dt


def group_lag_test(lags: Sequence[np.ndarray], nulls: Sequence[np.ndarray], alpha: float = 0.05,
                   n_draws: int = N_GROUP_LAG_DRAWS, n_boot: int = N_GROUP_LAG_BOOT,
                   seed: int = 0) -> GroupLagTest:
    """Test the mean correlogram across people against its surrogate; its peak is the group lag.

    Parameters
    ----------
    lags : sequence of ndarray
        Each person's lag grid, seconds.
    nulls : sequence of ndarray, shape (n_rows, n_lags)
        Each person's correlograms: row 0 observed, the others under
        relabelling of the trial conditions (``XcorrResult.null_r``). People
        with fewer than 2 rows are left out.
    alpha : float
    n_draws : int
        Null means: one randomly drawn null row per person, independently.
    n_boot : int
        Bootstrap resamples of people for the lag's 95% interval.
    seed : int

    Returns
    -------
    GroupLagTest
        The statistic is the maximum over lags of the mean correlogram; the
        same maximum of each null mean gives the null distribution. Sessions
        with different lag grids are interpolated linearly onto the coarsest.
    """
    pairs = [(np.asarray(g, float), np.asarray(m, float)) for g, m in zip(lags, nulls)
             if g is not None and m is not None and np.ndim(m) == 2 and np.shape(m)[0] >= 2
             and np.shape(m)[1] >= 2 and len(g) == np.shape(m)[1]]
    nan, n = float("nan"), len(pairs)
    empty = np.zeros(0)
    if n == 0:
        return GroupLagTest(0, empty, empty, nan, nan, 0, alpha, False, nan, False, nan, nan,
                            nan, "no session had a cross-correlation with a surrogate null")
    grid = common_lag_grid([g for g, _ in pairs])
    mats = [np.nan_to_num(resample_correlograms(g, m, grid), nan=0.0) for g, m in pairs]
    obs = np.vstack([m[0] for m in mats])                       # (n, n_lags)
    mean_r = obs.mean(axis=0)
    stat = float(mean_r.max())
    rng = np.random.default_rng(seed)
    null_sum = np.zeros((n_draws, grid.size))
    for m in mats:
        null_sum += m[1 + rng.integers(0, m.shape[0] - 1, n_draws)]
    null_stat = (null_sum / n).max(axis=1)
    tol = 1e-12 * max(1.0, abs(stat))
    p = float((1 + np.sum(null_stat >= stat - tol)) / (1 + n_draws))
    peak, edge = _peak(mean_r, grid)
    sig = p < alpha
    lag = lo = hi = nan
    reason = ""
    if sig:
        counts = np.zeros((n_boot, n))
        picks = rng.integers(0, n, (n_boot, n))
        np.add.at(counts, (np.repeat(np.arange(n_boot), n), picks.ravel()), 1.0)
        boot = counts @ obs / n
        boot_lags = _peaks(boot, grid)
        lag = peak
        lo, hi = (float(v) for v in np.percentile(boot_lags, [2.5, 97.5]))
    else:
        reason = (f"the mean cross-correlation across {n} {'person' if n == 1 else 'people'} "
                  f"does not exceed what relabelling the trials gives by chance "
                  f"(p = {p:.3g}, not below {alpha:g})")
    return GroupLagTest(n=n, lags_s=grid, mean_r=mean_r, statistic=stat, p_value=p,
                        n_draws=int(n_draws), alpha=float(alpha), significant=bool(sig),
                        peak_lag_s=peak, peak_at_edge=edge, lag_s=lag, ci_low=lo, ci_high=hi,
                        reason=reason)

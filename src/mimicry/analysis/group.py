"""Group statistics across people: the one-sample tests of the per-person index, and the score correlation."""

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
    """A score against the mimicry index, over sessions with both."""

    n: int
    pearson_r: float
    pearson_p: float
    spearman_rho: float
    spearman_p: float
    source: str

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
    return Correlation(int(x.size), float(pr.statistic), float(pr.pvalue), rho, p_rho, source)

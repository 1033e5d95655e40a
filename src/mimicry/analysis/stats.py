"""Congruence statistics: the mimicry index and its permutation test.

The mimicry index
-----------------
Per channel, Hedges' g of the trial mean responses between two conditions::

    g = J * (mean_a - mean_b) / s_pooled,   s_pooled^2 = (SS_a + SS_b) / (n_a + n_b - 2),
    J = 1 - 3 / (4 (n_a + n_b) - 9)        (small-sample correction, Hedges 1981)

The **mimicry index** is the mean of two such effects, each signed so that
mimicry is positive::

    index = ( g_smile(happy vs sad) + g_sad_composite(sad vs happy) ) / 2

It reads in standard-deviation units ("0.8" = the two expressions differ by
0.8 pooled SDs between the conditions, averaged over the two). Why this and not
the difference of valence: smiles are large (0.5-0.95) and inner-brow raises
small (0.05-0.3), so in valence the smile's variance would swamp the sad
channel; standardising each channel first gives both expressions equal say,
and the two parts stay readable on their own. Valence's own g is reported too.

The permutation test
--------------------
Under "no mimicry" the happy/sad labels of the valid happy+sad trials are
exchangeable (the protocol randomises their order), so the index is recomputed
for relabellings of those trials: all of them when there are at most
``max_exact_permutations`` (C(n_happy + n_sad, n_happy) of them), else
``n_permutations`` random ones. One-sided ("more mimicry than chance")::

    p = (1 + #{relabellings with index >= observed}) / (1 + n_relabellings)

(with exact enumeration the observed labelling is one of the C, so ``p >= 1/C``).
``p_floor`` is the smallest p the session can reach: with 3 happy and 3 sad
trials, 1/C(6, 3) = 1/20 = 0.05, even for a perfect mimic.
"""

from __future__ import annotations

import functools
import itertools
import math
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from mimicry.analysis.config import ANALYSIS_CHANNELS, INDEX_CHANNELS, AnalysisConfig
from mimicry.analysis.trials import TrialResult

#: Machine-readable conclusions.
CONCLUSIONS = ("mimicry", "opposite", "not_distinguishable_from_chance", "too_short")

# Relative tolerance for "as large as the observed": relabellings that are the
# same partition give the same index up to rounding and must count as ties.
_TIE_RTOL = 1e-9


def hedges_g(a: np.ndarray, b: np.ndarray) -> float:
    """Hedges' g of ``a`` minus ``b`` (NaN with fewer than 2 values per group).

    Parameters
    ----------
    a, b : ndarray, shape (n_a,), (n_b,)
    """
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    a = a[np.isfinite(a)]
    b = b[np.isfinite(b)]
    if a.size < 2 or b.size < 2:
        return float("nan")
    x = np.concatenate([a, b])
    labels = np.zeros((1, x.size), dtype=bool)
    labels[0, :a.size] = True
    return float(_hedges_g_matrix(x[:, None], labels)[0, 0])


def _hedges_g_matrix(x: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Hedges' g (group True minus group False) for many labellings at once.

    Parameters
    ----------
    x : ndarray, shape (n, n_channels)
    labels : ndarray, shape (n_sets, n), bool
        Every row has the same number of True.

    Returns
    -------
    ndarray, shape (n_sets, n_channels)
    """
    n = x.shape[0]
    n_a = int(labels[0].sum())
    n_b = n - n_a
    # Centring first keeps the sums-of-squares formula accurate.
    x = x - x.mean(axis=0)
    lab = labels.astype(float)
    s_a = lab @ x
    q_a = lab @ (x * x)
    s_tot = x.sum(axis=0)
    q_tot = (x * x).sum(axis=0)
    m_a = s_a / n_a
    m_b = (s_tot - s_a) / n_b
    ss = (q_a - n_a * m_a ** 2) + (q_tot - q_a - n_b * m_b ** 2)
    sd = np.sqrt(np.maximum(ss, 0.0) / (n - 2))
    j = 1.0 - 3.0 / (4.0 * n - 9.0)
    # A channel with no spread at all (e.g. a dead channel) has no effect.
    with np.errstate(divide="ignore", invalid="ignore"):
        g = np.where(sd > 1e-12, j * (m_a - m_b) / sd, 0.0)
    return g


def _g_columns(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Hedges' g of every column, ``a`` minus ``b``; NaN with < 2 rows in a group.

    Parameters
    ----------
    a, b : ndarray, shape (n_a, k), (n_b, k)

    Returns
    -------
    ndarray, shape (k,)
    """
    k = a.shape[1]
    if a.shape[0] < 2 or b.shape[0] < 2:
        return np.full(k, np.nan)
    x = np.vstack([a, b])
    labels = np.zeros((1, x.shape[0]), dtype=bool)
    labels[0, :a.shape[0]] = True
    ok = np.isfinite(x).all(axis=0)
    out = np.full(k, np.nan)
    if ok.any():
        out[ok] = _hedges_g_matrix(x[:, ok], labels)[0]
    return out


@functools.lru_cache(maxsize=32)
def _exact_labels(n_a: int, n: int) -> np.ndarray:
    """Every way to choose ``n_a`` of ``n`` as group A; row 0 is the first ``n_a``."""
    combos = np.fromiter(itertools.chain.from_iterable(itertools.combinations(range(n), n_a)),
                         dtype=np.int64).reshape(-1, n_a)
    labels = np.zeros((combos.shape[0], n), dtype=bool)
    labels[np.arange(combos.shape[0])[:, None], combos] = True
    labels.flags.writeable = False
    return labels


def relabellings(n_a: int, n_b: int, config: AnalysisConfig) -> tuple[np.ndarray, str]:
    """The relabellings of a permutation test; row 0 is the observed labelling.

    Parameters
    ----------
    n_a, n_b : int
        Trials in the two groups; the observed labelling puts the first ``n_a``
        trials in group A.
    config : AnalysisConfig
        ``max_exact_permutations``, ``n_permutations`` and ``seed``.

    Returns
    -------
    labels : ndarray, shape (n_sets, n_a + n_b), bool
        True = group A.
    method : str
        ``"exact"`` (every relabelling, ``n_sets = C(n_a + n_b, n_a)``) or
        ``"random"`` (``n_sets = 1 + n_permutations``, seeded).
    """
    n = n_a + n_b
    if math.comb(n, n_a) <= config.max_exact_permutations:
        return _exact_labels(n_a, n), "exact"
    rng = np.random.default_rng(config.seed)
    labels = np.empty((config.n_permutations + 1, n), dtype=bool)
    labels[0] = np.arange(n) < n_a
    # In blocks of rows: the same draws as one (n_permutations, n) array, without
    # float temporaries that grow with the trials (the live meter reruns this
    # after every trial of a long session).
    step = _block_rows(n)
    for r0 in range(0, config.n_permutations, step):
        keys = rng.random((min(step, config.n_permutations - r0), n))
        kth = np.partition(keys, n_a - 1, axis=1)[:, n_a - 1:n_a]
        labels[1 + r0:1 + r0 + keys.shape[0]] = keys <= kth
    return labels, "random"


#: Elements in one block of the permutation test's float temporaries (2 MiB each).
BLOCK_ELEMENTS = 1 << 18


def _block_rows(n: int) -> int:
    """Relabellings per block so a block's float arrays stay within :data:`BLOCK_ELEMENTS`."""
    return max(1, BLOCK_ELEMENTS // max(int(n), 1))


def permutation_p_values(stats: np.ndarray) -> tuple[float, float, float]:
    """One-sided (greater), two-sided and opposite (less) p-values.

    Parameters
    ----------
    stats : ndarray, shape (n_sets,) or (n_sets, k)
        The statistic of every relabelling; row 0 is the observed one. With ``k``
        columns (e.g. lags) the maximum over columns is the statistic, which
        accounts for looking at several (max-statistic correction).

    Returns
    -------
    p_greater, p_two_sided, p_less : float
        ``#{stat >= observed} / n_sets`` etc., counting the observed labelling,
        which equals ``(1 + #{perm >= obs}) / (1 + n_perm)``.
    """
    stats = np.asarray(stats, dtype=float)
    if stats.ndim == 1:
        hi, lo, ab = stats, stats, np.abs(stats)
    else:
        hi, lo, ab = stats.max(axis=1), stats.min(axis=1), np.abs(stats).max(axis=1)
    n = hi.shape[0]

    def frac(values, obs, greater=True):
        tol = _TIE_RTOL * max(1.0, abs(obs))
        hits = values >= obs - tol if greater else values <= obs + tol
        return float(hits.sum() / n)

    return frac(hi, hi[0]), frac(ab, ab[0]), frac(lo, lo[0], greater=False)


@dataclass(frozen=True)
class CongruenceResult:
    """The mimicry index and its permutation test.

    Attributes
    ----------
    index : float
        Mean of the signed per-channel Hedges' g (see module docstring); NaN
        when there are fewer than 2 valid happy or sad trials.
    p_value : float
        One-sided permutation p for "more mimicry than chance".
    p_value_two_sided : float
        For "|index| this large in either direction".
    p_value_opposite : float
        One-sided for "more of the opposite expression than chance".
    p_floor : float
        Smallest p the test can give for this session (1 / number of relabellings).
    n_permutations : int
        Relabellings other than the observed one.
    method : str
        ``"exact"``, ``"random"`` or ``"none"`` (too few trials to test).
    n_valid : dict of str to int
        Valid trials per condition.
    channel_g : dict of str to dict of str to float
        Per channel: ``happy_vs_sad``, ``happy_vs_neutral``, ``sad_vs_neutral``
        (Hedges' g of the first minus the second; neutral is the control).
    null : ndarray, shape (n_permutations + 1,)
        The index under every relabelling (row 0 observed), for plotting.
    """

    index: float
    p_value: float
    p_value_two_sided: float
    p_value_opposite: float
    p_floor: float
    n_permutations: int
    method: str
    n_valid: dict
    channel_g: dict
    null: np.ndarray = field(repr=False)


def index_statistic(x: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """The mimicry index for many happy/sad labellings.

    Parameters
    ----------
    x : ndarray, shape (n, len(INDEX_CHANNELS))
        Mean responses of the valid happy and sad trials, columns in
        :data:`INDEX_CHANNELS` order.
    labels : ndarray, shape (n_sets, n), bool
        True = happy.

    Returns
    -------
    ndarray, shape (n_sets,)
    """
    signs = np.array(list(INDEX_CHANNELS.values()))
    out = np.empty(labels.shape[0])
    step = _block_rows(labels.shape[1])  # bounded temporaries, as in relabellings
    for r0 in range(0, labels.shape[0], step):
        out[r0:r0 + step] = (_hedges_g_matrix(x, labels[r0:r0 + step]) * signs).mean(axis=1)
    return out


def congruence_test(results: Sequence[TrialResult], config: AnalysisConfig) -> CongruenceResult:
    """Mimicry index, its permutation test and the neutral controls.

    Parameters
    ----------
    results : sequence of TrialResult
        Every trial; invalid ones and conditions other than happy/sad/neutral are
        left out.
    config : AnalysisConfig

    Returns
    -------
    CongruenceResult
    """
    idx_cols = [ANALYSIS_CHANNELS.index(c) for c in INDEX_CHANNELS]
    by_cond: dict[str, list[np.ndarray]] = {"happy": [], "sad": [], "neutral": []}
    # Onset order, so that random relabellings pair with the same trials whatever
    # order the results came in (streaming and offline then agree exactly).
    for r in sorted(results, key=lambda r: (r.onset_s, r.trial)):
        if r.valid and r.condition in by_cond and np.isfinite(r.mean[idx_cols]).all():
            by_cond[r.condition].append(r.mean)
    arr = {c: (np.array(v) if v else np.zeros((0, len(ANALYSIS_CHANNELS))))
           for c, v in by_cond.items()}
    n_valid = {c: int(a.shape[0]) for c, a in arr.items()}

    pairs = {"happy_vs_sad": ("happy", "sad"), "happy_vs_neutral": ("happy", "neutral"),
             "sad_vs_neutral": ("sad", "neutral")}
    g_cols = {k: _g_columns(arr[a], arr[b]) for k, (a, b) in pairs.items()}
    channel_g = {ch: {k: float(g_cols[k][j]) for k in pairs}
                 for j, ch in enumerate(ANALYSIS_CHANNELS)}

    n_h, n_s = n_valid["happy"], n_valid["sad"]
    if n_h < 2 or n_s < 2:
        n_sets = math.comb(n_h + n_s, n_h)
        return CongruenceResult(float("nan"), float("nan"), float("nan"), float("nan"),
                                1.0 / n_sets, 0, "none", n_valid, channel_g, np.zeros(0))
    x = np.vstack([arr["happy"][:, idx_cols], arr["sad"][:, idx_cols]])
    labels, method = relabellings(n_h, n_s, config)
    null = index_statistic(x, labels)
    p, p2, p_opp = permutation_p_values(null)
    return CongruenceResult(float(null[0]), p, p2, p_opp, 1.0 / labels.shape[0],
                            labels.shape[0] - 1, method, n_valid, channel_g, null)


def p_floor_for(n_happy: int, n_sad: int, config: AnalysisConfig | None = None) -> float:
    """The smallest p-value a session with these valid trial counts can reach."""
    config = config or AnalysisConfig()
    n_sets = math.comb(n_happy + n_sad, n_happy)
    if n_sets > config.max_exact_permutations:
        n_sets = config.n_permutations + 1
    return 1.0 / n_sets


def conclude(primary, config: AnalysisConfig) -> str:
    """The machine-readable conclusion, one of :data:`CONCLUSIONS`, from the primary test.

    One rule, everywhere: ``too_short`` with fewer than
    ``min_trials_per_condition`` usable happy or sad faces (or no estimate);
    else ``mimicry`` when the primary test's one-sided p < ``alpha``; else
    ``not_distinguishable_from_chance``. The test is one-sided, stated in
    advance, so a negative estimate is never a finding ("opposite" is kept
    only for reading sessions analysed by older versions).

    Parameters
    ----------
    primary : mimicry.analysis.primary.ContrastResult
    config : AnalysisConfig
    """
    if not np.isfinite(primary.estimate):
        return "too_short"
    return conclusion_rule(primary.n.values(), primary.p_value,
                           config.min_trials_per_condition, config.alpha)


def conclusion_rule(n_usable, p_value: float, min_trials_per_condition: int = 6,
                    alpha: float = 0.05) -> str:
    """The one rule every test of a session concludes by (happy/sad faces, yawns).

    ``too_short`` while either compared condition has fewer than
    ``min_trials_per_condition`` usable trials (then no p-value is a finding,
    however small); else ``mimicry`` when the one-sided ``p_value < alpha``;
    else ``not_distinguishable_from_chance``.

    Parameters
    ----------
    n_usable : iterable of int
        Usable trials of each compared condition.
    """
    n = list(n_usable)
    if len(n) < 2 or min(n) < min_trials_per_condition:
        return "too_short"
    if np.isfinite(p_value) and p_value < alpha:
        return "mimicry"
    return "not_distinguishable_from_chance"

"""The permutation test's working memory does not grow with the session's trials.

The live meter reruns :func:`congruence_test` after every trial; with float
temporaries of shape (n_permutations, n_trials) a one-hour session (~450
trials) needed ~26 MB per rerun, and the freed blocks stayed in the process.
"""

import tracemalloc

import numpy as np

from mimicry.analysis.config import ANALYSIS_CHANNELS, INDEX_CHANNELS, AnalysisConfig
from mimicry.analysis.stats import (_hedges_g_matrix, congruence_test, index_statistic,
                                    relabellings)
from mimicry.analysis.trials import TrialResult


def _results(n, seed=0):
    rng = np.random.default_rng(seed)
    z = np.zeros(len(ANALYSIS_CHANNELS))
    out = []
    for i in range(n):
        m = rng.normal(0.0, 1.0, len(ANALYSIS_CHANNELS))
        out.append(TrialResult(i + 1, ("happy", "sad", "neutral")[i % 3], "alex", 7.0 * i,
                               7.0 * i + 4.0, True, "", 100.0, 120, 120, "pre_stimulus",
                               z, m, m, z))
    return out


def _peak_mb(fn, *args):
    tracemalloc.start()
    try:
        fn(*args)
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def test_permutation_test_memory_stays_flat_as_trials_accumulate():
    cfg = AnalysisConfig()  # 5000 random relabellings
    small = _peak_mb(congruence_test, _results(150), cfg)
    hour = _peak_mb(congruence_test, _results(450), cfg)  # a one-hour session
    assert hour < 12.0
    assert hour < small * 1.5


def test_blocked_relabellings_and_index_match_the_one_shot_computation():
    cfg = AnalysisConfig(n_permutations=3000, seed=5)
    n_a, n_b = 700, 650  # several blocks
    labels, method = relabellings(n_a, n_b, cfg)
    assert method == "random"
    rng = np.random.default_rng(cfg.seed)
    keys = rng.random((cfg.n_permutations, n_a + n_b))
    kth = np.partition(keys, n_a - 1, axis=1)[:, n_a - 1:n_a]
    assert np.array_equal(labels[1:], keys <= kth)
    assert np.array_equal(labels[0], np.arange(n_a + n_b) < n_a)
    x = np.random.default_rng(6).normal(size=(n_a + n_b, len(INDEX_CHANNELS)))
    signs = np.array(list(INDEX_CHANNELS.values()))
    one_shot = (_hedges_g_matrix(x, labels) * signs).mean(axis=1)
    assert np.allclose(index_statistic(x, labels), one_shot, rtol=0, atol=1e-12)

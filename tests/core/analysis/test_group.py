"""The group tests built on scipy.stats give the p-values of the hand-written code they replaced.

The expected values were computed with the previous implementations (exact enumeration of
all ``2**n`` sign patterns, of all ``n!`` orders of the ranks, and the hypergeometric sum
with ``math.comb``) before the switch to :func:`scipy.stats.permutation_test` and
:func:`scipy.stats.fisher_exact`. The inputs include near-ties in floating point
(``0.1 + 0.2`` against ``0.3``, means that are 0 only in exact arithmetic) and ties in the ranks.
"""

from __future__ import annotations

import numpy as np
import pytest

from mimicry.activities.yawn.analysis import fisher_one_sided
from mimicry.analysis.group import correlate, one_sample_test, sign_flip_test

# (values, p two-sided, p greater) from the old exact enumeration.
SIGN_FLIP_CASES = [
    ([1.0, 2.0, 3.0], 0.25, 0.125),
    ([0.8, 1.1, 0.3, 1.6, 0.9, -0.2, 1.3], 0.03125, 0.015625),
    ([0.24, -1.64, -0.91, -0.37, -0.01, -0.24, 1.64, 0.91, 0.37], 1.0, 0.53125),
    ([1.21, -0.75, -2.27, -0.36, 0.33, -1.21, 0.75, 2.27], 1.0, 0.53125),
    ([0.1, 0.2, -0.3], 1.0, 0.625),
    ([1.0, -1.0, 2.0, -2.0], 1.0, 0.625),
    ([0.0, 0.0, 0.5], 1.0, 0.5),
    ([-0.4, -1.2, 0.3, -0.8, -0.05], 0.1875, 0.9375),
    ([2.5, 2.5, -2.5, 0.0, 1.0, -1.0], 0.8125, 0.40625),
    ([-0.067, -0.023, -0.095, -0.064, -0.092, -0.012, -0.063, 0.014, 0.008, -0.009, -0.126, -0.027], 0.00439453125, 0.998046875),
    ([0.15, 0.45, -0.12, -0.74, -0.3, -0.84, 0.21, 1.49, -0.34, -0.47, 0.64, 0.51, 0.26, -0.78, 0.12, 0.85], 0.68267822265625, 0.341339111328125),
    ([0.7], 1.0, 0.5),
]

# (score, index, rho, p) from the old enumeration of n! orders.
SPEARMAN_CASES = [
    ([1, 2, 4, 6, 7], [-20.0, -4.0, 0.1, 2.0, 9.0], 0.9999999999999999, 0.016666666666666666),
    ([1, 2, 3, 4, 5], [2, 1, 4, 3, 5], 0.7999999999999999, 0.13333333333333333),
    ([0, 1, 1, 2, 0, 2], [1, 0, 2, 2, 1, 0], 0.0, 1.0),
    ([1, 2, 3, 4, 5], [2, 5, 3, 1, 4], 0.0, 1.0),
    ([-0.05, 0.11, -1.53, -0.48, -0.98, -0.81, 1.06, -0.81], [-0.06, 0.94, -1.35, -0.35, -0.38, -0.34, -0.7, -0.33], 0.4191691916696406, 0.3038690476190476),
    ([1, 2, 3], [3, 1, 2], -0.5, 1.0),
    ([0.5, 0.1, 0.9, 0.3, 0.7, 0.2, 0.8], [1, 1, 2, 2, 3, 3, 4], 0.40382270401789383, 0.35555555555555557),
    ([1, 1, 2, 3], [4, 3, 3, 1], -0.8333333333333335, 0.3333333333333333),
]

# (a, n_a, b, n_b, p) from the old sum of math.comb terms.
FISHER_CASES = [
    (4, 4, 0, 4, 0.014285714285714285),
    (0, 4, 0, 4, 1.0),
    (2, 4, 2, 4, 0.7571428571428571),
    (3, 6, 1, 6, 0.2727272727272727),
    (6, 8, 2, 8, 0.06596736596736597),
    (5, 10, 0, 10, 0.016253869969040248),
    (1, 3, 2, 5, 0.8214285714285714),
    (7, 12, 3, 12, 0.10687844932023152),
    (0, 5, 4, 6, 1.0),
    (9, 20, 4, 20, 0.08799781825365807),
]


@pytest.mark.parametrize(("x", "p_two", "p_greater"), SIGN_FLIP_CASES)
def test_exact_sign_flip_matches_old_enumeration(x, p_two, p_greater):
    p2, p1, method = sign_flip_test(np.array(x))
    assert method == "exact"
    assert p2 == pytest.approx(p_two, abs=1e-12)
    assert p1 == pytest.approx(p_greater, abs=1e-12)
    if len(x) > 1:
        res = one_sample_test(x)
        assert res.p_sign_flip == pytest.approx(p_two, abs=1e-12)
        assert res.p_sign_flip_greater == pytest.approx(p_greater, abs=1e-12)


def test_random_sign_flip_is_seeded():
    y = np.random.default_rng(1).normal(0.3, 1.0, 40)
    first, again, other = sign_flip_test(y, 0), sign_flip_test(y, 0), sign_flip_test(y, 1)
    assert first == again and first[2] == "random" and first[:2] != other[:2]
    p2, p1, _ = first
    assert 0 < p1 < p2 < 1 and (p2 * 20_001) == pytest.approx(round(p2 * 20_001))


@pytest.mark.parametrize(("x", "y", "rho", "p"), SPEARMAN_CASES)
def test_exact_spearman_matches_old_enumeration(x, y, rho, p):
    c = correlate(x, y, "score")
    assert c.spearman_rho == pytest.approx(rho, abs=1e-12)
    assert c.spearman_p == pytest.approx(p, abs=1e-12)


@pytest.mark.parametrize(("a", "n_a", "b", "n_b", "p"), FISHER_CASES)
def test_fisher_matches_old_hypergeometric_sum(a, n_a, b, n_b, p):
    assert fisher_one_sided(a, n_a, b, n_b) == pytest.approx(p, abs=1e-12)


def test_fisher_matches_exact_sum_on_all_small_tables():
    from math import comb

    for n_a in range(1, 9):
        for n_b in range(1, 9):
            for a in range(n_a + 1):
                for b in range(n_b + 1):
                    k = a + b
                    old = sum(comb(n_a, i) * comb(n_b, k - i)
                              for i in range(a, min(n_a, k) + 1)) / comb(n_a + n_b, k)
                    assert fisher_one_sided(a, n_a, b, n_b) == pytest.approx(old, abs=1e-12)

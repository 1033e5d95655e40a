"""The one robust-statistics helper (mimicry.core.robust) gives the numbers the old copies gave."""

import numpy as np

from mimicry.analysis.baseline import robust_stats as baseline_robust_stats
from mimicry.core.robust import MAD_TO_SD, robust_location_scale, robust_stats


def test_same_numbers_as_the_inline_formula():
    rng = np.random.default_rng(3)
    vals = rng.normal(0.2, 0.05, 101)
    med = float(np.median(vals))
    sd = 1.4826 * float(np.median(np.abs(vals - med)))
    assert robust_location_scale(vals) == (med, sd)
    m, s, n = robust_stats(vals[:, None])
    assert n == 101 and m[0] == med and s[0] == sd
    assert baseline_robust_stats is robust_stats and MAD_TO_SD == 1.4826


def test_nan_columns_and_empty():
    m, s, n = robust_stats(np.array([[1.0, np.nan], [3.0, np.nan]]))
    assert n == 2 and m[0] == 2.0 and np.isnan(m[1]) and np.isnan(s[1])
    med, sd = robust_location_scale(np.array([]))
    assert np.isnan(med) and sd == 0.0

"""The group lag test (mean correlogram against its surrogate) and the trial-level mixed model, on synthetic inputs."""

from __future__ import annotations

import numpy as np
import pytest

from mimicry.analysis.group import common_lag_grid, group_lag_test, resample_correlograms
from mimicry.analysis.mixed import MIN_PEOPLE, mixed_model


def _person(rng, lags, bump_at=None, height=0.0, n_rows=400, sd=0.05):
    """Correlograms: smooth noise per row; row 0 gets a bump at ``bump_at``."""
    from scipy.ndimage import gaussian_filter1d

    rows = gaussian_filter1d(rng.normal(0, 1, (n_rows, lags.size + 12)), 2.0, axis=1)[:, 6:-6]
    rows *= sd / rows.std()
    if bump_at is not None:
        rows[0] += height * np.exp(-0.5 * ((lags - bump_at) / 0.3) ** 2)
    return rows


LAGS = np.arange(91) / 30.0


def test_group_lag_null_is_calibrated():
    rng = np.random.default_rng(0)
    ps = []
    for _ in range(150):
        res = group_lag_test([LAGS] * 8, [_person(rng, LAGS, n_rows=200) for _ in range(8)],
                             n_draws=1000, seed=int(rng.integers(1 << 30)))
        ps.append(res.p_value)
        if not res.significant:
            assert np.isnan(res.lag_s) and "does not exceed" in res.reason
    rate = np.mean(np.array(ps) < 0.05)
    print("synthetic null: group lag false positives", rate)
    assert rate < 0.10
    assert 0.3 < np.mean(ps) < 0.7  # roughly uniform


def test_group_lag_finds_a_shared_bump():
    rng = np.random.default_rng(1)
    nulls = [_person(rng, LAGS, bump_at=0.6, height=0.12) for _ in range(10)]
    res = group_lag_test([LAGS] * 10, nulls, n_draws=2000, seed=3)
    assert res.significant and res.p_value == pytest.approx(1 / 2001)
    assert abs(res.lag_s - 0.6) < 0.1 and res.ci_low <= res.lag_s <= res.ci_high
    assert res.ci_high - res.ci_low < 0.6 and not res.peak_at_edge and res.reason == ""
    assert res.statistic == pytest.approx(res.mean_r.max())
    # The vectorised parabola of the bootstrap is the session analysis's one.
    from mimicry.analysis.group import _peak, _peaks

    rows = np.vstack([n[0] for n in nulls] + [LAGS * 0 + 1, -((LAGS - 3.0) ** 2)])
    assert np.allclose(_peaks(rows, LAGS), [_peak(y, LAGS)[0] for y in rows])
    d = res.as_dict()
    assert len(d["mean_r"]) == len(d["lags_s"]) == LAGS.size and d["n"] == 10
    # Same seed, same answer.
    again = group_lag_test([LAGS] * 10, nulls, n_draws=2000, seed=3)
    assert again.ci_low == res.ci_low and again.p_value == res.p_value


def test_group_lag_with_different_frame_rates():
    rng = np.random.default_rng(2)
    fast = np.arange(91) / 30.0
    slow = np.arange(46) / 15.0
    grids = [fast, slow] * 5
    nulls = [_person(rng, g, bump_at=0.8, height=0.15) for g in grids]
    assert np.allclose(common_lag_grid(grids), slow)
    res = group_lag_test(grids, nulls, n_draws=1000)
    assert np.allclose(res.lags_s, slow) and res.significant
    assert abs(res.lag_s - 0.8) < 0.1
    # Linear interpolation: a straight line stays the same line.
    line = np.vstack([fast * 2.0, fast - 1.0])
    assert np.allclose(resample_correlograms(fast, line, slow), np.vstack([slow * 2, slow - 1]))


def test_group_lag_without_nulls_says_why():
    res = group_lag_test([LAGS, None], [np.zeros((0, 0)), None])
    assert res.n == 0 and not res.significant and "no session" in res.reason
    # One row only (no relabelling) is left out.
    res = group_lag_test([LAGS], [np.zeros((1, LAGS.size))])
    assert res.n == 0


def _table(effect, n_people=10, seed=0, sd_person=0.03, sd_stim=0.02, as_dict=False):
    rng = np.random.default_rng(seed)
    stim = {f"face{k}": rng.normal(0, sd_stim) for k in range(1, 5)}
    rows = []
    for p in range(n_people):
        u = rng.normal(0, sd_person)
        for t in range(16):
            cond = "happy" if t % 2 else "sad"
            s = f"face{(t // 2) % 4 + 1}"
            pre = rng.normal(0.1, 0.05)
            y = u + stim[s] + effect * (cond == "happy") - 0.3 * (pre - 0.1) + rng.normal(0, 0.05)
            rows.append(dict(participant=f"p{p}", stimulus_id=s, condition=cond, response=y,
                             pre=pre))
        rows.append(dict(participant=f"p{p}", stimulus_id="face1", condition="neutral",
                         response=1.0, pre=0.1))  # ignored
    if as_dict:
        return {k: [r[k] for r in rows] for k in rows[0]}
    return rows


def test_mixed_model_recovers_the_effect():
    res = mixed_model(_table(0.04, seed=1))
    assert res.ok and res.n_people == 10 and res.n_trials == 160 and res.n_stimuli == 4
    assert res.ci_low < 0.04 < res.ci_high and res.ci_low > 0
    assert res.p_greater < 0.001 and res.p_two_sided == pytest.approx(2 * res.p_greater)
    assert res.pre_slope == pytest.approx(-0.3, abs=0.25)
    assert res.var_participant > 0 and res.var_residual == pytest.approx(0.05 ** 2, rel=0.3)
    same = mixed_model(_table(0.04, seed=1, as_dict=True))
    assert same.estimate == pytest.approx(res.estimate)
    d = res.as_dict()
    assert d["estimate"] == pytest.approx(res.estimate, rel=1e-5) and "crossed" in d["model"]


def test_mixed_model_null_false_positives():
    ps = np.array([mixed_model(_table(0.0, seed=s)).p_greater for s in range(100, 200)])
    rate = float(np.mean(ps < 0.05))
    print("synthetic null: mixed model false positives", rate)
    assert rate < 0.12 and np.isfinite(ps).all()


def test_mixed_model_says_why_there_is_no_number():
    few = [r for r in _table(0.04) if r["participant"] in ("p0", "p1")]
    res = mixed_model(few)
    assert not res.ok and f"at least {MIN_PEOPLE}" in res.reason
    only_happy = [r for r in _table(0.04) if r["condition"] == "happy"]
    assert "both" in mixed_model(only_happy).reason
    # The pre-stimulus level is the condition: singular, no number, no exception.
    collinear = [dict(r, pre=1.0 if r["condition"] == "happy" else 0.0) for r in _table(0.04)]
    res = mixed_model(collinear)
    assert not res.ok and "singular" in res.reason
    assert mixed_model([]).reason.startswith("0 people")
    # No variance between people or faces: a warning sentence, still an estimate.
    res = mixed_model(_table(0.04, seed=3, sd_person=0.0, sd_stim=0.0))
    assert res.ok
    assert all("Traceback" not in w and "\n" not in w for w in res.warnings)

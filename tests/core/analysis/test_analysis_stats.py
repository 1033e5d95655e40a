"""Hedges' g, the mimicry index, its permutation test and the conclusion rules."""

import itertools
import math

import numpy as np

from mimicry.analysis.primary import contrast_test
from mimicry.analysis.reference import reference_orders
import pytest

from mimicry.analysis.config import ANALYSIS_CHANNELS, AnalysisConfig
from mimicry.analysis.stats import (conclude, congruence_test, hedges_g, p_floor_for,
                                    permutation_p_values, relabellings)
from mimicry.analysis.trials import TrialResult


def _g_by_hand(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    na, nb = a.size, b.size
    sp = math.sqrt(((na - 1) * a.var(ddof=1) + (nb - 1) * b.var(ddof=1)) / (na + nb - 2))
    return (1 - 3 / (4 * (na + nb) - 9)) * (a.mean() - b.mean()) / sp


def test_hedges_g_matches_the_textbook_formula():
    rng = np.random.default_rng(1)
    for _ in range(20):
        a, b = rng.normal(0.3, 0.1, rng.integers(2, 12)), rng.normal(0.1, 0.2, rng.integers(2, 12))
        assert hedges_g(a, b) == pytest.approx(_g_by_hand(a, b), rel=1e-10)
    assert math.isnan(hedges_g([1.0], [0.0, 1.0]))


def _result(i, cond, smile, sad, valid=True):
    m = np.zeros(len(ANALYSIS_CHANNELS))
    m[ANALYSIS_CHANNELS.index("smile")] = smile
    m[ANALYSIS_CHANNELS.index("sad_composite")] = sad
    m[ANALYSIS_CHANNELS.index("valence")] = smile - sad
    nan = np.full(m.size, np.nan)
    return TrialResult(i, cond, "f", float(i), i + 3.0, valid, "" if valid else "bad", 100.0,
                       100, 100, "pre_stimulus", m * 0, m if valid else nan, m, nan)


def _session(smile_h, sad_h, smile_s, sad_s, neutral=()):
    out, i = [], 1
    for s, d in zip(smile_h, sad_h):
        out.append(_result(i, "happy", s, d)); i += 1
    for s, d in zip(smile_s, sad_s):
        out.append(_result(i, "sad", s, d)); i += 1
    for s, d in neutral:
        out.append(_result(i, "neutral", s, d)); i += 1
    return out


def test_index_is_mean_of_signed_channel_effects():
    rng = np.random.default_rng(2)
    sh, dh, ss, ds = (rng.normal(m, 0.1, 8) for m in (0.4, 0.0, 0.0, 0.1))
    res = congruence_test(_session(sh, dh, ss, ds), AnalysisConfig())
    expect = (_g_by_hand(sh, ss) + _g_by_hand(ds, dh)) / 2
    assert res.index == pytest.approx(expect, rel=1e-10)
    assert res.channel_g["smile"]["happy_vs_sad"] == pytest.approx(_g_by_hand(sh, ss))
    assert res.method == "exact" and res.n_permutations == math.comb(16, 8) - 1


def test_exact_p_value_equals_brute_force_enumeration():
    rng = np.random.default_rng(5)
    sh, dh, ss, ds = (rng.normal(m, 0.1, 5) for m in (0.15, 0.0, 0.0, 0.05))
    res = congruence_test(_session(sh, dh, ss, ds), AnalysisConfig())
    smile, sad = np.r_[sh, ss], np.r_[dh, ds]
    stats = []
    for combo in itertools.combinations(range(10), 5):
        h = np.zeros(10, bool); h[list(combo)] = True
        stats.append((_g_by_hand(smile[h], smile[~h]) + _g_by_hand(sad[~h], sad[h])) / 2)
    stats = np.array(stats)
    obs = stats[0]
    assert res.p_value == pytest.approx(np.mean(stats >= obs - 1e-9))
    assert res.p_value_two_sided == pytest.approx(np.mean(np.abs(stats) >= abs(obs) - 1e-9))
    assert res.p_value_opposite == pytest.approx(np.mean(stats <= obs + 1e-9))
    assert res.p_floor == pytest.approx(1 / 252)


def test_three_and_three_is_too_short_for_a_conclusion():
    # A perfect mimic: every happy trial smiles more than every sad one.
    trials = _session([0.5, 0.6, 0.7], [0, 0, 0.01], [0, 0.01, 0.02], [0.2, 0.3, 0.25])
    cfg = AnalysisConfig()
    res = congruence_test(trials, cfg)
    assert res.p_floor == pytest.approx(0.05)
    assert res.p_value == pytest.approx(0.05)            # the best it can be
    assert res.p_value_two_sided == pytest.approx(0.10)  # the mirror labelling ties in |index|
    assert p_floor_for(3, 3) == pytest.approx(0.05)
    prim = _primary(trials, cfg)
    assert prim.estimate > 0.5 and conclude(prim, cfg) == "too_short"  # fewer than 6 of each


def _primary(trials, cfg):
    return contrast_test(trials, reference_orders(trials, None, 2000, 0), "smile", "happy", cfg)


def test_random_relabellings_when_enumeration_is_too_large():
    cfg = AnalysisConfig(n_permutations=2000)
    labels, method = relabellings(15, 15, cfg)  # C(30, 15) = 155 million
    assert method == "random" and labels.shape == (2001, 30)
    assert (labels.sum(axis=1) == 15).all() and labels[0, :15].all() and not labels[0, 15:].any()
    again, _ = relabellings(15, 15, cfg)
    np.testing.assert_array_equal(labels, again)  # seeded: same p every time
    # p = (1 + #{perm >= obs}) / (1 + n_perm): an extreme observation gets the floor.
    stats = np.r_[10.0, np.random.default_rng(0).normal(size=2000)]
    p, p2, p_less = permutation_p_values(stats)
    assert p == pytest.approx(1 / 2001) and p2 == pytest.approx(1 / 2001) and p_less == 1.0
    assert p_floor_for(15, 15, cfg) == pytest.approx(1 / 2001)


def test_max_over_columns_statistic():
    stats = np.array([[0.1, 0.5], [0.6, 0.0], [0.2, 0.3], [-0.9, 0.1]])
    p, p2, p_less = permutation_p_values(stats)
    assert p == pytest.approx(2 / 4)      # maxima 0.5, 0.6, 0.3, 0.1
    assert p2 == pytest.approx(3 / 4)     # |max| 0.5, 0.6, 0.3, 0.9
    assert p_less == pytest.approx(3 / 4)  # minima 0.1, 0.0, 0.2, -0.9


def test_invalid_trials_are_excluded_from_the_index():
    rng = np.random.default_rng(7)
    sh, dh, ss, ds = (rng.normal(m, 0.1, 8) for m in (0.3, 0.0, 0.0, 0.1))
    trials = _session(sh, dh, ss, ds)
    bad = _result(99, "happy", 50.0, -50.0, valid=False)  # would dominate if averaged
    with_bad = congruence_test(trials + [bad], AnalysisConfig())
    without = congruence_test(trials, AnalysisConfig())
    assert with_bad.index == without.index and with_bad.n_valid["happy"] == 8


def test_neutral_trials_are_the_control():
    rng = np.random.default_rng(8)
    sh, dh, ss, ds = (rng.normal(m, 0.05, 8) for m in (0.4, 0.0, 0.0, 0.1))
    neutral = list(zip(rng.normal(0.0, 0.05, 8), rng.normal(0.0, 0.05, 8)))
    res = congruence_test(_session(sh, dh, ss, ds, neutral), AnalysisConfig())
    assert res.channel_g["smile"]["happy_vs_neutral"] > 2
    assert res.channel_g["sad_composite"]["sad_vs_neutral"] > 0.8
    assert res.n_valid == {"happy": 8, "sad": 8, "neutral": 8}


def test_conclusion_rules():
    cfg = AnalysisConfig()
    rng = np.random.default_rng(9)
    strong = _primary(_session(*(rng.normal(m, 0.05, 8) for m in (0.4, 0.0, 0.0, 0.2))), cfg)
    assert conclude(strong, cfg) == "mimicry"
    # One-sided, stated in advance: the opposite direction is reported, never a finding.
    opposite = _primary(_session(*(rng.normal(m, 0.05, 8) for m in (0.0, 0.2, 0.4, 0.0))), cfg)
    assert opposite.estimate < 0 and opposite.p_value_opposite < 0.01
    assert conclude(opposite, cfg) == "not_distinguishable_from_chance"
    same_smile, same_sad = rng.normal(0, 0.05, 8), rng.normal(0, 0.05, 8)
    null = _primary(_session(same_smile, same_sad, same_smile, same_sad), cfg)
    assert null.estimate == pytest.approx(0.0, abs=1e-9) and null.p_value > 0.4
    assert conclude(null, cfg) == "not_distinguishable_from_chance"
    five = _primary(_session(*(rng.normal(m, 0.05, 5) for m in (0.4, 0.0, 0.0, 0.2))), cfg)
    assert five.p_value < 0.01 and conclude(five, cfg) == "too_short"  # < 6 per condition
    assert conclude(five, AnalysisConfig(min_trials_per_condition=5)) == "mimicry"

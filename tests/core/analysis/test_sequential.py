"""Group-sequential surrogate boundaries and the gated live lag: error spent, calibration, detection."""

import math

import numpy as np
import pytest

from mimicry.analysis.config import AnalysisConfig
from mimicry.analysis.sequential import SpendingBoundary, flip_signs, relabelling_signs, spending
from mimicry.analysis.trials import trial_span
from mimicry.analysis.live_lag import LiveLagGate
from mimicry.simulate.signal import VirtualParticipant, make_schedule, simulate_frames


@pytest.mark.parametrize("kind", ["linear", "pocock", "obf"])
def test_spending_functions_rise_to_alpha(kind):
    taus = np.linspace(0, 1, 11)
    v = [spending(x, 0.05, kind) for x in taus]
    assert v[0] == pytest.approx(0.0, abs=1e-12) and v[-1] == pytest.approx(0.05)
    assert all(b >= a - 1e-15 for a, b in zip(v, v[1:]))
    assert spending(2.0, 0.05, kind) == pytest.approx(0.05)


def test_spending_rejects_unknown_kind():
    with pytest.raises(ValueError):
        spending(0.5, 0.05, "nope")
    with pytest.raises(ValueError):
        SpendingBoundary(10, kind="nope")


def test_boundary_never_spends_more_than_allowed():
    rng = np.random.default_rng(1)
    n, k_max = 1000, 20
    sb = SpendingBoundary(n, alpha=0.05, kind="linear")
    walk = np.zeros(n)
    for k in range(1, k_max + 1):
        walk += rng.standard_normal(n)        # correlated looks: a running sum
        look = sb.look(walk / math.sqrt(k), k / k_max)
        assert sb.dead.sum() <= math.floor(0.05 * k / k_max * n + 1e-9)
        assert look.crossed == (look.statistic > look.boundary)
    # With continuous statistics the whole budget is used by the last look.
    assert sb.dead.sum() == 50


def test_exchangeable_series_cross_at_alpha():
    # The observed row is one of n exchangeable random walks: over many sessions
    # it crosses in floor(alpha (n + 1)) / (n + 1) of them.
    rng = np.random.default_rng(2)
    n_sessions, n, k_max = 2000, 199, 10
    hits = 0
    for _ in range(n_sessions):
        sb = SpendingBoundary(n, alpha=0.05)
        x = np.cumsum(rng.standard_normal((k_max, n)), axis=0)
        crossed = [sb.look(x[k], (k + 1) / k_max).crossed for k in range(k_max)]
        hits += any(crossed)
    rate = hits / n_sessions
    assert abs(rate - math.floor(0.05 * n) / n) < 0.015


def test_nan_statistics_never_cross():
    sb = SpendingBoundary(5, alpha=0.5, kind="linear")
    look = sb.look(np.array([np.nan, 1.0, 2.0, 3.0, 4.0]), 1.0)
    assert not look.crossed and math.isnan(look.statistic)
    with pytest.raises(ValueError):
        sb.look(np.zeros(4), 1.0)


def test_sign_matrices():
    conds = ["happy", "sad", "neutral", "sad", "happy", "happy", "sad", "neutral"]
    rel = relabelling_signs(conds, AnalysisConfig())
    assert rel.shape == (20, 8)          # C(6, 3) exact relabellings
    assert rel[0].tolist() == [1, -1, 0, -1, 1, 1, -1, 0]
    assert (rel[:, [2, 7]] == 0).all() and (rel.sum(axis=1) == 0).all()
    fl = flip_signs(conds, 50, seed=3)
    assert fl[0].tolist() == rel[0].tolist() and set(np.unique(fl[1:, 0])) <= {-1.0, 1.0}
    # Column i depends only on i: a longer session extends the matrix.
    assert np.array_equal(flip_signs(conds[:5], 50, seed=3), fl[:, :5])


def _run(gain, seed, signs_kind="relabel", n_per=6):
    """A session through the gate, called once per completed trial as the meter is."""
    cfg = AnalysisConfig()
    sch = make_schedule(n_per, seed=seed)
    vp = VirtualParticipant(gain=gain, delay_s=0.6, noise_sd=0.03, drift_sd=0.03)
    fr = simulate_frames(sch.trials, vp, seed=seed + 1)
    val = fr.channels["valence"]
    conds = [tr.condition for tr in sch.trials]
    signs = relabelling_signs(conds, cfg) if signs_kind == "relabel" else None
    gate = LiveLagGate(len(sch.trials), cfg)
    out, prev = [], 0
    for k, tr in enumerate(sch.trials):
        i = int(np.searchsorted(fr.t, trial_span(tr, cfg)[1], side="right"))
        lo = int(np.searchsorted(fr.t, fr.t[prev] - 19.0)) if prev else 0
        out.append(gate.update(fr.t[lo:i], val[lo:i], sch.trials[:k + 1], signs))
        prev = i - 1
    return out, gate


def test_gate_shows_the_lag_of_a_mimic():
    out, gate = _run(1.0, 11)
    shown = [r for r in out if r is not None]
    assert len(shown) >= len(out) // 2
    assert out[0] is None                    # never after a single face
    assert abs(np.median([r.lag_s for r in shown]) - 0.6) < 0.1
    assert all(r.statistic > r.boundary and r.peak_r > 0 for r in shown)
    assert gate.memory_items() < 30 * 40     # some seconds of response, not the session


@pytest.mark.parametrize("signs_kind", ["relabel", "flip"])
def test_gate_is_rarely_shown_without_mimicry(signs_kind):
    # Session-level: shown at any update in ~5% of null sessions (measured on
    # >= 500 realistic sessions by benchmarks/live_calibration.py); here 40.
    shown = sum(any(r is not None for r in _run(0.0, 100 + s, signs_kind)[0])
                for s in range(40))
    assert shown <= 6


def test_gate_needs_consistent_signs():
    cfg = AnalysisConfig()
    sch = make_schedule(2, seed=1)
    fr = simulate_frames(sch.trials, VirtualParticipant(), seed=1)
    gate = LiveLagGate(6, cfg)
    with pytest.raises(ValueError):
        gate.update(fr.t, fr.channels["valence"], sch.trials, np.ones((10, 2)))

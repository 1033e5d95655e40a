"""The primary test: design-based reference orders, the adjusted contrast, its calibration and power.

Simulated sessions use the shipped protocols' own schedules with a fresh seed
each and the realistic null families of :mod:`mimicry.simulate.noise`;
``benchmarks/validity.py`` runs the same with thousands of sessions.
"""

from dataclasses import replace

import numpy as np
import pytest
import statsmodels.api as sm

from mimicry.analysis.config import AnalysisConfig
from mimicry.analysis.offline import analyze_session, prepare_frames, session_baseline, summary_dict
from mimicry.analysis.primary import ancova_t, contrast_test
from mimicry.analysis.reference import design_from_events, reference_orders
from mimicry.analysis.replay import replay
from mimicry.analysis.trials import trial_responses
from mimicry.protocol.design import Design, draw_orders
from mimicry.protocol.load import load_protocol
from mimicry.protocol.schedule import build_schedule, protocol_design
from mimicry.simulate.noise import noise_frames
from mimicry.simulate.signal import VirtualParticipant, simulate_frames


def _runs(row):
    out, run = 1, 1
    for a, b in zip(row, row[1:]):
        run = run + 1 if a == b else 1
        out = max(out, run)
    return out


def test_redrawn_orders_keep_the_design_rules():
    orders = draw_orders(3, 4, 2, 3000, np.random.default_rng(0))
    assert orders.shape == (3000, 24)
    assert max(_runs(r) for r in orders) == 2
    for b0 in (0, 12):
        counts = np.stack([(orders[:, b0:b0 + 12] == c).sum(axis=1) for c in range(3)], axis=1)
        assert (counts == 4).all()
    # Every condition is equally likely at every position (the rules are symmetric).
    share = np.stack([(orders == c).mean(axis=0) for c in range(3)])
    assert np.abs(share - 1 / 3).max() < 0.05
    # Across blocks too: no run of three over the block edge.
    assert not ((orders[:, 10] == orders[:, 11]) & (orders[:, 11] == orders[:, 12])).any()


def test_every_session_draws_its_own_order_and_logs_the_design():
    p = load_protocol("default")
    a, b = build_schedule(p), build_schedule(p)
    assert a.seed != b.seed
    assert [t.condition for t in a.trials] != [t.condition for t in b.trials]
    design = design_from_events(a.events(), list(a.trials))
    assert replace(design, session_seed=None) == protocol_design(p)
    assert design.session_seed == a.seed  # each session's reference orders are its own
    assert design.matches([t.condition for t in a.trials])
    assert "seed=" in a.events()[0].detail and "design_blocks=2" in a.events()[0].detail


def test_reference_orders_use_the_design_and_a_prefix_when_cut_short():
    p = load_protocol("default")
    s = build_schedule(p, 3)
    trials = list(s.trials)
    full = reference_orders(trials, protocol_design(p), 200, seed=1)
    assert full.method == "design" and full.codes.shape == (201, 24)
    assert [full.conditions[c] for c in full.codes[0]] == [t.condition for t in trials]
    cut = reference_orders(trials[:10], protocol_design(p), 200, seed=1)
    assert (cut.codes == full.codes[:, :10]).all()
    # No design recorded: the observed conditions are shuffled instead.
    none = reference_orders(trials, None, 200, seed=1)
    assert none.method == "shuffle"
    assert all(sorted(r) == sorted(none.codes[0]) for r in none.codes)
    # A design the order does not fit (three in a row) is not used.
    bad = Design(("happy", "sad"), 3, 1)
    odd = [replace(t, condition=c) for t, c in zip(trials, ["happy"] * 3 + ["sad"] * 3)]
    assert reference_orders(odd, bad, 50, seed=1).method == "shuffle"


@pytest.mark.parametrize("seed", range(5))
def test_adjusted_contrast_matches_statsmodels(seed):
    rng = np.random.default_rng(seed)
    n = 18
    y, x = rng.standard_t(3, size=n), rng.normal(size=n)
    a = np.zeros((1, n), dtype=bool)
    a[0, :9] = True
    X = np.column_stack([np.ones(n), a[0].astype(float), x])
    est, se, slope = ancova_t(y, x, a, ~a)
    ols = sm.OLS(y, X).fit()
    assert est[0] == pytest.approx(ols.params[1], rel=1e-9)
    assert se[0] == pytest.approx(ols.bse[1], rel=1e-9)
    assert slope[0] == pytest.approx(ols.params[2], rel=1e-9)
    est, se, _ = ancova_t(y, x, a, ~a, huber_k=1.345, iterations=60)
    rlm = sm.RLM(y, X, M=sm.robust.norms.HuberT(1.345)).fit()
    assert est[0] == pytest.approx(rlm.params[1], abs=1e-5)
    assert se[0] == pytest.approx(rlm.bse[1], rel=1e-3)


def _primary_p(family, protocol, n, amplitude=0.0, seed0=0, n_reference=500):
    """One-sided p and estimate of the primary test over simulated sessions."""
    p = load_protocol(protocol)
    cfg = AnalysisConfig()
    out = np.empty((n, 2))
    for i in range(n):
        s = build_schedule(p, seed0 + i)
        fr = noise_frames(family, s.trials, duration_s=s.duration_s, seed=seed0 + 7_000 + i,
                          amplitude=amplitude)
        t, face, values = prepare_frames(fr.t, fr.face_detected, fr.channels)
        trials = list(s.trials)
        base = session_baseline(t, face, values, trials, s.calibration, cfg)
        res = trial_responses(t, face, values, trials, base, cfg)
        orders = reference_orders(trials, protocol_design(p), n_reference, seed=i)
        c = contrast_test(res, orders, "smile", "happy", cfg)
        out[i] = c.p_value, c.estimate
    return out


@pytest.mark.parametrize("family", ["ar1", "spontaneous"])
def test_primary_test_holds_five_percent_on_null_families(family, record_property):
    res = _primary_p(family, "default", 300, seed0=100)
    rate = float(np.mean(res[:, 0] < 0.05))
    print(f"{family}: primary p < 0.05 in {100 * rate:.1f}% of 300 null sessions")
    record_property(f"null_rate_{family}", rate)
    assert 0.02 <= rate <= 0.085  # 300 sessions: 95% of runs of a 5% test land here
    assert abs(np.mean(res[:, 0] < 0.5) - 0.5) < 0.09


def test_primary_test_sees_a_small_smile_on_a_wobbly_face():
    res = _primary_p("ar1", "default", 60, amplitude=0.1, seed0=5_000)
    assert np.mean(res[:, 0] < 0.05) >= 0.8
    assert 0.05 < np.median(res[:, 1]) < 0.12


def _virtual(gain, seed=3, protocol="default"):
    p = load_protocol(protocol)
    s = build_schedule(p, seed)
    fr = simulate_frames(s.trials, VirtualParticipant(gain=gain), seed=seed,
                         duration_s=s.duration_s)
    return s, fr


def test_summary_states_estimate_interval_and_detectable_effect():
    s, fr = _virtual(0.2)
    r = analyze_session(fr, s.events())
    d = summary_dict(r)
    prim = d["primary"]
    assert r.conclusion == "mimicry" and prim["method"] == "design"
    assert prim["ci95"][0] < prim["estimate"] < prim["ci95"][1]
    assert prim["ci95"][0] > 0 and 0 < prim["mde_80"] < 0.1
    assert d["effect_size"] == prim["estimate"] and d["hedges_g"] > 0
    assert set(d["secondary"]) == {"sad_composite", "brow_raise_inner", "cheek_raise", "valence"}
    assert d["lag_s"] == pytest.approx(0.5, abs=0.1)
    text = d["summary_text"]
    assert "more at happy than at sad faces on the 0-1 scale (95% interval" in text
    assert "could reliably (80% of the time) detect a difference of" in text
    assert "and by chance at" in text


def test_no_lag_and_no_finding_without_mimicry():
    found = []
    for seed in range(6):
        s, fr = _virtual(0.0, seed=seed)
        d = summary_dict(analyze_session(fr, s.events()))
        found.append(d["conclusion"] == "mimicry")
        if d["lag_s"] is None:
            assert d["lag_note"].startswith("no delay")
            assert "No delay is given" in d["summary_text"]
    assert sum(found) <= 1


def test_live_estimate_ends_exactly_where_offline_does_and_withholds_the_verdict():
    from mimicry.runtime.readings import reading_from_update

    s, fr = _virtual(0.2, seed=4)
    offline = analyze_session(fr, s.events())
    _, ups = replay(fr.t, fr.face_detected, fr.channels, s.events())
    assert ups[-1].final and ups[-1].primary == offline.primary.primary
    readings = [reading_from_update(u) for u in ups]
    assert all(r.conclusion == "pending" for r in readings[:-1])
    assert "The verdict comes after all 24 faces" in readings[10].chance_text
    assert readings[-1].conclusion == offline.conclusion == "mimicry"
    happy = next(r for r in readings if r.last_condition == "happy")
    assert "sad ones, which could not be mimicked" in happy.last_trial_text


def test_own_range_from_the_posed_smile_and_none_without_a_pose():
    s, fr = _virtual(0.2, seed=6)
    periods = [e for e in s.events() if e.event.startswith("expression_")]
    assert [e.detail for e in periods][:2] == ["expression=smile", "expression=smile"]
    plain = analyze_session(fr, s.events())
    assert plain.ranges == {}  # the simulated face never posed: no range, not a tiny one
    t0, t1 = periods[0].t, periods[1].t
    posed = (fr.t >= t0 + 1.0) & (fr.t <= t1)
    fr.channels["smile"] = np.where(posed, fr.channels["smile"] + 0.6, fr.channels["smile"])
    r = analyze_session(fr, s.events())
    assert r.ranges["smile"] == pytest.approx(0.6, abs=0.05)
    d = summary_dict(r)
    assert d["own_range"]["smile"] == pytest.approx(0.6, abs=0.05)
    assert "% of your own range" in d["summary_text"]

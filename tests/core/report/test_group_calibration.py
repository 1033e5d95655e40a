"""The group lag test and the mixed model on simulated groups: calibrated under no mimicry, right with it.

A quick version of ``benchmarks/group_calibration.py``: a pool of null sessions
simulated at signal level (fresh schedule and noise per person) is drawn into
many groups; the full benchmark uses fresh people for every group.
"""

from __future__ import annotations

import numpy as np
import pytest

from mimicry.analysis.group import group_lag_test
from mimicry.analysis.mixed import mixed_model
from mimicry.analysis.offline import analyze_session
from mimicry.analysis.trials import ANALYSIS_CHANNELS
from mimicry.simulate.signal import VirtualParticipant, make_schedule, simulate_frames

K_SMILE = ANALYSIS_CHANNELS.index("smile")


def _session(seed: int, **kw):
    sch = make_schedule(8, seed=seed)
    frames = simulate_frames(sch.trials, VirtualParticipant(**kw), seed=seed + 10_000_000)
    res = analyze_session(frames, sch.events)
    rows = [dict(participant=f"s{seed}", stimulus_id=tr.stimulus_id, condition=tr.condition,
                 response=tr.get("mean", "smile"), pre=float(tr.pre_baseline[K_SMILE]))
            for tr in res.trials if tr.valid and tr.condition in ("happy", "sad")]
    return res.xcorr, rows


def _group(sessions, alpha=0.05, seed=0):
    lag = group_lag_test([x.lags_s for x, _ in sessions], [x.null_r for x, _ in sessions],
                         alpha=alpha, n_draws=2000, seed=seed)
    mm = mixed_model([r for _, rows in sessions for r in rows])
    return lag, mm


@pytest.fixture(scope="module")
def null_pool():
    return [_session(7000 + i, gain=0.0) for i in range(60)]


def test_null_groups_are_rarely_significant(null_pool):
    rng = np.random.default_rng(11)
    lag_p, mm_p, lags = [], [], []
    for g in range(80):
        pick = rng.choice(len(null_pool), 10, replace=False)
        lag, mm = _group([null_pool[i] for i in pick], seed=g)
        lag_p.append(lag.p_value)
        mm_p.append(mm.p_greater)
        lags.append(lag.lag_s)
    lag_rate = float(np.mean(np.array(lag_p) < 0.05))
    mm_rate = float(np.mean(np.array(mm_p) < 0.05))
    own = float(np.mean([x.p_value < 0.05 for x, _ in null_pool]))
    print(f"null groups: group lag {lag_rate:.3f}, mixed model {mm_rate:.3f}; sessions "
          f"followed on their own test {own:.3f}")
    assert lag_rate < 0.10 and mm_rate < 0.10
    # No lag is given unless the group test is significant.
    assert all(np.isnan(l) for l, p in zip(lags, lag_p) if p >= 0.05)
    assert own < 0.15


def test_a_mimicking_group_gets_its_lag():
    sessions = [_session(9000 + i, gain=1.0, delay_s=0.6) for i in range(10)]
    lag, mm = _group(sessions, seed=1)
    print("mimics: group lag", lag.lag_s, (lag.ci_low, lag.ci_high), "p", lag.p_value,
          "; mixed model", mm.estimate, (mm.ci_low, mm.ci_high), "p", mm.p_greater)
    assert lag.significant and abs(lag.lag_s - 0.6) < 0.1
    assert lag.ci_low - 0.1 < 0.6 < lag.ci_high + 0.1
    assert mm.ok and mm.ci_low > 0 and mm.p_greater < 0.001
    assert all(x.p_value < 0.05 for x, _ in sessions)

"""Trial-averaged response curves (shared by the app's results screen and the reports)."""

from __future__ import annotations

import numpy as np
import pytest

from mimicry.report.curves import mean_and_ci, response_curves, session_response_curves
from mimicry.io.session import load_session


def test_mean_and_ci_over_trials():
    from scipy import stats

    rows = np.array([[1.0, 2.0, np.nan], [3.0, 2.0, np.nan], [2.0, np.nan, 5.0]])
    mean, lo, hi, n = mean_and_ci(rows)
    assert n.tolist() == [3, 2, 1]
    assert mean[:2] == pytest.approx([2.0, 2.0]) and mean[2] == 5.0
    half = stats.t.ppf(0.975, 2) * 1.0 / np.sqrt(3)  # SD of 1, 2, 3 is 1
    assert (lo[0], hi[0]) == pytest.approx((2 - half, 2 + half))
    assert lo[1] == hi[1] == pytest.approx(2.0)  # no spread
    assert np.isnan(lo[2]) and np.isnan(hi[2])  # one trial: no interval


def test_curves_show_the_mimic_and_the_delay(synthetic_session):
    folder = synthetic_session("mimic", gain=1.0, seed=3, delay_s=0.6)
    c = session_response_curves(folder)
    assert c.n_trials == {"happy": 8, "sad": 8, "neutral": 8}
    assert c.channels == ("smile", "sad_composite")
    t = c.t_s
    assert t[0] == pytest.approx(-1.0) and t[-1] > c.stimulus_s + c.morph_s
    before, during = t < 0, (t > 1.5) & (t < c.stimulus_s)
    happy, neutral = c.mean["happy", "smile"], c.mean["neutral", "smile"]
    assert abs(np.nanmean(happy[before])) < 0.02
    # The smile at happy faces rises by the simulated amplitude (0.15), clearly
    # above the neutral trials' confidence interval.
    assert np.nanmean(happy[during]) == pytest.approx(0.15, abs=0.04)
    assert np.all(c.ci_low["happy", "smile"][during] > c.ci_high["neutral", "smile"][during])
    sad = c.mean["sad", "sad_composite"]
    assert np.nanmean(sad[during]) > np.nanmean(c.ci_high["happy", "sad_composite"][during])
    # It starts after the delay: still flat 0.3 s after onset, risen by 1.2 s.
    i_early, i_late = np.searchsorted(t, 0.3), np.searchsorted(t, 1.2)
    assert happy[i_early] < 0.3 * happy[i_late]
    for key in c.mean:
        ok = np.isfinite(c.ci_low[key])
        assert np.all(c.ci_low[key][ok] <= c.mean[key][ok] + 1e-12)
        assert np.all(c.mean[key][ok] <= c.ci_high[key][ok] + 1e-12)


def test_curves_on_a_common_grid(synthetic_session):
    folder = synthetic_session("g", gain=0.0, seed=4)
    s = load_session(folder)
    c = response_curves(s.frames, s.events, end_s=2.0)
    assert c.t_s[-1] == pytest.approx(2.0, abs=1e-6) and c.mean["happy", "smile"].size == c.t_s.size


def test_no_trials_no_curves(synthetic_session):
    folder = synthetic_session("n", gain=1.0, seed=5,
                               events_filter=lambda e: not e.event.startswith("stimulus"))
    s = load_session(folder)
    assert response_curves(s.frames, s.events) is None

"""Lagged cross-correlation: lag recovery, gaps, surrogate null, windowed version."""

import numpy as np
import pytest

from mimicry.analysis.config import AnalysisConfig
from mimicry.analysis.offline import analyze_session
from mimicry.simulate.signal import VirtualParticipant, make_schedule, simulate_frames
from mimicry.analysis.xcorr import lagged_xcorr
from mimicry.analysis.xcorr_windowed import recent_xcorr, windowed_xcorr
from mimicry.analysis.signals import moving_mean, parabolic_peak, resample
from mimicry.protocol.timeline import signed_stimulus_signal

# Random relabellings (1000) keep these tests fast; the exact test is the same statistic.
FAST = AnalysisConfig(max_exact_permutations=1, n_permutations=1000)


def test_parabolic_peak_finds_the_vertex_of_a_parabola():
    x = np.arange(10.0)
    y = 2.0 - 0.3 * (x - 4.37) ** 2
    off, val = parabolic_peak(y, int(np.argmax(y)))
    assert 4 + off == pytest.approx(4.37) and val == pytest.approx(2.0)
    assert parabolic_peak(y, 0) == (0.0, y[0])  # edge: no refinement


def test_resample_interpolates_short_gaps_only():
    t = np.arange(0, 10, 0.1)
    x = t.copy()
    x[20:23] = np.nan   # 0.4 s gap (1.9 -> 2.3): interpolated
    x[50:70] = np.nan   # 2.1 s gap: left out
    grid = np.arange(0, 9.9, 0.05)
    out = resample(t, x, grid, max_gap_s=0.5)
    short = (grid > 1.9) & (grid < 2.3)
    np.testing.assert_allclose(out[short], grid[short])
    long_gap = (grid > 4.9 + 1e-9) & (grid < 7.0 - 1e-9)
    assert np.isnan(out[long_gap]).all()
    assert np.isfinite(out[~long_gap]).all()


def test_moving_mean_ignores_nan():
    x = np.array([1.0, np.nan, 3.0, 5.0, np.nan])
    np.testing.assert_allclose(moving_mean(x, 1), [1.0, 2.0, 4.0, 4.0, 5.0])


@pytest.mark.parametrize("delay_s", [0.2, 0.5, 1.0, 1.5])
def test_lag_recovered_within_one_frame(delay_s):
    fps = 30.0
    errors = []
    for seed in range(4):
        sch = make_schedule(8, seed=seed)
        frames = simulate_frames(sch.trials, VirtualParticipant(delay_s=delay_s, gain=1.0),
                                 fps=fps, seed=100 + seed)
        res = analyze_session(frames, sch.events, FAST)
        assert res.xcorr.peak_r > 0 and res.xcorr.p_value < 0.05
        errors.append(res.xcorr.peak_lag_s - delay_s)
    print(f"delay {delay_s} s: lag errors in frames {np.round(np.array(errors) * fps, 2)}")
    assert np.max(np.abs(errors)) < 1 / fps


def test_lag_recovered_at_25_fps_with_jittered_frame_times():
    fps, delay_s = 25.0, 0.6
    sch = make_schedule(8, seed=3)
    frames = simulate_frames(sch.trials, VirtualParticipant(delay_s=delay_s), fps=fps,
                             frame_jitter_s=0.004, seed=7)
    res = analyze_session(frames, sch.events, FAST)
    assert abs(res.xcorr.peak_lag_s - delay_s) < 1 / fps


def test_opposite_expression_gives_a_negative_peak():
    sch = make_schedule(8, seed=4)
    frames = simulate_frames(sch.trials, VirtualParticipant(delay_s=0.5, gain=-1.0), seed=8)
    xc = analyze_session(frames, sch.events, FAST).xcorr
    assert xc.peak_r < 0 and xc.p_value_two_sided < 0.05 and xc.p_value > 0.5
    assert abs(xc.peak_lag_s - 0.5) < 1 / 30


def test_surrogate_band_and_outputs_are_consistent():
    sch = make_schedule(8, seed=5)
    frames = simulate_frames(sch.trials, VirtualParticipant(gain=0.0), seed=9)
    xc = lagged_xcorr(frames.t, frames.channels["valence"], sch.trials, FAST)
    n = xc.lags_s.size
    assert n == int(round(3.0 * 30)) + 1 and xc.lags_s[-1] == pytest.approx(3.0)
    assert xc.band_low.shape == xc.band_high.shape == (n,)
    assert (xc.band_low < xc.band_high).all()
    assert xc.n_permutations == 1000 and xc.p_floor == pytest.approx(1 / 1001)
    assert xc.max_threshold > np.max(xc.band_high) * 0.5


def test_xcorr_null_rate_is_about_five_percent():
    """No mimicry: the max-over-lags label-permutation p is < 0.05 in ~5% of sessions."""
    n_runs = 200
    p = np.empty(n_runs)
    for seed in range(n_runs):
        sch = make_schedule(8, seed=seed)
        frames = simulate_frames(sch.trials, VirtualParticipant(gain=0.0), seed=20_000 + seed)
        p[seed] = lagged_xcorr(frames.t, frames.channels["valence"], sch.trials, FAST).p_value
    rate = float(np.mean(p < 0.05))
    print(f"xcorr null: p < 0.05 in {100 * rate:.1f}% of {n_runs} sessions")
    assert abs(rate - 0.05) <= 0.035


def test_windowed_xcorr_tracks_the_delay():
    fps, delay_s = 30.0, 0.8
    sch = make_schedule(8, seed=6)
    frames = simulate_frames(sch.trials, VirtualParticipant(delay_s=delay_s, noise_sd=0.01,
                                                            drift_sd=0.01), fps=fps, seed=10)
    s = signed_stimulus_signal(sch.trials, frames.t)
    w = windowed_xcorr(frames.t, s, frames.channels["valence"], window_s=15.0, max_lag_s=3.0)
    assert w.r.shape == (w.t_end.size, w.lags_s.size) and w.t_end.size > 5
    good = np.abs(w.peak_r) > 0.5   # windows with stimulus in them
    assert good.sum() >= w.t_end.size // 2
    assert np.median(np.abs(w.peak_lag_s[good] - delay_s)) < 2 / fps
    last = recent_xcorr(frames.t, s, frames.channels["valence"], 15.0, 3.0)
    assert last.r.shape == w.lags_s.shape


def test_no_signal_is_reported_as_missing_not_zero():
    sch = make_schedule(0, seed=1)  # no trials at all
    t = np.arange(0, 30, 1 / 30)
    xc = lagged_xcorr(t, np.zeros_like(t), sch.trials)
    assert np.isnan(xc.peak_lag_s) and np.isnan(xc.p_value) and xc.method == "none"

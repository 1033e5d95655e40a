"""AnalysisConfig validation and the per-person neutral baseline."""

import numpy as np
import pytest

from mimicry.analysis.baseline import (MAD_TO_SD, calibration_period, channel_matrix,
                                       choose_baseline, robust_stats)
from mimicry.analysis.config import ANALYSIS_CHANNELS, AnalysisConfig
from mimicry.analysis.offline import analyze_arrays
from mimicry.core.errors import ConfigError
from mimicry.core.messages import StimulusEvent


@pytest.mark.parametrize("name, value", [
    ("threshold_sd", -1.0), ("threshold_sd", float("nan")), ("min_face_fraction", 0.0),
    ("min_face_fraction", 1.5), ("n_permutations", 10), ("alpha", 0.7), ("face_id", -1),
    ("max_lag_s", 0.0), ("min_duration_s", "0.2"), ("seed", 1.5), ("detrend_window_s", 2.0),
])
def test_config_rejects_bad_values_naming_the_parameter(name, value):
    with pytest.raises(ConfigError) as exc:
        AnalysisConfig(**{name: value})
    msg = str(exc.value)
    assert repr(name) in msg and repr(value) in msg and "expected" in msg


def test_config_rejects_bad_pre_window_and_unknown_keys():
    with pytest.raises(ConfigError, match="pre_stimulus_window_s"):
        AnalysisConfig(pre_stimulus_window_s=(0.0, -1.0))
    with pytest.raises(ConfigError, match="pre_stimulus_window_s"):
        AnalysisConfig(pre_stimulus_window_s=(-1.0, 0.5))
    with pytest.raises(ConfigError, match="'bogus'"):
        AnalysisConfig.from_dict({"bogus": 1})


def test_config_round_trips_through_a_dict():
    cfg = AnalysisConfig(threshold_sd=3.0, pre_stimulus_window_s=(-2.0, -0.5))
    assert AnalysisConfig.from_dict(cfg.as_dict()) == cfg


def test_channel_matrix_adds_the_sad_composite_as_valence_uses_it():
    ch = {"smile": np.array([0.5, 0.1, np.nan]), "brow_raise_inner": np.array([0.3, 0.9, np.nan]),
          "frown": np.array([0.05, 0.3, np.nan])}
    v = channel_matrix(ch)
    sad = v[:, ANALYSIS_CHANNELS.index("sad_composite")]
    np.testing.assert_allclose(sad[:2], [0.35, 1.0])  # clipped at 1
    assert np.isnan(sad[2])
    assert np.isnan(v[:, ANALYSIS_CHANNELS.index("jaw_open")]).all()  # not given -> NaN


def test_robust_stats_are_median_and_scaled_mad():
    rng = np.random.default_rng(3)
    x = rng.normal(0.25, 0.02, size=(4000, 2))
    x[::50, 0] = 0.9  # blinks/outliers must not move a robust estimate much
    med, sd, n = robust_stats(x)
    assert n == 4000
    expect_med = np.median(x, axis=0)
    expect_sd = MAD_TO_SD * np.median(np.abs(x - expect_med), axis=0)
    np.testing.assert_allclose(med, expect_med)
    np.testing.assert_allclose(sd, expect_sd)
    assert abs(sd[1] - 0.02) < 0.002 and abs(sd[0] - 0.02) < 0.003


def _values(n, level=0.25, sd=0.02, seed=0):
    return np.random.default_rng(seed).normal(level, sd, size=(n, len(ANALYSIS_CHANNELS)))


def test_baseline_prefers_calibration_then_pre_trial_then_none():
    cfg = AnalysisConfig()
    cal = _values(300, level=0.2)
    pre = _values(300, level=0.4)
    b = choose_baseline(cal, (1.0, 11.0), pre, 30.0, cfg)
    assert b.source == "calibration" and b.note == "" and b.n_frames == 300
    assert abs(b.median[0] - 0.2) < 0.01

    b = choose_baseline(None, None, pre, 30.0, cfg)
    assert b.source == "pre_trial" and "no calibration" in b.note.lower()
    assert abs(b.median[0] - 0.4) < 0.01

    b = choose_baseline(cal[:3], (1.0, 11.0), pre, 30.0, cfg)
    assert b.source == "pre_trial" and "only 3 frame(s)" in b.note

    b = choose_baseline(None, None, pre[:2], 30.0, cfg)
    assert b.source == "none" and np.isnan(b.median).all()
    np.testing.assert_allclose(b.robust_sd, cfg.min_robust_sd)
    assert "minimum spread" in b.note


def test_robust_sd_is_floored():
    cfg = AnalysisConfig(min_robust_sd=0.02)
    flat = np.zeros((100, len(ANALYSIS_CHANNELS)))  # smile sits at exactly 0 on many faces
    b = choose_baseline(flat, (0.0, 5.0), flat, 10.0, cfg)
    assert (b.robust_sd_raw == 0).all()
    np.testing.assert_allclose(b.robust_sd, 0.02)


def test_calibration_period_takes_the_first_complete_pair():
    ev = [StimulusEvent(0.0, "session_start"), StimulusEvent(1.0, "calibration_start"),
          StimulusEvent(9.0, "calibration_end"), StimulusEvent(50.0, "calibration_start")]
    assert calibration_period(ev) == (1.0, 9.0)
    assert calibration_period(ev[:2]) is None


def test_session_without_calibration_falls_back_and_says_so(simulated):
    sch, fr = simulated(n_per_condition=4, seed=2)
    res = analyze_arrays(fr.t, fr.face_detected, fr.channels, sch.trials, None)
    assert res.baseline.source == "pre_trial"
    assert any("no calibration period" in n.lower() for n in res.notes)
    # Simulated neutral inner-brow level is 0.25: the baseline must find it.
    assert abs(res.baseline.median[ANALYSIS_CHANNELS.index("brow_raise_inner")] - 0.25) < 0.03

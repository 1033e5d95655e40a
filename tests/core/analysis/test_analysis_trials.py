"""Per-trial responses on hand-made signals whose answers are known."""

import numpy as np
import pytest

from mimicry.analysis.baseline import channel_matrix, choose_baseline
from mimicry.analysis.config import ANALYSIS_CHANNELS, AnalysisConfig
from mimicry.analysis.trials import trial_response, trial_responses
from mimicry.core.channels import CHANNELS
from mimicry.protocol.timeline import Trial

FPS = 30.0
T = np.arange(int(20 * FPS)) / FPS
TRIAL = Trial(1, "happy", "face1", onset_s=8.0, offset_s=11.5)
CAL = (0.0, 5.0)


def _channels(seed=0):
    rng = np.random.default_rng(seed)
    ch = {c: 0.1 + rng.normal(0, 0.005, T.size) for c in CHANNELS}
    ch["valence"] = ch["smile"] - np.clip(ch["brow_raise_inner"] + ch["frown"], 0, 1)
    return ch


def _measure(ch, face=None, trial=TRIAL, config=None, complete=True):
    cfg = config or AnalysisConfig()
    face = np.ones(T.size, bool) if face is None else face
    v = channel_matrix(ch)
    cal = face & (T >= CAL[0]) & (T <= CAL[1])
    base = choose_baseline(v[cal], CAL, v[:0], trial.onset_s, cfg)
    return trial_response(T, face, v, trial, base, cfg, complete=complete), base


def test_step_response_gives_known_mean_peak_and_latency():
    ch = {c: np.full(T.size, 0.1) for c in CHANNELS}
    step = (T >= 8.7) & (T < 12.0)
    ch["smile"] = 0.1 + 0.3 * step
    r, base = _measure(ch)
    assert r.valid and r.invalid_reason == "" and r.baseline_source == "pre_stimulus"
    win = (T >= 8.5) & (T < 12.0)  # onset + 0.5 .. offset + 0.5
    assert r.get("mean", "smile") == pytest.approx(0.3 * step[win].mean(), abs=1e-9)
    assert r.get("peak", "smile") == pytest.approx(0.3)
    assert abs(r.get("latency_s", "smile") - 0.7) <= 1 / FPS
    assert r.face_frames_pct == pytest.approx(100.0)
    # Flat channels: zero response, no latency.
    assert r.get("mean", "jaw_open") == pytest.approx(0.0)
    assert np.isnan(r.get("latency_s", "jaw_open"))
    assert r.responded("smile") and not r.responded("jaw_open")


def test_short_blip_is_not_a_response():
    ch = {c: np.full(T.size, 0.1) for c in CHANNELS}
    ch["smile"] = 0.1 + 0.3 * ((T >= 9.0) & (T < 9.1))  # 0.1 s < min_duration_s = 0.2 s
    r, _ = _measure(ch)
    assert np.isnan(r.get("latency_s", "smile"))
    ch["smile"] = 0.1 + 0.3 * ((T >= 9.0) & (T < 9.3))
    r, _ = _measure(ch)
    assert abs(r.get("latency_s", "smile") - 1.0) <= 1 / FPS


def test_threshold_uses_calibration_sd_not_a_noisy_pre_window():
    ch = _channels()
    pre = (T >= 7.0) & (T < 8.0)
    # A wild pre-window (SD ~0.2) whose median is unchanged.
    ch["smile"][pre] = 0.1 + 0.2 * np.where(np.arange(pre.sum()) % 2, 1.0, -1.0)
    ch["smile"][(T >= 8.7) & (T < 12.0)] += 0.15
    r, base = _measure(ch)
    j = ANALYSIS_CHANNELS.index("smile")
    assert base.robust_sd[j] == pytest.approx(0.02)  # calibration noise 0.005, floored
    assert abs(r.get("latency_s", "smile") - 0.7) <= 1 / FPS


def test_threshold_is_k_robust_sds():
    ch = {c: np.full(T.size, 0.1) for c in CHANNELS}
    ch["smile"] = 0.1 + 0.035 * ((T >= 8.7) & (T < 12.0))  # below 2 * 0.02
    assert np.isnan(_measure(ch)[0].get("latency_s", "smile"))
    ch["smile"] = 0.1 + 0.045 * ((T >= 8.7) & (T < 12.0))  # above
    assert np.isfinite(_measure(ch)[0].get("latency_s", "smile"))
    cfg = AnalysisConfig(threshold_sd=3.0)  # 0.06 needed now
    assert np.isnan(_measure(ch, config=cfg)[0].get("latency_s", "smile"))


def test_valence_latency_follows_the_condition_direction():
    ch = {c: np.full(T.size, 0.1) for c in CHANNELS}
    ch["brow_raise_inner"] = 0.25 + 0.2 * ((T >= 9.0) & (T < 12.0))
    ch["valence"] = ch["smile"] - np.clip(ch["brow_raise_inner"] + ch["frown"], 0, 1)
    sad = Trial(1, "sad", "face1", 8.0, 11.5)
    r, _ = _measure(ch, trial=sad)
    assert abs(r.get("latency_s", "valence") - 1.0) <= 1 / FPS
    assert r.get("peak", "valence") == pytest.approx(-0.2)
    assert abs(r.get("latency_s", "sad_composite") - 1.0) <= 1 / FPS
    happy = Trial(1, "happy", "face1", 8.0, 11.5)
    assert np.isnan(_measure(ch, trial=happy)[0].get("latency_s", "valence"))


def test_frames_without_face_are_excluded():
    ch = {c: np.full(T.size, 0.1) for c in CHANNELS}
    ch["smile"] = 0.1 + 0.3 * ((T >= 8.5) & (T < 12.0))
    face = np.ones(T.size, bool)
    gone = (T >= 9.0) & (T < 10.0)
    face[gone] = False
    for c in ch:
        ch[c][gone] = 5.0  # garbage a missing face must never contribute
    r, _ = _measure(ch, face=face)
    assert r.valid
    assert r.get("mean", "smile") == pytest.approx(0.3)
    assert r.get("peak", "smile") == pytest.approx(0.3)
    win = (T >= 8.5) & (T < 12.0)
    assert r.face_frames_pct == pytest.approx(100 * (win & ~gone).sum() / win.sum())


def test_trial_with_too_few_face_frames_is_invalid_with_a_reason():
    ch = _channels()
    face = np.ones(T.size, bool)
    face[(T >= 8.5) & (T < 10.8)] = False  # ~66% of the 3.5 s window
    r, _ = _measure(ch, face=face)
    assert not r.valid
    assert "% of frames in the response window had a face" in r.invalid_reason
    assert np.isnan(r.mean).all() and np.isnan(r.latency_s).all()
    assert r.face_frames_pct < 50


def test_incomplete_trial_is_invalid():
    r, _ = _measure(_channels(), complete=False)
    assert not r.valid and "stopped" in r.invalid_reason


def test_missing_pre_window_uses_session_baseline():
    ch = _channels()
    face = np.ones(T.size, bool)
    face[(T >= 7.0) & (T < 8.0)] = False
    r, base = _measure(ch, face=face)
    assert r.valid and r.baseline_source == "session"
    np.testing.assert_allclose(r.pre_baseline, base.median)


def test_trial_responses_marks_trials_past_the_last_frame_incomplete():
    ch = _channels()
    v = channel_matrix(ch)
    cfg = AnalysisConfig()
    base = choose_baseline(v[T <= 5], CAL, v[:0], 8.0, cfg)
    late = Trial(2, "sad", "face2", onset_s=17.0, offset_s=19.8)  # window ends at 20.3 s
    res = trial_responses(T, np.ones(T.size, bool), v, [TRIAL, late], base, cfg)
    assert res[0].valid and not res[1].valid


def test_a_missing_channel_column_leaves_only_that_channel_empty():
    ch = {c: np.full(T.size, 0.1) for c in CHANNELS}
    ch["smile"] = 0.1 + 0.3 * ((T >= 8.7) & (T < 12.0))
    ch["cheek_raise"] = np.full(T.size, np.nan)   # not written by the tracker
    ch["jaw_open"][::5] = np.nan                    # a few empty cells
    r, _ = _measure(ch)
    assert r.valid
    assert np.isnan(r.get("mean", "cheek_raise")) and np.isnan(r.get("peak", "cheek_raise"))
    assert r.get("mean", "jaw_open") == pytest.approx(0.0)
    assert r.get("peak", "smile") == pytest.approx(0.3)


def test_no_frames_at_all_gives_invalid_trials_not_a_crash():
    from mimicry.analysis.offline import analyze_arrays
    from mimicry.analysis.summary import plain_summary

    res = analyze_arrays(np.zeros(0), np.zeros(0, bool), {c: np.zeros(0) for c in CHANNELS},
                         [TRIAL], CAL)
    assert res.conclusion == "too_short" and res.n_valid == 0
    assert res.baseline.source == "none"
    assert "too short" in plain_summary(res)

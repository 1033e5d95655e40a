"""The streaming analysis gives the offline results, frame by frame, in bounded memory."""

import numpy as np
import pytest

from mimicry.analysis.config import ANALYSIS_CHANNELS, AnalysisConfig
from mimicry.analysis.offline import analyze_arrays, unfinished_trials
from mimicry.analysis.replay import replay
from mimicry.analysis.streaming import StreamingAnalyzer
from mimicry.simulate.signal import VirtualParticipant, make_schedule, simulate_frames
from mimicry.core.channels import CHANNELS
from mimicry.protocol.timeline import trials_from_events


def _assert_same(offline, online):
    assert [r.trial for r in offline] == [r.trial for r in online]
    for a, b in zip(offline, online):
        assert (a.valid, a.invalid_reason, a.baseline_source) == \
            (b.valid, b.invalid_reason, b.baseline_source)
        assert a.face_frames_pct == pytest.approx(b.face_frames_pct, nan_ok=True)
        for m in ("mean", "peak", "latency_s", "pre_baseline"):
            np.testing.assert_allclose(getattr(a, m), getattr(b, m), atol=1e-12, equal_nan=True)


def test_streaming_equals_offline_with_invalid_trials(knock_out):
    cfg = AnalysisConfig()
    sch = make_schedule(8, seed=31)
    fr = simulate_frames(sch.trials, VirtualParticipant(gain=0.7, delay_s=0.5), seed=32)
    bad = [sch.trials[2], sch.trials[9]]
    for tr in bad:  # the face leaves for most of the response window
        knock_out(fr, tr.onset_s + 0.4, tr.offset_s)
    off = analyze_arrays(fr.t, fr.face_detected, fr.channels, sch.trials, sch.calibration, cfg)
    sa, updates = replay(fr.t, fr.face_detected, fr.channels, sch.events, cfg)
    _assert_same(off.trials, sa.results)
    invalid = [r.trial for r in sa.results if not r.valid]
    assert invalid == [tr.trial for tr in bad]
    assert all("had a face" in r.invalid_reason for r in sa.results if not r.valid)
    assert len(updates) == len(sch.trials)
    assert [u.n_trials for u in updates] == list(range(1, len(sch.trials) + 1))
    last = updates[-1]
    assert last.congruence.index == pytest.approx(off.congruence.index, rel=1e-12)
    assert last.congruence.p_value == pytest.approx(off.congruence.p_value)
    assert last.conclusion == off.conclusion
    assert sum(last.congruence.n_valid.values()) == len(sch.trials) - 2
    np.testing.assert_allclose(sa.baseline.median, off.baseline.median)
    assert sa.face_frames_pct == pytest.approx(off.face_frames_pct)


def test_each_update_matches_offline_analysis_of_the_trials_so_far():
    cfg = AnalysisConfig()
    sch = make_schedule(4, seed=33)
    fr = simulate_frames(sch.trials, VirtualParticipant(gain=1.0), seed=34)
    _, updates = replay(fr.t, fr.face_detected, fr.channels, sch.events, cfg)
    for u in updates[3::3]:
        done = [tr for tr in sch.trials if tr.trial <= u.trial.trial]
        off = analyze_arrays(fr.t, fr.face_detected, fr.channels, done, sch.calibration, cfg)
        assert u.congruence.n_valid == off.congruence.n_valid
        assert u.congruence.p_value == pytest.approx(off.congruence.p_value, nan_ok=True)
        assert u.congruence.index == pytest.approx(off.congruence.index, nan_ok=True)


def test_streaming_without_calibration_and_with_late_events():
    cfg = AnalysisConfig()
    # 80 s before the first trial: longer than the 60 s the fallback baseline uses.
    sch = make_schedule(6, seed=35, calibration_s=80.0)
    fr = simulate_frames(sch.trials, VirtualParticipant(gain=1.0), seed=36)
    events = [e for e in sch.events if not e.event.startswith("calibration")]
    off = analyze_arrays(fr.t, fr.face_detected, fr.channels, sch.trials, None, cfg)
    assert off.baseline.source == "pre_trial"
    # Live: every event reaches the analysis 0.3 s after the frames of its time.
    sa = StreamingAnalyzer(cfg)
    evs = sorted(events, key=lambda e: e.t)
    names = list(CHANNELS)
    i = 0
    for k, t in enumerate(fr.t):
        while i < len(evs) and evs[i].t + 0.3 <= t:
            sa.add_event(evs[i])
            i += 1
        ch = {c: fr.channels[c][k] for c in names} if fr.face_detected[k] else None
        sa.add_frame(t, fr.face_detected[k], ch)
    sa.finish()
    assert sa.baseline.source == "pre_trial" and sa.baseline.n_frames == off.baseline.n_frames
    np.testing.assert_allclose(sa.baseline.median, off.baseline.median)
    _assert_same(off.trials, sa.results)


def test_session_cut_short_marks_the_open_trial_invalid():
    cfg = AnalysisConfig()
    sch = make_schedule(4, seed=37)
    fr = simulate_frames(sch.trials, VirtualParticipant(), seed=38)
    last = sch.trials[-1]
    keep = fr.t < last.onset_s + 1.5          # crash 1.5 s into the last stimulus
    events = [e for e in sch.events if e.t < last.onset_s + 1.0]
    trials = trials_from_events(events)
    off = analyze_arrays(fr.t[keep], fr.face_detected[keep],
                         {c: v[keep] for c, v in fr.channels.items()}, trials,
                         sch.calibration, cfg, unfinished=unfinished_trials(events))
    sa, updates = replay(fr.t[keep], fr.face_detected[keep],
                         {c: v[keep] for c, v in fr.channels.items()}, events, cfg)
    _assert_same(off.trials, sa.results)
    assert not sa.results[-1].valid and "stopped" in sa.results[-1].invalid_reason
    assert updates[-1].trial.trial == last.trial


def test_memory_stays_bounded_over_a_long_session():
    cfg = AnalysisConfig(n_permutations=1000)
    sch = make_schedule(60, seed=39)   # 180 trials, ~23 minutes
    fr = simulate_frames(sch.trials, VirtualParticipant(), seed=40, blendshapes=False)
    sa = StreamingAnalyzer(cfg)
    evs = sorted(sch.events, key=lambda e: e.t)
    vals = np.column_stack([fr.channels[c] for c in CHANNELS])
    i = 0
    peak_first_half = peak_second_half = 0
    half = fr.t[-1] / 2
    for k, t in enumerate(fr.t):
        while i < len(evs) and evs[i].t <= t:
            sa.add_event(evs[i])
            i += 1
        sa.add_frame(t, True, dict(zip(CHANNELS, vals[k])) if fr.face_detected[k] else None)
        if k % 50 == 0:
            m = sa.memory_items()
            if t < half:
                peak_first_half = max(peak_first_half, m)
            else:
                peak_second_half = max(peak_second_half, m)
    assert len(fr.t) > 40_000
    # Only a few seconds of frames are ever held (rings + open trials), whatever the length.
    assert peak_second_half < 1500
    assert peak_second_half <= peak_first_half * 1.2 + 50
    assert len(sa.results) == len(sch.trials) - len(sa._open)


def test_live_lag_profile_shows_the_delay():
    sch = make_schedule(6, seed=41)
    fr = simulate_frames(sch.trials, VirtualParticipant(delay_s=0.7, noise_sd=0.01,
                                                        drift_sd=0.01), seed=42)
    sa = StreamingAnalyzer()
    evs = sorted(sch.events, key=lambda e: e.t)
    i = 0
    lags = []
    for k, t in enumerate(fr.t):
        while i < len(evs) and evs[i].t <= t:
            sa.add_event(evs[i])
            i += 1
        sa.add_frame(t, fr.face_detected[k],
                     {c: fr.channels[c][k] for c in CHANNELS} if fr.face_detected[k] else None)
        if k % 300 == 299 and t > sch.trials[1].onset_s:
            prof = sa.lag_profile()
            if np.isfinite(prof.peak_r) and prof.peak_r > 0.5:
                lags.append(prof.peak_lag_s)
    assert len(lags) >= 5
    assert abs(np.median(lags) - 0.7) < 2 / 30


def test_frames_must_come_in_order():
    sa = StreamingAnalyzer()
    sa.add_frame(1.0, False, None)
    with pytest.raises(ValueError, match="time order"):
        sa.add_frame(0.5, False, None)


def test_missing_channel_values_do_not_count_as_a_face():
    sa = StreamingAnalyzer()
    sa.add_frame(0.0, True, {c: float("nan") for c in CHANNELS})
    sa.add_frame(0.1, True, {"smile": 0.2})
    assert sa.n_face_frames == 1 and sa.n_frames == 2
    assert len(ANALYSIS_CHANNELS) == len(CHANNELS) + 1

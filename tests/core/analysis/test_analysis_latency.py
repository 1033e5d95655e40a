"""Onset latency counts a rise only: not a face already above threshold at onset, nor one faster than a face can react."""

import numpy as np
import pytest

from mimicry.analysis.baseline import channel_matrix, choose_baseline
from mimicry.analysis.config import AnalysisConfig
from mimicry.analysis.trials import rises_only, trial_response
from mimicry.core.channels import CHANNELS
from mimicry.core.errors import ConfigError
from mimicry.protocol.timeline import Trial

FPS = 30.0
T = np.arange(int(20 * FPS)) / FPS
TRIAL = Trial(1, "happy", "face1", onset_s=8.0, offset_s=11.5)
CAL = (0.0, 5.0)


def _latency(smile, config=None):
    cfg = config or AnalysisConfig()
    ch = {c: np.full(T.size, 0.1) for c in CHANNELS}
    ch["smile"] = smile
    v = channel_matrix(ch)
    face = np.ones(T.size, bool)
    cal = (T >= CAL[0]) & (T <= CAL[1])
    base = choose_baseline(v[cal], CAL, v[:0], TRIAL.onset_s, cfg)
    r = trial_response(T, face, v, TRIAL, base, cfg)
    return r.get("latency_s", "smile"), r


def test_a_smile_carried_over_from_before_onset_is_not_a_response():
    # Still smiling from the previous face: above threshold from 7.8 s, through onset.
    smile = 0.1 + 0.3 * ((T >= 7.8) & (T < 12.0))
    lat, r = _latency(smile)
    assert np.isnan(lat) and not r.responded("smile")


def test_a_rise_faster_than_min_latency_is_not_a_response():
    smile = 0.1 + 0.3 * ((T >= 8.1) & (T < 12.0))   # 0.1 s after onset
    assert np.isnan(_latency(smile)[0])
    lat, r = _latency(smile, AnalysisConfig(min_latency_s=0.05))
    assert abs(lat - 0.1) <= 1 / FPS and r.responded("smile")


def test_a_dip_then_a_rise_counts_from_the_rise():
    # Carried over at onset, drops below at 8.4 s, smiles back at 9.0 s.
    smile = 0.1 + 0.3 * (((T >= 7.8) & (T < 8.4)) | ((T >= 9.0) & (T < 12.0)))
    lat, r = _latency(smile)
    assert abs(lat - 1.0) <= 1 / FPS and r.responded("smile")
    assert r.get("peak", "smile") == pytest.approx(0.3)   # mean and peak are unchanged


def test_rises_only_clears_whole_runs():
    tt = np.arange(10) / 10.0
    above = np.array([[1, 0, 0], [1, 0, 1], [0, 1, 1], [0, 1, 1], [1, 1, 0],
                      [1, 0, 0], [0, 0, 1], [1, 0, 1], [1, 0, 1], [0, 0, 0]], bool)
    out = rises_only(tt, above, 0.25)
    # Column 0: the run at row 0 goes; the run from 0.4 s stays, as does the one from 0.7 s.
    assert out[:, 0].tolist() == [0, 0, 0, 0, 1, 1, 0, 1, 1, 0]
    # Column 1: starts at 0.2 s, before 0.25 s: cleared whole, even its part after 0.25 s.
    assert not out[:, 1].any()
    # Column 2: its first run starts at 0.1 s (cleared), the one from 0.6 s stays.
    assert out[:, 2].tolist() == [0, 0, 0, 0, 0, 0, 1, 1, 1, 0]


def test_min_latency_is_validated_by_name():
    with pytest.raises(ConfigError, match="min_latency_s"):
        AnalysisConfig(min_latency_s=-0.1)
    assert AnalysisConfig().as_dict()["min_latency_s"] == 0.2

"""The virtual participant behaves as documented (so the other tests mean something)."""

import numpy as np
import pytest

from mimicry.simulate.signal import VirtualParticipant, make_schedule, simulate_frames
from mimicry.core.channels import BLENDSHAPE_NAMES, compute_channels
from mimicry.core.errors import ConfigError
from mimicry.protocol.timeline import trial_intensity


def test_schedule_has_calibration_and_balanced_random_trials():
    a = make_schedule(8, seed=1)
    b = make_schedule(8, seed=2)
    assert [e.event for e in a.events[:3]] == ["session_start", "calibration_start",
                                              "calibration_end"]
    conds = [tr.condition for tr in a.trials]
    assert sorted(set(conds)) == ["happy", "neutral", "sad"]
    assert all(conds.count(c) == 8 for c in set(conds))
    assert conds != [tr.condition for tr in b.trials]
    for prev, nxt in zip(a.trials, a.trials[1:]):
        assert 3.0 <= nxt.onset_s - prev.end_s <= 4.0 + 1e-3
        assert 3.0 <= prev.offset_s - prev.onset_s <= 4.0 + 1e-3
    assert a.trials[0].onset_s > a.calibration[1]


def test_neutral_levels_noise_and_dropouts():
    sch = make_schedule(4, seed=3)
    fr = simulate_frames(sch.trials, VirtualParticipant(gain=0.0, dropout_rate_hz=0.1),
                         fps=30.0, seed=4)
    assert np.allclose(np.diff(fr.t), 1 / 30)
    bri = fr.channels["brow_raise_inner"]
    assert abs(np.nanmedian(bri) - 0.25) < 0.03
    assert 0.0 < (~fr.face_detected).mean() < 0.1
    assert np.isnan(bri[~fr.face_detected]).all() and np.isfinite(bri[fr.face_detected]).all()
    assert np.nanmax(fr.channels["blink"]) > 0.5  # blinks happen
    for ch in ("smile", "brow_raise_inner", "frown", "blink"):
        v = fr.channels[ch][fr.face_detected]
        assert v.min() >= 0.0 and v.max() <= 1.0


def test_channels_agree_with_their_blendshapes():
    sch = make_schedule(2, seed=5)
    fr = simulate_frames(sch.trials, VirtualParticipant(), seed=6)
    assert fr.blendshapes.shape == (len(fr), len(BLENDSHAPE_NAMES))
    for i in np.flatnonzero(fr.face_detected)[::97]:
        ch = compute_channels(fr.blendshapes[i])
        for name, value in ch.items():
            assert value == pytest.approx(fr.channels[name][i], abs=1e-12)


@pytest.mark.parametrize("gain", [1.0, -1.0])
def test_smile_follows_happy_faces_after_the_delay(gain):
    delay = 0.8
    sch = make_schedule(4, seed=7)
    quiet = VirtualParticipant(delay_s=delay, gain=gain, noise_sd=0.0, drift_sd=0.0,
                               blink_rate_hz=0.0, dropout_rate_hz=0.0)
    fr = simulate_frames(sch.trials, quiet, seed=8)
    happy = next(tr for tr in sch.trials if tr.condition == "happy")
    sad = next(tr for tr in sch.trials if tr.condition == "sad")
    expect = 0.04 + 0.5 * trial_intensity(happy, fr.t - delay)
    sel = (fr.t > happy.onset_s) & (fr.t < happy.end_s + 1.0)
    smile_on_happy = fr.channels["smile"][sel]
    if gain > 0:
        np.testing.assert_allclose(smile_on_happy, expect[sel], atol=1e-12)
        # Nothing moves before onset + delay.
        early = (fr.t > happy.onset_s) & (fr.t < happy.onset_s + delay)
        np.testing.assert_allclose(fr.channels["smile"][early], 0.04)
    else:
        # The opposite expression: no smile at happy faces, a smile at sad ones.
        np.testing.assert_allclose(smile_on_happy, 0.04)
        on_sad = (fr.t > sad.onset_s + delay + 0.6) & (fr.t < sad.offset_s)
        assert fr.channels["smile"][on_sad].min() > 0.4
        bri_on_happy = fr.channels["brow_raise_inner"][sel].max()
        assert bri_on_happy == pytest.approx(0.25 + 0.15)


def test_participant_rejects_bad_values():
    with pytest.raises(ConfigError, match="'delay_s'"):
        VirtualParticipant(delay_s=-0.1)
    with pytest.raises(ConfigError, match="'baseline'"):
        VirtualParticipant(baseline={"smiling": 0.1})

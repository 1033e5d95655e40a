"""The null families of mimicry.simulate.noise: shape, ranges, seeds and the injected response."""

from __future__ import annotations

import numpy as np
import pytest

from mimicry.core.channels import REGISTRY
from mimicry.core.errors import InputError
from mimicry.io.tables import FramesTable
from mimicry.simulate.noise import NOISE_FAMILIES, default_traces_dir, noise_frames
from mimicry.simulate.signal import make_schedule

SCHEDULE = make_schedule(n_per_condition=4, calibration_s=10.0, seed=3)
DURATION = SCHEDULE.duration_s
NEEDS_TRACES = {"real", "mixed_real"}
HAS_TRACES = any(default_traces_dir().glob("*.perframe.csv")) if default_traces_dir().is_dir() \
    else False


def _frames(family, seed=0, **kw) -> FramesTable:
    if family in NEEDS_TRACES and not HAS_TRACES:
        pytest.skip(f"real face traces not found at {default_traces_dir()}")
    return noise_frames(family, SCHEDULE.trials, duration_s=DURATION, seed=seed, **kw)


@pytest.mark.parametrize("family", sorted(NOISE_FAMILIES))
def test_family_gives_a_well_formed_table(family):
    f = _frames(family, seed=1)
    n = int(np.floor(DURATION * 30.0)) + 1
    assert isinstance(f, FramesTable) and len(f) == n
    names = {c.name for c in REGISTRY if c.tracked and not c.derived} | {"valence"}
    assert names <= set(f.channels)
    face = f.face_detected
    assert face.dtype == bool and face.mean() > 0.5
    for ch, v in f.channels.items():
        assert v.shape == (n,)
        assert np.all(np.isnan(v[~face])), ch
        assert np.all(np.isfinite(v[face])), ch
        if ch != "valence":
            assert v[face].min() >= 0.0 and v[face].max() <= 1.0, ch
    assert f.pose.shape == (n, 3) and np.all(np.isfinite(f.pose[face]))
    assert np.all(np.isnan(f.pose[~face]))
    assert np.array_equal(np.isfinite(f.trial), f.condition != "")
    # Neutral-ish: the median smile is low and the face is not frozen.
    assert np.nanmedian(f.channels["smile"]) < 0.3
    assert np.nanstd(f.channels["smile"]) > 0.005


@pytest.mark.parametrize("family", sorted(NOISE_FAMILIES))
def test_family_is_reproducible_by_seed_and_differs_across_seeds(family):
    a, b, c = _frames(family, seed=5), _frames(family, seed=5), _frames(family, seed=6)
    for ch in a.channels:
        assert np.array_equal(a.channels[ch], b.channels[ch], equal_nan=True)
    assert np.array_equal(a.face_detected, b.face_detected)
    assert not np.array_equal(a.channels["smile"], c.channels["smile"], equal_nan=True)


def test_families_with_their_features():
    lost = _frames("face_lost", seed=2)
    assert 0.5 < lost.face_detected.mean() < 0.99
    talk = _frames("talking", seed=2)
    assert np.nanmax(talk.channels["jaw_open"]) > 0.3
    head = _frames("head_motion", seed=2)
    assert np.nanmax(np.abs(head.pose[:, 0])) > 5.0
    assert np.all(_frames("ar1", seed=2).pose[:, 0] == 0.0)
    assert np.nanmax(np.abs(_frames("ar1", seed=2, head_motion=True).pose[:, 0])) > 1.0
    spont = _frames("spontaneous", seed=2)
    assert np.nanmax(spont.channels["smile"]) > 0.2


@pytest.mark.parametrize("family", ["ar1", "mixed", "real"])
def test_amplitude_raises_smile_at_happy_trials_only(family):
    null, resp = _frames(family, seed=4), _frames(family, seed=4, amplitude=0.2)
    happy = (resp.condition == "happy") & resp.face_detected
    other = (resp.condition == "sad") & resp.face_detected
    gain = resp.channels["smile"] - null.channels["smile"]
    assert np.nanmean(gain[happy]) > 0.05
    assert np.nanmax(np.abs(gain[other])) < 1e-9
    assert np.array_equal(null.face_detected, resp.face_detected)


def test_missing_traces_folder_is_named(tmp_path):
    missing = tmp_path / "no_traces"
    with pytest.raises(InputError, match="no_traces"):
        noise_frames("real", SCHEDULE.trials, duration_s=20.0, traces_dir=missing)


def test_unknown_family_is_refused():
    with pytest.raises(Exception, match="family"):
        noise_frames("white", SCHEDULE.trials, duration_s=20.0)

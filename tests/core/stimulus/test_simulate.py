"""The virtual participant, the dyad, the stimulus track and their videos."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from mimicry.commands.main import main
from mimicry.core.errors import InputError
from mimicry.protocol.load import load_protocol, parse_protocol
from mimicry.protocol.schedule import build_schedule
from mimicry.simulate.expression import leader_episodes, participant_expression, smooth_noise
from mimicry.simulate.rendered import simulate_dyad, simulate_participant
from mimicry.stimulus.face import IDENTITIES, PARTICIPANT_IDENTITY, Expression
from mimicry.io.tables import read_events
from mimicry.protocol.timeline import trial_intensity
from mimicry.io.video import read_frames, read_video_info

# A short session for rendering tests: ~9 s, one trial per condition.
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
def tiny(tmp_path_factory) -> Path:
    f = tmp_path_factory.mktemp("proto") / "tiny.toml"
    f.write_text(TINY)
    return f


@pytest.fixture(scope="module")
def schedule():
    return build_schedule(load_protocol("quick"), 1)


def _first(schedule, condition):
    return next(t for t in schedule.trials if t.condition == condition)


# --------------------------------------------------------------------------- the pure model

def test_participant_follows_stimulus_after_delay(schedule):
    happy = _first(schedule, "happy")
    peak = happy.onset_s + happy.morph_s + 0.6
    e = participant_expression(schedule, peak, 0.6, 1.0)
    assert e.happy == pytest.approx(1.0) and e.sad == 0.0
    # Before the delay has passed the participant is still neutral.
    assert participant_expression(schedule, happy.onset_s + 0.5, 0.6, 1.0).happy == 0.0
    # Mid-morph it shows exactly the stimulus intensity of delay seconds ago.
    t = happy.onset_s + 0.6 + happy.morph_s / 2
    assert participant_expression(schedule, t, 0.6, 1.0).happy == pytest.approx(
        trial_intensity(happy, t - 0.6))
    sad = _first(schedule, "sad")
    e = participant_expression(schedule, sad.onset_s + sad.morph_s + 0.3, 0.2, 0.5)
    assert e.sad == pytest.approx(0.5) and e.happy == 0.0
    neutral = _first(schedule, "neutral")
    assert participant_expression(schedule, neutral.onset_s + 1.5, 0.0, 1.0) == Expression()
    assert participant_expression(schedule, 1.0, 0.0, 1.0) == Expression()  # calibration


def test_gain_sign_and_clipping(schedule):
    happy, sad = _first(schedule, "happy"), _first(schedule, "sad")
    th, ts = happy.onset_s + 1.5, sad.onset_s + 1.5
    assert participant_expression(schedule, th, 0.0, 0.0) == Expression()
    opp = participant_expression(schedule, th, 0.0, -1.0)
    assert opp.sad == pytest.approx(1.0) and opp.happy == 0.0
    opp = participant_expression(schedule, ts, 0.0, -0.5)
    assert opp.happy == pytest.approx(0.5) and opp.sad == 0.0
    assert participant_expression(schedule, th, 0.0, 3.0).happy == pytest.approx(1.0)
    assert participant_expression(schedule, th, 0.0, -3.0).sad == pytest.approx(1.0)


def test_noise_is_smooth_bounded_and_seeded(schedule):
    t = np.arange(0, 40, 1 / 30)
    n = smooth_noise(t, 3, 1)
    assert 0.6 < n.std() < 1.4 and abs(n.mean()) < 0.5
    assert np.abs(np.diff(n)).max() < 0.25  # smooth at 30 fps
    assert np.array_equal(n, smooth_noise(t, 3, 1))
    assert not np.allclose(n, smooth_noise(t, 4, 1))
    vals = [participant_expression(schedule, x, 0.3, 1.0, 0.5, 9) for x in t[::10]]
    assert all(0 <= v.happy <= 1 and 0 <= v.sad <= 1 for v in vals)
    calib = [v.happy for v, x in zip(vals, t[::10]) if x < 5]
    assert max(calib) > 0.05  # fluctuations even without a stimulus
    assert vals == [participant_expression(schedule, x, 0.3, 1.0, 0.5, 9) for x in t[::10]]


@pytest.mark.parametrize("kwargs, word", [
    (dict(delay_s=-0.1, gain=1, noise=0), "'delay'"),
    (dict(delay_s=0.1, gain=float("nan"), noise=0), "'gain'"),
    (dict(delay_s=0.1, gain=1, noise=1.5), "'noise'"),
    (dict(delay_s=0.1, gain=1, noise=-0.1), "'noise'"),
])
def test_bad_parameters(schedule, kwargs, word):
    with pytest.raises(InputError, match=word):
        participant_expression(schedule, 1.0, **kwargs)


def test_leader_episodes():
    eps = leader_episodes(120, seed=2)
    assert eps == leader_episodes(120, seed=2) and eps != leader_episodes(120, seed=3)
    assert len(eps) >= 12
    assert {e.condition for e in eps} == {"happy", "sad"}
    for e in eps:
        assert 1.5 - 1e-6 <= e.end_s - e.onset_s <= 4.0 + 1e-6
        assert 0.6 <= e.intensity <= 1.0
    gaps = [b.onset_s - a.end_s for a, b in zip(eps, eps[1:])]
    assert min(gaps) >= 2.0 - 1e-3 and max(gaps) <= 5.0 + 1e-3
    assert eps[-1].end_s <= 120


# --------------------------------------------------------------------------- rendering

@pytest.fixture(scope="module")
def rendered(tiny, tmp_path_factory):
    out = tmp_path_factory.mktemp("sim")
    r = simulate_participant(load_protocol(tiny), out, delay_s=0.4, gain=1.0, noise=0.0,
                             seed=2, fps=10, size_px=256)
    return out, r


def test_simulation_files(rendered, tiny):
    out, r = rendered
    schedule = build_schedule(load_protocol(tiny), 2)
    info = read_video_info(out / "participant.mp4")
    assert info.fps == pytest.approx(10.0)
    assert (info.width, info.height) == (256, 256)
    assert info.n_frames == r.n_frames == round(schedule.duration_s * 10)
    assert info.duration_s == pytest.approx(schedule.duration_s, abs=0.1)
    assert read_events(out / "events.csv") == schedule.events()
    params = json.loads((out / "simulation.json").read_text())
    assert params["mode"] == "participant"
    assert (params["delay_s"], params["gain"], params["noise"], params["seed"]) == (0.4, 1.0, 0.0, 2)
    assert params["participant_identity"] == PARTICIPANT_IDENTITY
    assert PARTICIPANT_IDENTITY not in params["stimulus_ids"]
    assert params["n_frames"] == info.n_frames
    assert not list(out.glob(".*partial*"))


def test_participant_smiles_after_the_delay(rendered, tiny):
    """MediaPipe, reading the written mp4, sees the smile rise during the happy trial."""
    from mimicry.core.messages import Frame
    from mimicry.tracking.mediapipe_tracker import MediaPipeTracker

    out, _ = rendered
    schedule = build_schedule(load_protocol(tiny), 2)
    happy = _first(schedule, "happy")
    fps = 10
    times = {"calibration": 0.5, "before_delay": happy.onset_s + 0.2,
             "peak": happy.onset_s + 0.4 + happy.morph_s + 0.5}
    idx = {k: int(round(v * fps)) for k, v in times.items()}
    frames = read_frames(out / "participant.mp4", list(idx.values()))
    with MediaPipeTracker(mode="image") as tracker:
        smile = {}
        for k, i in idx.items():
            obs = tracker.process(Frame(index=i, t=i / fps, image=frames[i]))[0]
            assert obs.detected, k
            smile[k] = obs.channels["smile"]
    assert smile["peak"] > smile["calibration"] + 0.3, smile
    assert smile["peak"] > smile["before_delay"] + 0.3, smile


def test_cli_simulate_and_errors(tiny, tmp_path, capsys):
    out = tmp_path / "sim"
    rc = main(["simulate", "--protocol", str(tiny), "--delay", "0.2", "--gain", "-1",
               "--seed", "3", "--fps", "5", "--size", "96", "--out", str(out)])
    captured = capsys.readouterr()
    assert rc == 0, captured.err
    assert captured.err == ""  # no progress line when stderr is not a terminal
    assert "participant.mp4" in captured.out
    params = json.loads((out / "simulation.json").read_text())
    assert params["gain"] == -1.0 and params["seed"] == 3
    assert read_video_info(out / "participant.mp4").n_frames == params["n_frames"]

    blocker = tmp_path / "file"
    blocker.write_text("x")
    stimulus_id = load_protocol(tiny).identities[0]
    for argv, word in [
        (["--delay", "-1"], "argument --delay: expected a number >= 0"),
        (["--noise", "1.5"], "argument --noise: expected a number from 0 to 1"),
        (["--noise", "lots"], "argument --noise: "),
        (["--seed", "-2"], "argument --seed: expected an integer >= 0"),
        (["--fps", "0"], "argument --fps: "),
        (["--identity", "nobody"], "'identity'"),
        (["--identity", stimulus_id], "also a stimulus identity"),
        (["--out", str(blocker / "sub")], str(blocker)),
        (["--protocol", "quik"], "'quik'"),
    ]:
        base = {"--protocol": str(tiny), "--out": str(tmp_path / "bad")}
        base.update(dict(zip(argv[::2], argv[1::2])))
        rc = main(["simulate", *[x for kv in base.items() for x in kv]])
        err = capsys.readouterr().err
        assert rc == 2, argv
        assert err.count("\n") == 1 and word in err, (argv, err)


def test_dyad(tmp_path, capsys):
    out = tmp_path / "dyad"
    rc = main(["simulate", "--dyad", "--leader", "right", "--delay", "0.7", "--gain", "0.8",
               "--duration-s", "6", "--fps", "5", "--size", "96", "--seed", "4",
               "--out", str(out)])
    assert rc == 0, capsys.readouterr().err
    info = read_video_info(out / "participant.mp4")
    assert (info.width, info.height, info.n_frames) == (192, 96, 30)
    events = read_events(out / "events.csv")
    assert [e.event for e in events] == ["session_start", "session_end"]
    assert events[-1].t == 6.0
    p = json.loads((out / "simulation.json").read_text())
    assert p["mode"] == "dyad" and p["leader"] == "right" and p["leader_face_id"] == 1
    assert (p["delay_s"], p["gain"]) == (0.7, 0.8)
    assert p["leader_identity"] != p["follower_identity"] == PARTICIPANT_IDENTITY
    assert p["episodes"] == [
        {"trial": e.trial, "condition": e.condition, "onset_s": e.onset_s,
         "offset_s": e.offset_s, "intensity": e.intensity, "morph_s": e.morph_s}
        for e in leader_episodes(6, 4, p["leader_identity"])]
    assert main(["simulate", "--dyad", "--leader", "top", "--out", str(out)]) == 2
    assert "'--leader'" in capsys.readouterr().err


def test_dyad_follower_lags_leader(tmp_path):
    """MediaPipe sees the leader (right) smile first and the follower (left) delay_s later."""
    from mimicry.core.messages import Frame
    from mimicry.tracking.mediapipe_tracker import MediaPipeTracker

    r = simulate_dyad(tmp_path, leader="right", delay_s=1.0, gain=1.0, duration_s=8, fps=10,
                      size_px=160, seed=1, leader_identity="casey")
    ep = leader_episodes(8, 1, "casey")[0]
    assert ep.condition == "happy"  # seed 1's first episode; the test relies on it
    t1 = ep.onset_s + ep.morph_s + 0.3          # leader at its peak, follower not yet moving
    t2 = t1 + 1.0                               # the follower has caught up
    idx = [int(round(t1 * 10)), int(round(t2 * 10))]
    frames = read_frames(r.video, idx)
    smiles = []
    with MediaPipeTracker(mode="image", num_faces=2) as tracker:
        for i in idx:
            left, right = tracker.process(Frame(index=i, t=i / 10, image=frames[i]))
            assert left.detected and right.detected
            smiles.append((left.channels["smile"], right.channels["smile"]))
    (f1, l1), (f2, _) = smiles
    assert l1 > f1 + 0.3, smiles
    assert f2 > f1 + 0.3, smiles


# --------------------------------------------------------------------------- stimulus track

def test_stimulus_track_phases(tiny):
    from mimicry.stimulus.track import StimulusTrack

    s = build_schedule(load_protocol(tiny), 1)
    track = StimulusTrack(s, 128, seed=0)
    calib = track.frame(0.2)
    assert calib.shape == (128, 128, 3) and calib.dtype == np.uint8
    happy = _first(s, "happy")
    before = track.frame(happy.onset_s - 0.05)   # the identity, neutral
    peak = track.frame(happy.onset_s + happy.morph_s + 0.3)
    assert not np.array_equal(calib, before)
    assert np.abs(peak.astype(int) - before.astype(int)).mean() > 1.0
    # Pure in t: asking again, or out of order, gives the same frame.
    again = StimulusTrack(s, 128, seed=0)
    assert np.array_equal(again.frame(happy.onset_s + happy.morph_s + 0.3), peak)
    assert np.array_equal(again.frame(0.2), calib)


def test_cli_stimuli_export(tiny, tmp_path, capsys):
    out = tmp_path / "stim" / "stim.mp4"
    rc = main(["stimuli", "export", "--protocol", str(tiny), "--out", str(out),
               "--size", "96", "--fps", "5", "--seed", "6"])
    assert rc == 0, capsys.readouterr().err
    s = build_schedule(load_protocol(tiny), 6)
    info = read_video_info(out)
    assert info.n_frames == round(s.duration_s * 5) and info.width == 96
    assert read_events(out.parent / "events.csv") == s.events()
    rc = main(["stimuli", "export", "--protocol", str(tiny), "--out", str(tmp_path / "x.avi")])
    assert rc == 2 and ".mp4" in capsys.readouterr().err


def test_identities_available():
    assert len(IDENTITIES) >= 4 and PARTICIPANT_IDENTITY in IDENTITIES
    p = parse_protocol("schema_version = 1\n", source="<t>")
    assert PARTICIPANT_IDENTITY not in p.identities


def test_parallel_rendering_gives_the_same_video(tiny, tmp_path):
    proto = load_protocol(tiny)
    kw = dict(delay_s=0.3, gain=0.7, noise=0.2, seed=1, fps=5, size_px=96)
    a = simulate_participant(proto, tmp_path / "a", jobs=1, **kw)
    b = simulate_participant(proto, tmp_path / "b", jobs=2, **kw)
    fa, fb = read_frames(a.video), read_frames(b.video)
    assert len(fa) == len(fb) == a.n_frames
    assert all(np.array_equal(fa[i], fb[i]) for i in fa)
    # The stimulus track too (its faces are rebuilt in the workers).
    out = tmp_path / "s"
    assert main(["stimuli", "export", "--protocol", str(tiny), "--out", str(out / "a.mp4"),
                 "--size", "64", "--fps", "4", "--jobs", "2"]) == 0
    assert main(["stimuli", "export", "--protocol", str(tiny), "--out", str(out / "b.mp4"),
                 "--size", "64", "--fps", "4"]) == 0
    sa, sb = read_frames(out / "a.mp4"), read_frames(out / "b.mp4")
    assert len(sa) == len(sb) > 0 and all(np.array_equal(sa[i], sb[i]) for i in sa)


def test_progress_line_on_a_terminal(tiny, tmp_path):
    import io

    from mimicry.core.progress import Progress

    stream = io.StringIO()
    p = Progress("mimicry simulate", None, stream=stream, enabled=True)
    r = simulate_participant(load_protocol(tiny), tmp_path, fps=4, size_px=64, progress=p)
    text = stream.getvalue()
    assert "mimicry simulate:" in text and "100.0%" in text and text.endswith("\n")
    assert f"{r.n_frames}/{r.n_frames}" in text


def test_video_is_participant_expression_on_a_face_animator(tiny, tmp_path):
    """What the app does live (FaceAnimator + participant_expression) is what the video shows."""
    from mimicry.stimulus.face import FaceAnimator

    proto = load_protocol(tiny)
    r = simulate_participant(proto, tmp_path, delay_s=0.3, gain=1.0, noise=0.3, seed=3, fps=4,
                             size_px=128)
    schedule = build_schedule(proto, 3)
    happy = _first(schedule, "happy")
    i = int(round((happy.onset_s + 0.3 + happy.morph_s + 0.4) * 4))
    t = i / 4
    decoded = read_frames(r.video, [i])[i].astype(int)
    anim = FaceAnimator(PARTICIPANT_IDENTITY, 128, seed=3)
    expr = participant_expression(schedule, t, 0.3, 1.0, 0.3, 3)
    assert expr.happy > 0.5
    raw, neutral = anim.frame(t, expr).astype(int), anim.frame(t, Expression()).astype(int)
    moved = np.abs(raw - neutral).max(axis=2) > 30   # where the expression shows (the mouth)
    assert moved.sum() > 20
    same = np.abs(decoded - raw)[moved].mean()
    other = np.abs(decoded - neutral)[moved].mean()
    assert same < other / 3, (same, other)

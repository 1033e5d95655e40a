"""User stimulus sets: a folder with manifest.csv, validated up front."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from mimicry.commands.main import main
from mimicry.core.errors import ConfigError, InputError, MimicryError
from mimicry.protocol.stimulus_set import letterbox, load_stimulus_set


def _image(path: Path, colour, w=40, h=30) -> None:
    import cv2

    img = np.zeros((h, w, 3), np.uint8)
    img[:] = colour[::-1]  # BGR on disk
    assert cv2.imwrite(str(path), img)


def _video(path: Path, n=6, fps=10.0, size=(32, 24)) -> None:
    from mimicry.io.video import VideoWriter

    with VideoWriter(path, fps, size) as w:
        for i in range(n):
            w.write(np.full((size[1], size[0], 3), 40 * i, np.uint8))


@pytest.fixture
def good_set(tmp_path: Path) -> Path:
    d = tmp_path / "stimuli"
    d.mkdir()
    _image(d / "anna_happy.png", (250, 10, 10))
    _image(d / "anna_sad.jpg", (10, 10, 250), w=30, h=40)
    _image(d / "anna_neutral.png", (10, 250, 10))
    _video(d / "ben_happy.mp4")
    (d / "manifest.csv").write_text(
        "file,condition,intensity\n"
        "anna_happy.png,happy,1.0\n"
        "anna_sad.jpg,sad,0.8\n"
        "\n"
        "anna_neutral.png,neutral,0\n"
        "ben_happy.mp4,happy,0.9\n", encoding="utf-8")
    return d


def test_good_set_loads(good_set):
    s = load_stimulus_set(good_set)
    assert [it.file for it in s.items] == ["anna_happy.png", "anna_sad.jpg", "anna_neutral.png",
                                           "ben_happy.mp4"]
    assert [it.row for it in s.items] == [2, 3, 5, 6]  # blank line skipped, header is row 1
    assert [it.kind for it in s.items] == ["image", "image", "image", "video"]
    assert s.item("anna_sad.jpg").intensity == pytest.approx(0.8)
    assert [it.file for it in s.items_for("happy")] == ["anna_happy.png", "ben_happy.mp4"]
    v = s.item("ben_happy.mp4")
    assert v.n_frames == 6 and v.fps == pytest.approx(10.0)
    assert v.duration_s == pytest.approx(0.6)
    # The manifest path itself is accepted too.
    assert load_stimulus_set(good_set / "manifest.csv").items == s.items


def test_image_frames_are_letterboxed(good_set):
    s = load_stimulus_set(good_set)
    img = s.frame("anna_happy.png", 0.0, 64, background=(0, 0, 0))
    assert img.shape == (64, 64, 3) and img.dtype == np.uint8
    # 40x30 landscape scaled to 64x48: bars of 8 px above and below.
    assert img[:7].max() == 0 and img[-7:].max() == 0
    assert img[32, 32, 0] > 200 and img[32, 32, 2] < 60
    tall = s.frame("anna_sad.jpg", 5.0, 64, background=(0, 0, 0))
    assert tall[:, :7].max() == 0 and tall[32, 32, 2] > 200


def test_video_frames_follow_time_and_hold_or_loop(good_set):
    s = load_stimulus_set(good_set)

    def level(t, end):
        return float(s.frame("ben_happy.mp4", t, 32, video_end=end)[16, 16].mean())

    levels = [level(i / 10 + 0.01, "hold") for i in range(6)]
    assert all(b > a + 20 for a, b in zip(levels, levels[1:])), levels
    assert level(5.0, "hold") == pytest.approx(levels[-1], abs=6)     # held last frame
    assert level(0.61, "loop") == pytest.approx(levels[0], abs=6)     # looped to the start
    assert level(0.01, "hold") == pytest.approx(levels[0], abs=6)     # going back in time works


def test_letterbox_keeps_aspect():
    img = np.full((10, 40, 3), 255, np.uint8)
    out = letterbox(img, 40, (0, 0, 0))
    rows = np.flatnonzero(out[:, 20, 0] > 128)
    assert rows.min() == 15 and rows.max() == 24


def _write(d: Path, manifest: str) -> None:
    (d / "manifest.csv").write_text(manifest, encoding="utf-8")


BAD = {
    "missing_file": ("file,condition,intensity\nanna_happy.png,happy,1\nanna_gone.jpg,sad,1\n",
                     InputError, ["row 3", "'anna_gone.jpg' not found in"]),
    "unknown_condition": ("file,condition,intensity\nanna_happy.png,hapy,1\n",
                          ConfigError, ["row 2", "'anna_happy.png'", "'happy', 'sad', 'neutral'",
                                        "'hapy'"]),
    "intensity_high": ("file,condition,intensity\nanna_happy.png,happy,1.5\n",
                       ConfigError, ["row 2", "'anna_happy.png'", "from 0 to 1", "'1.5'"]),
    "intensity_text": ("file,condition,intensity\nanna_happy.png,happy,strong\n",
                       ConfigError, ["row 2", "intensity", "'strong'"]),
    "intensity_negative": ("file,condition,intensity\nanna_happy.png,happy,1\n"
                           "anna_sad.jpg,sad,-0.2\n", ConfigError, ["row 3", "'anna_sad.jpg'"]),
    "bad_image": ("file,condition,intensity\nbroken.png,happy,1\n",
                  InputError, ["row 2", "'broken.png'", "cannot be decoded as an image"]),
    "bad_video": ("file,condition,intensity\nbroken.mp4,happy,1\n",
                  InputError, ["row 2", "'broken.mp4'", "cannot be decoded as a video"]),
    "bad_header": ("file,emotion,intensity\nanna_happy.png,happy,1\n",
                   ConfigError, ["row 1", "file,condition,intensity", "emotion"]),
    "duplicate": ("file,condition,intensity\nanna_happy.png,happy,1\nanna_happy.png,sad,1\n",
                  ConfigError, ["row 3", "already listed in row 2"]),
    "wrong_type": ("file,condition,intensity\nnotes.txt,happy,1\n",
                   ConfigError, ["row 2", "'notes.txt'", "neither an image"]),
    "short_row": ("file,condition,intensity\nanna_happy.png,happy\n",
                  ConfigError, ["row 2", "expected 3 cells"]),
    "no_rows": ("file,condition,intensity\n", ConfigError, ["lists no stimuli"]),
}


@pytest.fixture
def bad_dir(tmp_path: Path) -> Path:
    d = tmp_path / "stimuli"
    d.mkdir()
    _image(d / "anna_happy.png", (200, 200, 200))
    _image(d / "anna_sad.jpg", (200, 200, 200))
    (d / "broken.png").write_bytes(b"not a png at all")
    (d / "broken.mp4").write_bytes(b"\x00" * 100)
    (d / "notes.txt").write_text("hi")
    return d


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_manifest_names_file_and_row(bad_dir, case):
    manifest, exc_type, parts = BAD[case]
    _write(bad_dir, manifest)
    with pytest.raises(exc_type) as info:
        load_stimulus_set(bad_dir)
    msg = str(info.value)
    assert "\n" not in msg
    assert str(bad_dir / "manifest.csv") in msg
    for p in parts:
        assert p in msg, (p, msg)


def test_missing_manifest_and_folder(tmp_path):
    with pytest.raises(InputError, match=r"manifest\.csv not found; .* file,condition,intensity"):
        load_stimulus_set(tmp_path)
    with pytest.raises(InputError, match="folder .*nowhere not found"):
        load_stimulus_set(tmp_path / "nowhere")


@pytest.mark.parametrize("case", ["missing_file", "unknown_condition", "intensity_high",
                                  "bad_image"])
def test_cli_check_exits_2_with_one_line(bad_dir, case, capsys):
    _write(bad_dir, BAD[case][0])
    rc = main(["stimuli", "check", str(bad_dir)])
    err = capsys.readouterr().err
    assert rc == 2
    assert err.count("\n") == 1 and err.startswith("mimicry stimuli: error: ")
    assert "manifest.csv row" in err


def test_cli_check_good_set(good_set, capsys):
    assert main(["stimuli", "check", str(good_set)]) == 0
    out = capsys.readouterr().out
    assert "4 items" in out and "2 happy" in out


def _set_protocol(tmp_path: Path, set_rel: str, extra: str = "") -> Path:
    p = tmp_path / "study.toml"
    p.write_text(
        "schema_version = 1\nname = \"study\"\n"
        "[calibration]\nduration_s = 1.0\n"
        "[trials]\nper_condition = 2\nstimulus_s = 1.0\nmorph_s = 0.5\niti_s = 0.5\n"
        "iti_jitter_s = 0.0\n" + extra +
        f"[stimuli]\nset = \"{set_rel}\"\n", encoding="utf-8")
    return p


def test_protocol_with_set_uses_manifest_intensity_and_no_morph(good_set, tmp_path):
    from mimicry.protocol.load import load_protocol
    from mimicry.protocol.schedule import build_schedule
    from mimicry.protocol.timeline import trial_intensity

    proto = load_protocol(_set_protocol(tmp_path, "stimuli"))  # relative to the TOML file
    assert proto.stimulus_set is not None and proto.identities == ()
    s = build_schedule(proto)
    intensity = {it.file: it.intensity for it in proto.stimulus_set.items}
    cond = {it.file: it.condition for it in proto.stimulus_set.items}
    assert len(s.trials) == 6
    for tr in s.trials:
        assert tr.intensity == intensity[tr.stimulus_id]
        assert tr.condition == cond[tr.stimulus_id]
        assert tr.morph_s == 0.0 and tr.end_s == tr.offset_s
        # The intended expression is a step: full just after onset, 0 just before.
        assert trial_intensity(tr, tr.onset_s + 0.01) == pytest.approx(tr.intensity)
        assert trial_intensity(tr, tr.onset_s - 0.01) == 0.0
    happy = [t.stimulus_id for t in s.trials if t.condition == "happy"]
    assert sorted(happy) == ["anna_happy.png", "ben_happy.mp4"]  # both items used
    # events.csv keeps morph_s = 0 and intensity 0 (the neutral item) through a round trip.
    from mimicry.io.tables import read_events, write_events
    from mimicry.protocol.timeline import trials_from_events

    write_events(tmp_path / "events.csv", s.events())
    assert tuple(trials_from_events(read_events(tmp_path / "events.csv"))) == s.trials


def test_protocol_set_errors(good_set, tmp_path):
    from mimicry.protocol.load import load_protocol

    with pytest.raises(InputError, match="nowhere"):
        load_protocol(_set_protocol(tmp_path, "nowhere"))
    (good_set / "manifest.csv").write_text("file,condition,intensity\nanna_happy.png,happy,1\n")
    with pytest.raises(ConfigError, match=r"conditions lists 'sad', 'neutral' but the stimulus set"):
        load_protocol(_set_protocol(tmp_path, "stimuli"))


def test_track_shows_set_items_only_during_trials(good_set, tmp_path):
    from mimicry.protocol.load import load_protocol
    from mimicry.protocol.schedule import build_schedule
    from mimicry.stimulus.track import StimulusTrack

    proto = load_protocol(_set_protocol(tmp_path, "stimuli"))
    s = build_schedule(proto)
    track = StimulusTrack(s, 64)
    bg = np.array(proto.display.background_rgb)
    for tr in s.trials:
        shown = track.frame(tr.onset_s + 0.05)
        expected = proto.stimulus_set.frame(tr.stimulus_id, 0.05, 64,
                                            background=proto.display.background_rgb)
        assert np.array_equal(shown, expected)
        before = track.frame(tr.onset_s - 0.05)  # fixation on the background colour
        assert np.abs(before[5, 5].astype(int) - bg).max() == 0
        assert not np.array_equal(before, shown)
    assert track.phase(0.5)[0] == "calibration"


def test_cli_export_with_bad_set_exits_2(good_set, tmp_path, capsys):
    (good_set / "anna_sad.jpg").unlink()
    toml = _set_protocol(tmp_path, "stimuli")
    rc = main(["stimuli", "export", "--protocol", str(toml), "--out", str(tmp_path / "s.mp4")])
    err = capsys.readouterr().err
    assert rc == 2 and err.count("\n") == 1
    assert "manifest.csv row 3: file 'anna_sad.jpg' not found in" in err
    assert not (tmp_path / "s.mp4").exists()


def test_errors_are_mimicry_errors():
    assert issubclass(ConfigError, MimicryError) and issubclass(InputError, MimicryError)

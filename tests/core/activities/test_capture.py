"""The teacher as stimulus: capture a volunteer's faces from (rendered) video into a stimulus set."""

import json

import numpy as np
import pytest

from mimicry.core.errors import InputError
from mimicry.activities.capture.capture import (StimulusCapture, capture_duration_s, capture_timeline,
                                      crop_face, phase_at, save_capture)

FPS = 15.0
SIZE = 320


def _volunteer_expression(timeline, t):
    """A volunteer following the prompts: each expression ramps up over 1 s into its prompt."""
    from mimicry.stimulus.face import Expression

    ph = phase_at(timeline, t)
    if ph is None or ph.condition == "neutral":
        return Expression()
    x = min(1.0, max(0.0, t - ph.start_s - 0.3))
    return Expression(**{ph.condition: x})


class _Frames:
    def __init__(self, timeline):
        self.timeline = timeline
        self.anim = None

    def __call__(self, i):
        from mimicry.stimulus.face import FaceAnimator

        if self.anim is None:
            self.anim = FaceAnimator("casey", SIZE, seed=3)
        t = i / FPS
        img = self.anim.frame(t, _volunteer_expression(self.timeline, t))
        # A webcam picture is wider than the face: put it in a 16:9 frame.
        out = np.full((SIZE, SIZE * 16 // 9, 3), 60, np.uint8)
        x0 = (out.shape[1] - SIZE) // 2
        out[:, x0:x0 + SIZE] = img
        return out


@pytest.fixture(scope="module")
def captured(tmp_path_factory):
    """Render a volunteer video, play it through the tracker into a capture, save the set."""
    from mimicry.sources import open_source
    from mimicry.tracking.mediapipe_tracker import MediaPipeTracker
    from mimicry.io.video import write_video

    root = tmp_path_factory.mktemp("capture")
    timeline = capture_timeline()
    n = int(capture_duration_s(timeline) * FPS) + 5
    video = write_video(root / "volunteer.mp4", _Frames(timeline), n, FPS,
                        (SIZE * 16 // 9, SIZE))
    cap = StimulusCapture(timeline)
    src = open_source(str(video), realtime=False)
    with MediaPipeTracker(num_faces=1, keep_landmarks=True) as tracker:
        while (frame := src.read()) is not None:
            cap.on_frame(frame, tracker.process(frame))
    src.close()
    folder = save_capture(cap, root / "set", name="Ms Casey")
    return cap, folder


def test_timeline_is_20_to_30_s():
    tl = capture_timeline()
    assert [p.condition for p in tl] == ["neutral", "happy", "sad"]
    assert 20 <= capture_duration_s(tl) <= 30
    assert phase_at(tl, 0.0) is None and phase_at(tl, tl[1].start_s + 0.1).condition == "happy"


def test_frames_picked_by_measured_channels(captured):
    cap, _ = captured
    assert not cap.missing
    happy, sad, neutral = (cap.picks[c] for c in ("happy", "sad", "neutral"))
    assert happy.channels["smile"] > neutral.channels["smile"] + 0.4
    assert sad.channels["sad_composite"] > neutral.channels["sad_composite"] + 0.05
    tl = {p.condition: p for p in cap.timeline}
    for c, pick in cap.picks.items():
        assert tl[c].start_s + cap.settle_s <= pick.t < tl[c].end_s
    # The strongest expression, not the ramp: picked after the 1 s ramp-up.
    assert happy.t >= tl["happy"].start_s + 1.3


def test_saved_set_is_usable_in_a_protocol(captured):
    from mimicry.protocol.load import load_protocol
    from mimicry.protocol.schedule import build_schedule
    from mimicry.protocol.stimulus_set import load_stimulus_set

    _, folder = captured
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["Ms_Casey_happy.jpg", "Ms_Casey_neutral.jpg", "Ms_Casey_sad.jpg",
                     "capture.json", "manifest.csv", "protocol.toml"]
    s = load_stimulus_set(folder)
    assert {(i.condition, i.intensity) for i in s.items} == {
        ("neutral", 0.0), ("happy", 1.0), ("sad", 1.0)}
    assert all(i.width == i.height == 512 for i in s.items)
    proto = load_protocol(str(folder / "protocol.toml"))
    sched = build_schedule(proto)
    assert {t.stimulus_id for t in sched.trials} == {i.file for i in s.items}
    meta = json.loads((folder / "capture.json").read_text())
    assert meta["picks"]["happy"]["rise_over_neutral"] > 0.4


def test_saved_faces_still_read_as_their_expression(captured):
    """The crops are faces the model reads as intended (what a stimulus set needs)."""
    import cv2

    from mimicry.core.messages import Frame
    from mimicry.tracking.mediapipe_tracker import MediaPipeTracker

    _, folder = captured
    with MediaPipeTracker(mode="image", keep_landmarks=False) as tr:
        ch = {}
        for c in ("neutral", "happy", "sad"):
            img = cv2.cvtColor(cv2.imread(str(folder / f"Ms_Casey_{c}.jpg")), cv2.COLOR_BGR2RGB)
            o = tr.process(Frame(0, 0.0, img))[0]
            assert o.detected, c
            ch[c] = o.channels
    assert ch["happy"]["smile"] > ch["neutral"]["smile"] + 0.4
    assert ch["sad"]["brow_raise_inner"] > ch["neutral"]["brow_raise_inner"]


def test_missing_face_and_existing_set_are_errors(captured, tmp_path):
    cap, folder = captured
    with pytest.raises(InputError, match="already exists"):
        save_capture(cap, folder)
    empty = StimulusCapture()
    with pytest.raises(InputError, match="no usable neutral, happy, sad face"):
        save_capture(empty, tmp_path / "x")


def test_crop_without_landmarks_is_the_centre():
    img = np.zeros((100, 200, 3), np.uint8)
    img[:, 50:150] = 255
    out = crop_face(img, None, 64)
    assert out.shape == (64, 64, 3) and out.mean() > 250

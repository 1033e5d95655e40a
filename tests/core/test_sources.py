"""Contract tests run over every frame-source implementation."""

from __future__ import annotations

import threading

import cv2
import numpy as np
import pytest

from mimicry.core.clock import ManualClock
from mimicry.core.errors import InputError, SourceLost
from mimicry.sources import open_source, source_kind
from mimicry.sources.camera import CameraSource
from mimicry.sources.images import ImageSource
from mimicry.sources.video import VideoSource


def _write_video(path, n=20, fps=20.0, size=(64, 48)):
    w = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, size)
    for i in range(n):
        img = np.full((size[1], size[0], 3), (i * 10) % 255, np.uint8)
        img[:, :, 2] = 200  # red in BGR -> the RGB frame's channel 0
        w.write(img)
    w.release()
    return path


class FakeCapture:
    """A cv2.VideoCapture stand-in: a few frames, then it fails like an unplugged camera."""

    def __init__(self, index, *, frames=5, opened=True, period_s=1 / 30):
        self.left = frames
        self.opened = opened
        self.released = False
        self.period_s = period_s

    def isOpened(self):
        return self.opened

    def set(self, *a):
        return True

    def get(self, prop):
        return 30.0 if prop == cv2.CAP_PROP_FPS else 0.0

    def read(self):
        if self.period_s:
            threading.Event().wait(self.period_s)  # a real camera blocks until the next frame
        if self.left <= 0:
            return False, None
        self.left -= 1
        img = np.zeros((48, 64, 3), np.uint8)
        img[:, :, 2] = 255
        return True, img

    def release(self):
        self.released = True


@pytest.fixture
def video(tmp_path):
    return _write_video(tmp_path / "clip.mp4")


@pytest.fixture
def image_dir(tmp_path):
    d = tmp_path / "imgs"
    d.mkdir()
    for name in ("b.png", "a.jpg", "c.png"):
        img = np.zeros((30, 40, 3), np.uint8)
        img[:, :, 2] = 255
        cv2.imwrite(str(d / name), img)
    (d / "notes.txt").write_text("not an image")
    return d


def _camera(monkeypatch):
    return CameraSource(0, capture_factory=lambda i: FakeCapture(i, frames=50))


@pytest.fixture(params=["video", "video_realtime", "images", "camera"])
def any_source(request, video, image_dir, monkeypatch):
    kind = request.param
    if kind == "video":
        src = VideoSource(video)
    elif kind == "video_realtime":
        src = VideoSource(video, realtime=True, clock=ManualClock())
    elif kind == "images":
        src = ImageSource(image_dir)
    else:
        src = _camera(monkeypatch)
    yield src
    src.close()


def test_contract_frames_are_rgb_with_monotonic_times(any_source):
    frames = []
    for f in any_source:
        frames.append(f)
        if len(frames) >= 10:
            break
    assert frames, "source gave no frame"
    ts = [f.t for f in frames]
    assert all(b > a for a, b in zip(ts, ts[1:])), ts
    assert [f.index for f in frames] == list(range(len(frames)))
    for f in frames:
        assert f.image.dtype == np.uint8 and f.image.ndim == 3 and f.image.shape[2] == 3
        # BGR -> RGB conversion happened: the red test pattern is in channel 0.
        assert f.image[..., 0].mean() > 150 and f.image[..., 2].mean() < 100


def test_contract_close_is_idempotent(any_source):
    any_source.read()
    any_source.close()
    any_source.close()
    assert any_source.closed
    assert any_source.read() is None


def test_video_reads_every_frame_with_media_time(video):
    with VideoSource(video) as src:
        frames = list(src)
    assert len(frames) == 20
    assert frames[-1].t == pytest.approx(19 / 20.0)
    assert src.size == (64, 48) and src.fps == pytest.approx(20.0)


def test_realtime_video_is_paced_by_the_clock(video):
    clock = ManualClock(100.0)
    with VideoSource(video, realtime=True, clock=clock) as src:
        frames = list(src)
    assert len(frames) == 20
    # The manual clock advanced by the pacing sleeps: the whole clip's duration.
    assert clock.now() - 100.0 == pytest.approx(19 / 20.0, abs=1e-6)


def test_paced_video_goes_on_where_it_stopped_after_a_pause(video):
    """A paused video stands still: afterwards frames come at their pace, not in a rush."""
    from mimicry.runtime.pause import PausableSource

    clock = ManualClock(100.0)
    with VideoSource(video, realtime=True, clock=clock) as inner:
        src = PausableSource(inner, mono=clock.now)
        due = []  # (frame time, clock time it was delivered)
        for _ in range(5):
            f = src.read()
            due.append((f.t, clock.now()))
        src.pause()
        clock.advance(30.0)
        src.resume()
        for _ in range(10):
            f = src.read()
            due.append((f.t, clock.now()))
    t, at = np.array(due).T
    assert np.allclose(np.diff(t), 1 / 20.0), "no frame skipped, times continuous"
    # Delivered one frame period apart after the pause too (shifted by the pause once).
    assert np.allclose(np.diff(at[5:]), 1 / 20.0)
    assert at[5] - at[4] == pytest.approx(30.0 + 1 / 20.0)


def test_image_folder_in_name_order_skipping_non_images(image_dir):
    with ImageSource(image_dir) as src:
        names = [f.source for f in src]
    assert names == ["a.jpg", "b.png", "c.png"]


def test_unreadable_image_names_the_file(tmp_path):
    (tmp_path / "x.jpg").write_bytes(b"not a jpeg")
    with ImageSource(tmp_path) as src:
        with pytest.raises(InputError, match="x.jpg"):
            src.read()


def test_bad_inputs_raise_input_errors(tmp_path):
    with pytest.raises(InputError, match="not found"):
        open_source(tmp_path / "missing.mp4")
    bad = tmp_path / "bad.mp4"
    bad.write_bytes(b"\x00" * 1000)
    with pytest.raises(InputError, match="cannot read video"):
        open_source(bad)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(InputError, match="no images"):
        open_source(empty)


def test_camera_that_does_not_open():
    with pytest.raises(InputError, match="camera 3 did not open"):
        CameraSource(3, capture_factory=lambda i: FakeCapture(i, opened=False))


def test_camera_newest_frame_wins_and_drops_are_counted():
    cap = FakeCapture(0, frames=200, period_s=0)
    src = CameraSource(0, capture_factory=lambda i: cap)
    try:
        # Let the capture thread run ahead while nobody reads.
        deadline = 200
        while cap.left > 0 and deadline:
            threading.Event().wait(0.01)
            deadline -= 1
        f = src.read()
        assert f is not None and f.index == 0
        assert src.dropped > 100  # nearly all of the backlog was discarded, not queued
    finally:
        src.close()


def test_camera_lost_raises_source_lost(monkeypatch):
    import mimicry.sources.camera as s

    monkeypatch.setattr(s, "CAMERA_TIMEOUT_S", 0.2)
    src = CameraSource(0, capture_factory=lambda i: FakeCapture(i, frames=3))
    try:
        with pytest.raises(SourceLost, match="camera 0"):
            for _ in range(100):
                src.read()
    finally:
        src.close()


def test_source_kind():
    assert source_kind("0") == "camera"
    assert source_kind("demo") == "demo"
    assert source_kind("x.mp4") == "video"
    assert source_kind("x.JPG") == "images"

"""A virtual participant made of real footage: a webcam clip looped, with a known smile warped in.

:func:`simulate_footage` turns a clip of a real person into a participant
video for a protocol's schedule, with a known mimicry response:

.. math::

    \\Delta\\mathrm{smile}(t) \\approx A \\cdot x_{happy}(t - \\mathrm{delay}),
    \\qquad x_{happy} = \\max(0, s(t))

where :math:`s` is :func:`~mimicry.protocol.timeline.signed_stimulus_signal`
(+intensity on happy trials). The clip is looped **ping-pong** (forwards,
backwards, forwards, ...) to the schedule's length: a plain loop jumps from
the last frame to the first, a jump of head position and expression that the
tracker and the analysis would see as a movement every clip length; a
ping-pong loop is continuous (only the direction of motion reverses).

The smile is drawn into the face (:mod:`mimicry.simulate.footage_warp`):
MediaPipe's landmarks of every source frame (VIDEO mode) place a synthetic
lip-corner and cheek displacement, drawn with the stimulus faces' mesh warp.
The displacement scale is calibrated on the clip itself: frames about 0.8 s
apart are rendered at several scales, passed through the mp4 codec (it
softens the mouth corners and lowers the smile MediaPipe reads) and read back
by MediaPipe (IMAGE mode); each output frame's scale inverts the curve
(smile-channel rise against scale) of the calibration frames either side of
its source frame, so that the channel rises by about ``A * x_happy``. A last
check renders the clip for a constant rise ``A``, writes it to mp4 and
tracks it in VIDEO mode as ``mimicry process`` does; the ratio of wanted to
measured rise (clipped to 0.5-2) corrects the render's targets. Sad and neutral trials get no
response in this version. ``amplitude = 0`` is the null: the clip, looped,
unmodified (re-encoded).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from mimicry import __version__
from mimicry.core.check import check_range
from mimicry.core.errors import InputError
from mimicry.protocol.model import Protocol
from mimicry.protocol.schedule import build_schedule
from mimicry.protocol.timeline import signed_stimulus_signal
from mimicry.simulate.footage_warp import (SmileWarp, calibrate_smile, calibration_frames,
                                           scale_for)
from mimicry.simulate.rendered import SimulationResult, _write_json
from mimicry.core.assets import file_sha256

#: A clip must show a face in at least this fraction of its frames.
MIN_FACE_FRACTION = 0.5
#: Frames of the clip (from its start) rendered and tracked in VIDEO mode to check the rise.
MAX_VERIFY_FRAMES = 750
#: How the calibration was made, for simulation.json.
CALIBRATION_METHOD = (
    "frames about 0.8 s apart over the clip rendered at each displacement scale and read by "
    "MediaPipe (IMAGE mode) after an mp4 round trip; rise[i][j] = smile(scales[j]) - smile(0) at frames[i], made "
    "non-decreasing; each output frame's scale inverts the curve interpolated between the "
    "calibration frames either side of its source frame; then video_mode_check: the clip's "
    "first frames rendered for a constant rise of `amplitude`, written to mp4 and tracked in "
    "VIDEO mode (as `mimicry process` reads the video); the render's targets are multiplied "
    "by its correction")
#: Largest number of decoded pixels kept in memory (frames x height x width): 1.2e9 bytes.
MAX_PIXELS = 4e8


def read_clip(path: str | Path, height: int | None = None) -> tuple[np.ndarray, float]:
    """Decode every frame of a clip as RGB.

    Parameters
    ----------
    path : path-like
    height : int or None
        Resize to this height (width in proportion, rounded to even); None keeps the size.

    Returns
    -------
    frames : ndarray, shape (n, h, w, 3), uint8
    fps : float
        The clip's frame rate (25 when the file does not say).

    Raises
    ------
    InputError
        The file is missing, not a video OpenCV can decode, or too short or too long.
    """
    import cv2

    from mimicry.core.native import native_logs_silenced

    p = Path(path).expanduser()
    what = f"footage {p}"
    if not p.is_file():
        raise InputError(f"{what} does not exist; expected a video file of a face")
    with native_logs_silenced():
        cap = cv2.VideoCapture(str(p))
    frames: list[np.ndarray] = []
    try:
        fps = float(cap.get(cv2.CAP_PROP_FPS) or 0.0) if cap.isOpened() else 0.0
        size = None
        while cap.isOpened():
            ok, bgr = cap.read()
            if not ok:
                break
            if size is None:
                h0, w0 = bgr.shape[:2]
                size = (w0, h0) if height is None else (
                    max(2, int(round(w0 * height / h0 / 2)) * 2), int(height))
            if size != (bgr.shape[1], bgr.shape[0]):
                bgr = cv2.resize(bgr, size, interpolation=cv2.INTER_AREA)
            frames.append(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
            if len(frames) * size[0] * size[1] > MAX_PIXELS:
                raise InputError(f"{what} is too long to hold in memory at {size[0]}x{size[1]}; "
                                 f"expected a clip of a few minutes at most (cut it, or give "
                                 f"a smaller --size)")
    finally:
        cap.release()
    if len(frames) < 2:
        raise InputError(f"{what} cannot be read as a video; expected a video file OpenCV "
                         f"can decode (mp4, avi, mov) with at least 2 frames")
    if not np.isfinite(fps) or not 1.0 <= fps <= 240.0:
        fps = 25.0
    return np.stack(frames), fps


def _stage(progress, what: str, total: int):
    """A progress display for one stage, like ``progress`` (None stays None)."""
    if progress is None:
        return None
    from mimicry.core.progress import Progress

    return Progress(f"{progress.label} ({what})", total, stream=progress.stream,
                    enabled=progress.enabled)


def track_clip(frames: np.ndarray, fps: float, model_path=None, progress=None
               ) -> tuple[np.ndarray, np.ndarray]:
    """MediaPipe (VIDEO mode) on every frame, as ``mimicry process`` runs it.

    Parameters
    ----------
    frames : ndarray, shape (n, h, w, 3)
    fps : float
    model_path : path-like or None
    progress : mimicry.core.progress.Progress or None
        Told the number of frames tracked.

    Returns
    -------
    landmarks : ndarray, shape (n, 478, 2)
        Pixels, NaN without a face.
    smile : ndarray, shape (n,)
        The smile channel, NaN without a face.
    """
    from mimicry.core.messages import Frame
    from mimicry.tracking.mediapipe_tracker import MediaPipeTracker

    n, h, w = frames.shape[:3]
    lms, smile = np.full((n, 478, 2), np.nan), np.full(n, np.nan)
    with MediaPipeTracker(model_path, mode="video", keep_landmarks=True) as tracker:
        for i in range(n):
            obs = tracker.process(Frame(index=i, t=i / fps, image=frames[i]))[0]
            if obs.detected and obs.landmarks is not None:
                lms[i] = obs.landmarks[:, :2] * (w, h)
                smile[i] = obs.channels["smile"]
            if progress is not None:
                progress.update(i + 1)
    if progress is not None:
        progress.finish()
    return lms, smile


def through_codec(images, fps: float, repeat: int = 1) -> list[np.ndarray]:
    """``images`` written to an mp4 as the participant video is, and decoded again.

    Each image is written ``repeat`` times (a still scene, as the encoder sees
    slowly moving footage) and its last copy returned.
    """
    import tempfile

    from mimicry.io.video import VideoWriter, read_frames

    h, w = images[0].shape[:2]
    with tempfile.TemporaryDirectory(prefix="mimicry-footage-") as tmp:
        path = Path(tmp) / "codec.mp4"
        with VideoWriter(path, fps, (w, h)) as wr:
            for img in images:
                for _ in range(repeat):
                    wr.write(img)
        dec = read_frames(path)
    return [dec.get((i + 1) * repeat - 1, images[i]) for i in range(len(images))]


def verify_rise(frames, lms, smile0, fps, warp, calibration, amplitude, model_path=None,
                progress=None) -> dict:
    """The smile channel's rise with the calibrated smile for a constant ``amplitude``
    drawn into the first :data:`MAX_VERIFY_FRAMES` frames of the clip, written to
    mp4 and read back, tracked in VIDEO mode (as ``mimicry process`` reads the
    participant video).

    Returns
    -------
    dict
        ``n_frames``, ``target``, ``measured_rise`` (mean over frames with a
        face in both passes, against ``smile0`` of the clip as it is),
        ``correction`` (target / measured, clipped to 0.5-2: the factor
        applied to the targets of the render).
    """
    n = min(len(frames), MAX_VERIFY_FRAMES)
    ok_face = np.all(np.isfinite(lms[:n, :, 0]), axis=1)
    scales = scale_for(np.where(ok_face, amplitude, 0.0), calibration, np.arange(n))
    shown = through_codec([warp.apply(frames[i], lms[i], scales[i]) for i in range(n)], fps)
    _, smile1 = track_clip(np.stack(shown), fps, model_path, progress)
    ok = ok_face & np.isfinite(smile1) & np.isfinite(smile0[:n])
    measured = float(np.mean(smile1[ok] - smile0[:n][ok])) if ok.any() else float("nan")
    corr = float(np.clip(amplitude / measured, 0.5, 2.0)) if measured > 0 else 2.0
    return {"n_frames": int(ok.sum()), "target": float(amplitude),
            "measured_rise": round(measured, 4), "correction": round(corr, 4)}


def _smile_reader(fps: float, model_path=None):
    """``read(images) -> [smile channel or nan]``: each image through the mp4 codec
    (:func:`through_codec`, 3 copies), then one IMAGE-mode tracker; and its closer."""
    from mimicry.core.messages import Frame
    from mimicry.tracking.mediapipe_tracker import MediaPipeTracker

    tracker = MediaPipeTracker(model_path, mode="image", keep_landmarks=False)

    def read(images):
        out = []
        for k, img in enumerate(through_codec(images, fps, repeat=3)):
            obs = tracker.process(Frame(index=k, t=0.0, image=img))[0]
            out.append(float(obs.channels["smile"]) if obs.detected else float("nan"))
        return out

    return read, tracker.close


def pingpong_index(t: np.ndarray, fps: float, n: int) -> np.ndarray:
    """Source frame shown at times ``t`` (s) of a clip of ``n`` frames at ``fps`` looped ping-pong."""
    k = np.round(np.asarray(t, dtype=float) * fps).astype(np.int64)
    if n < 2:
        return np.zeros_like(k)
    period = 2 * (n - 1)
    k = np.mod(k, period)
    return np.where(k < n, k, period - k)


class _FootageFrames:
    """Output frame ``i``: the looped source frame with the smile at its scale."""

    def __init__(self, frames, landmarks, warp, source_index, scales):
        self.frames, self.landmarks, self.warp = frames, landmarks, warp
        self.source_index, self.scales = source_index, scales

    def __call__(self, i: int) -> np.ndarray:
        k = int(self.source_index[i])
        s = float(self.scales[i])
        if s <= 0 or self.warp is None or not np.all(np.isfinite(self.landmarks[k])):
            return self.frames[k]
        return self.warp.apply(self.frames[k], self.landmarks[k], s)


def simulate_footage(protocol: Protocol, footage: str | Path, out_dir: str | Path, *,
                     amplitude: float = 0.3, delay_s: float = 0.5, seed: int | None = None,
                     fps: float | None = None, size_px: int | None = None,
                     model_path=None, progress=None) -> SimulationResult:
    """Make a participant video from real footage with a known smile response.

    Writes ``out_dir/participant.mp4`` (t = 0 is the events' t = 0),
    ``out_dir/events.csv`` and ``out_dir/simulation.json`` (the truth:
    footage path and SHA-256, amplitude, delay, seed and the calibration).

    Parameters
    ----------
    protocol : Protocol
    footage : path-like
        A video of one person's face (webcam footage).
    out_dir : path-like
        Created if needed.
    amplitude : float
        Rise of the smile channel at the full happy stimulus, 0-1; 0 is the null.
    delay_s : float
        Latency of the response, seconds, >= 0.
    seed : int or None
        Seeds the schedule; None: the protocol's seed.
    fps : float or None
        Output frame rate; None: the clip's.
    size_px : int or None
        Output height, pixels (width in proportion); None: the clip's.
    model_path : path-like or None
        Face model; default the shipped one.
    progress : mimicry.core.progress.Progress or None
        Told the number of frames written.

    Returns
    -------
    SimulationResult
    """
    from mimicry.io.atomic import ensure_writable_folder
    from mimicry.io.tables import write_events
    from mimicry.io.video import write_video

    check_range("amplitude", amplitude, 0.0, 1.0, error=InputError)
    check_range("delay_s", delay_s, 0.0, 10.0, error=InputError)
    if fps is not None:
        check_range("fps", fps, 1.0, 240.0, error=InputError)
    schedule = build_schedule(protocol, seed)
    path = Path(footage).expanduser()
    frames, clip_fps = read_clip(path, size_px)
    n_src, height, width = frames.shape[:3]
    out_fps = float(clip_fps if fps is None else fps)
    lms, smile0 = track_clip(frames, clip_fps, model_path,
                             _stage(progress, "tracking the footage", n_src))
    has_face = np.all(np.isfinite(lms[:, :, 0]), axis=1)
    if has_face.mean() < MIN_FACE_FRACTION:
        found = ("no face was found in it" if not has_face.any() else
                 f"a face was found in only {int(has_face.sum())} of its {n_src} frames")
        raise InputError(f"footage {path}: {found}; expected a clip showing one face in at "
                         f"least {MIN_FACE_FRACTION:.0%} of its frames")
    out = ensure_writable_folder(out_dir, "--out")

    n_frames = int(round(schedule.duration_s * out_fps))
    t = np.arange(n_frames) / out_fps
    x_happy = np.clip(signed_stimulus_signal(schedule.trials, t - delay_s), 0.0, None)
    source_index = pingpong_index(t, clip_fps, n_src)
    warp, calibration = None, None
    scales = np.zeros(n_frames)
    if amplitude > 0:
        ref = int(np.flatnonzero(has_face)[0])
        warp = SmileWarp(lms[ref], width, height)
        picks = calibration_frames(has_face, clip_fps)
        read, close = _smile_reader(out_fps, model_path)
        try:
            calibration = calibrate_smile([frames[k] for k in picks], [lms[k] for k in picks],
                                          warp, read, amplitude)
        except ValueError:
            raise InputError(f"footage {path}: the face model lost the face on every "
                             f"calibration frame; expected a clearer view of one face") from None
        finally:
            close()
        calibration = {"method": CALIBRATION_METHOD, "frames": picks, **calibration}
        at_a = scale_for(np.full(len(picks), amplitude), calibration, picks)
        calibration["scale_at_amplitude"] = np.round(at_a, 4).tolist()
        top = np.asarray(calibration["rise"])[:, -1]
        calibration["saturated_frames"] = int((top < amplitude).sum())
        n_check = min(n_src, MAX_VERIFY_FRAMES)
        check = verify_rise(frames, lms, smile0, out_fps, warp, calibration, amplitude,
                            model_path, _stage(progress, "checking the smile", n_check))
        calibration["video_mode_check"] = check
        scales = scale_for(check["correction"] * amplitude * x_happy, calibration, source_index)
    if progress is not None:
        progress.total = n_frames
    frame_at = _FootageFrames(frames, lms, warp, source_index, scales)
    video = write_video(out / "participant.mp4", frame_at, n_frames, out_fps, (width, height),
                        progress)
    events = out / "events.csv"
    write_events(events, schedule.events())
    params = out / "simulation.json"
    _write_json(params, {
        "mimicry_version": __version__,
        "mode": "footage",
        "protocol": protocol.name,
        "protocol_file": str(protocol.path) if protocol.path else None,
        "seed": schedule.seed,
        "footage": str(path.resolve()),
        "footage_sha256": file_sha256(path),
        "footage_frames": int(n_src),
        "footage_fps": float(clip_fps),
        "footage_face_frames": int(has_face.sum()),
        "loop": "ping-pong",
        "amplitude": float(amplitude),
        "delay_s": float(delay_s),
        "stimulus_ids": list(schedule.stimulus_ids),
        "fps": out_fps,
        "width_px": int(width),
        "height_px": int(height),
        "n_frames": n_frames,
        "duration_s": schedule.duration_s,
        "video": video.name,
        "events": events.name,
        "calibration": calibration,
        "model": "smile channel rise(t) ~= amplitude * clip(signed_stimulus(t - delay_s), 0, "
                 "None): a lip-corner and cheek landmark displacement warped into the face, "
                 "its scale the inverse of the calibration curve; no response to sad trials",
    })
    return SimulationResult(video=video, events=events, params=params, n_frames=n_frames,
                            fps=out_fps, duration_s=schedule.duration_s)

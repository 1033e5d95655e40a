"""Data quality of a session: was the face tracked, were frames lost, did the head move?"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: A frame interval longer than this many median intervals counts as a gap.
GAP_FACTOR = 1.5
POSE_AXES: tuple[str, ...] = ("yaw", "pitch", "roll")


@dataclass(frozen=True)
class DataQuality:
    """How good the recording was.

    Attributes
    ----------
    n_frames : int
        Frames of the analysed face slot.
    duration_s : float
        First to last frame, seconds.
    fps : float
        Median frame rate, frames per second (NaN with fewer than 2 frames).
    face_frames_pct : float
        Percentage of frames with a face.
    longest_face_lost_s : float
        Longest stretch without a face, seconds.
    dropped_frames : int or None
        Frames the live source dropped (``session.json`` ``dropped_frames``);
        None when not recorded (videos are read without dropping).
    gap_frames : int
        Frames missing from the time stamps: intervals longer than
        :data:`GAP_FACTOR` median intervals, counted in median intervals.
    pose_sd_deg : dict of str to float
        Standard deviation of ``yaw``, ``pitch``, ``roll`` over face frames, degrees.
    pose_range_deg : dict of str to (float, float)
        5th and 95th percentile of each pose angle, degrees.
    """

    n_frames: int
    duration_s: float
    fps: float
    face_frames_pct: float
    longest_face_lost_s: float
    dropped_frames: int | None
    gap_frames: int
    pose_sd_deg: dict
    pose_range_deg: dict

    def as_dict(self) -> dict:
        def num(v, d=3):
            return None if v is None or not np.isfinite(v) else round(float(v), d)

        return {
            "n_frames": self.n_frames, "duration_s": num(self.duration_s),
            "fps": num(self.fps), "face_frames_pct": num(self.face_frames_pct, 2),
            "longest_face_lost_s": num(self.longest_face_lost_s),
            "dropped_frames": self.dropped_frames, "gap_frames": self.gap_frames,
            "pose_sd_deg": {k: num(v, 2) for k, v in self.pose_sd_deg.items()},
            "pose_range_deg": {k: [num(a, 2), num(b, 2)] for k, (a, b)
                               in self.pose_range_deg.items()},
        }


def data_quality(frames, meta: dict | None = None, face_id: int = 0) -> DataQuality:
    """Measure a session's data quality.

    Parameters
    ----------
    frames : FramesTable
    meta : dict, optional
        ``session.json`` (for ``dropped_frames``).
    face_id : int
        Face slot.

    Returns
    -------
    DataQuality
    """
    one = frames.face(face_id)
    order = np.argsort(one.t, kind="stable")
    t = np.asarray(one.t, float)[order]
    face = np.asarray(one.face_detected, bool)[order]
    pose = np.asarray(one.pose, float)[order]
    n = int(t.size)
    dt = np.diff(t)
    period = float(np.median(dt)) if dt.size else float("nan")
    fps = 1.0 / period if dt.size and period > 0 else float("nan")
    gap_frames = 0
    if dt.size and period > 0:
        long = dt[dt > GAP_FACTOR * period]
        gap_frames = int(np.sum(np.round(long / period) - 1))
    longest = 0.0
    if n and not face.all():
        # Each run without a face lasts from its first frame to the next face frame.
        i = 0
        while i < n:
            if face[i]:
                i += 1
                continue
            j = i
            while j < n and not face[j]:
                j += 1
            end = t[j] if j < n else t[-1] + (period if np.isfinite(period) else 0.0)
            longest = max(longest, float(end - t[i]))
            i = j
    sd, rng = {}, {}
    for k, name in enumerate(POSE_AXES):
        v = pose[face, k] if n else np.zeros(0)
        v = v[np.isfinite(v)]
        sd[name] = float(np.std(v, ddof=1)) if v.size > 1 else float("nan")
        rng[name] = ((float(np.percentile(v, 5)), float(np.percentile(v, 95))) if v.size
                     else (float("nan"), float("nan")))
    dropped = (meta or {}).get("dropped_frames")
    return DataQuality(
        n_frames=n, duration_s=float(t[-1] - t[0]) if n > 1 else 0.0, fps=fps,
        face_frames_pct=100.0 * float(face.mean()) if n else float("nan"),
        longest_face_lost_s=longest,
        dropped_frames=int(dropped) if isinstance(dropped, (int, float)) else None,
        gap_frames=gap_frames, pose_sd_deg=sd, pose_range_deg=rng)

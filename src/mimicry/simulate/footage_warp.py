"""A smile warped into real footage: landmark displacements, the mesh warp and its calibration.

The smile is the synthetic closed-mouth smile of the built-in faces
(:func:`mimicry.stimulus._face_bases.smile_basis`: lip corners out and up,
cheeks up a little), set on the lips and cheeks of the face's own MediaPipe
landmarks in a face-upright frame (the eye line's roll is undone and put
back), extended smoothly to the rest of the face by a
:class:`~mimicry.stimulus._face_mesh.Membrane` (eyes, brows, nose and face
outline stay put) and drawn with the stimulus faces' piecewise-affine
:class:`~mimicry.stimulus._face_warp.MeshWarp`. Lower lids are left alone:
the only landmarks moved are the mouth's and the cheeks'.

``scale`` multiplies the displacement (1 = the built-in faces' full synthetic
smile). :func:`calibrate_smile` measures what MediaPipe's smile channel
(mean of mouthSmileLeft/Right) reads at several scales on frames spread over
the clip; :func:`scale_for` turns a wanted rise of the channel at a frame of
the clip into a scale, from the curves of the calibration frames either side.
"""

from __future__ import annotations

import math
from typing import Callable, Sequence

import cv2
import numpy as np

from mimicry.stimulus import _face_mesh as fm

#: Cheek landmarks that rise with the smile (AU6 with AU12).
CHEEKS = (50, 280, 101, 330, 36, 266, 205, 425, 187, 411, 123, 352)
#: Displacement scales tried by the calibration (1 = the built-in synthetic smile).
CALIBRATION_SCALES = (0.0, 0.2, 0.35, 0.5, 0.65, 0.8, 1.0)
#: The largest scale the calibration may extend to when the smile channel rises too little.
MAX_SCALE = 4.0
#: Spacing of the calibration frames in the clip, seconds.
CALIBRATION_SPACING_S = 0.8
#: Fewest and most calibration frames.
MIN_CALIBRATION_FRAMES, MAX_CALIBRATION_FRAMES = 8, 100


def _eyes() -> set[int]:
    return set(fm.RIGHT_EYE_UPPER + fm.RIGHT_EYE_LOWER + fm.LEFT_EYE_UPPER + fm.LEFT_EYE_LOWER)


class SmileWarp:
    """The smile displacement of one face's landmarks and the warp that draws it.

    Parameters
    ----------
    reference : ndarray, shape (>=468, 2)
        Landmarks of one frame of the clip, pixels: they fix the mesh's
        triangulation (its topology; the positions come from every frame).
    width, height : int
        Frame size, pixels.
    """

    def __init__(self, reference: np.ndarray, width: int, height: int) -> None:
        from mimicry.core.assets import faces_dir
        from mimicry.stimulus._face_warp import MeshWarp

        ref = np.asarray(reference, dtype=np.float64)[: fm.N_MESH]
        face_tris = np.load(faces_dir() / "face_mesh.npz")["triangles"].astype(np.int32)
        self.triangles = fm.triangulate(face_tris, ref)
        self.width, self.height = int(width), int(height)
        self.warp = MeshWarp(self.triangles, max(self.width, self.height))
        self.ctrl = tuple(sorted(set(fm.LIPS) | set(CHEEKS)))
        zero = (_eyes() | set(fm.NOSE) | set(fm.RIGHT_BROW + fm.LEFT_BROW)) - set(self.ctrl)
        mem = fm.Membrane(self.triangles, fm.N_MESH, frame=fm.FACE_OVAL)
        self._fixed, self._free, self._h = mem.operator(set(self.ctrl) | zero)

    def displacement(self, lm: np.ndarray) -> np.ndarray:
        """The full (scale 1) smile of landmarks ``lm`` (>=468, 2), pixels: shape (468, 2)."""
        lm = np.asarray(lm, dtype=np.float64)[: fm.N_MESH]
        u = fm.iod_px(lm)
        r_eye = lm[list(fm.RIGHT_EYE_UPPER + fm.RIGHT_EYE_LOWER)].mean(0)
        l_eye = lm[list(fm.LEFT_EYE_UPPER + fm.LEFT_EYE_LOWER)].mean(0)
        roll = math.atan2(l_eye[1] - r_eye[1], l_eye[0] - r_eye[0])
        c, s = math.cos(roll), math.sin(roll)
        rot = np.array([[c, -s], [s, c]])  # upright -> image
        up = (lm - lm.mean(0)) @ rot  # image -> upright (row vectors times R)
        xl, xr = up[61, 0], up[291, 0]
        xc, half = 0.5 * (xl + xr), max(0.5 * abs(xr - xl), 1e-6)
        d_up = {}
        for i in fm.LIPS:
            r = min(abs(up[i, 0] - xc) / half, 1.0)
            # Corners out more than up, as the built-in faces' synthetic smile.
            d_up[i] = (0.12 * u * r ** 1.2 * np.sign(up[i, 0] - xc), -0.08 * u * r ** 1.5)
        for i in CHEEKS:
            d_up[i] = (0.015 * u * np.sign(up[i, 0] - xc), -0.05 * u)
        x = np.zeros((fm.N_MESH, 2))
        for i, d in d_up.items():
            x[i] = rot @ np.asarray(d)
        x[self._free] = self._h @ x[self._fixed]
        return x

    def apply(self, image: np.ndarray, lm: np.ndarray, scale: float,
              disp: np.ndarray | None = None) -> np.ndarray:
        """``image`` (h, w, 3) with the smile at ``scale`` drawn on its face ``lm`` (a new array).

        ``disp`` is ``displacement(lm)`` when already computed.
        """
        out = image.copy()
        if scale <= 0 or lm is None or not np.all(np.isfinite(lm)):
            return out
        lm = np.asarray(lm, dtype=np.float64)[: fm.N_MESH]
        d = scale * (self.displacement(lm) if disp is None else disp)
        moving = np.abs(d).max(1) > 1e-3
        res = self.warp.maps(lm + d, [lm], moving)
        if res is None:
            return out
        (x0, y0, x1, y1), maps = res
        x1, y1 = min(x1, self.width), min(y1, self.height)
        if x1 <= x0 or y1 <= y0:
            return out
        m = np.ascontiguousarray(maps[0][: y1 - y0, : x1 - x0])
        out[y0:y1, x0:x1] = cv2.remap(image, m, None, cv2.INTER_LINEAR,
                                      borderMode=cv2.BORDER_REPLICATE)
        return out


def calibration_frames(has_face: np.ndarray, fps: float,
                       spacing_s: float = CALIBRATION_SPACING_S) -> list[int]:
    """Frame indices with a face, about ``spacing_s`` apart over the whole clip
    (at least :data:`MIN_CALIBRATION_FRAMES`, at most :data:`MAX_CALIBRATION_FRAMES`)."""
    idx = np.flatnonzero(has_face)
    n = int(round(len(has_face) / fps / spacing_s)) + 1
    n = min(max(n, MIN_CALIBRATION_FRAMES), MAX_CALIBRATION_FRAMES)
    if len(idx) <= n:
        return [int(i) for i in idx]
    pick = np.round(np.linspace(0, len(idx) - 1, n)).astype(int)
    return [int(idx[k]) for k in pick]


def calibrate_smile(frames: Sequence[np.ndarray], landmarks: Sequence[np.ndarray],
                    warp: SmileWarp, smile_of: Callable[[list[np.ndarray]], list[float]],
                    target: float, scales: Sequence[float] = CALIBRATION_SCALES) -> dict:
    """Measure the smile channel's rise against the displacement scale, frame by frame.

    Every calibration frame is rendered at every scale and read by
    ``smile_of``; its rise is smile(scale) - smile(0). How much a given
    displacement moves MediaPipe's smile channel depends strongly on the
    face's current state (mouth shape, pose, a spontaneous smile already
    there), which changes slowly over the clip, so the curve is kept per
    frame and interpolated in time by :func:`scale_for`. Scales are added (in
    steps of 0.25, up to :data:`MAX_SCALE`) while some frame's rise at the
    largest scale is below ``target``.

    Parameters
    ----------
    frames, landmarks : sequences of ndarray
        RGB frames and their landmarks, pixels.
    warp : SmileWarp
    smile_of : callable
        ``smile_of(images) -> [smile channel or nan]`` (MediaPipe, IMAGE mode).
    target : float
        The rise every frame should reach, if it can (the amplitude).
    scales : sequence of float
        Starting with 0.

    Returns
    -------
    dict
        ``scales``; ``rise`` (n_frames, n_scales), each row non-decreasing (the
        running maximum of the measured rise, negative values set to 0);
        ``smile_rise`` and ``smile_rise_sd``, its mean and standard deviation
        over frames; ``baseline_smile`` (mean at scale 0); ``lost`` (frames
        the tracker missed at some scale: their row is interpolated).
    """
    disps = [warp.displacement(lm) for lm in landmarks]

    def measure(s: float) -> np.ndarray:
        imgs = [warp.apply(f, lm, s, d) for f, lm, d in zip(frames, landmarks, disps)]
        return np.asarray(smile_of(imgs), dtype=float)

    scales = [float(s) for s in scales]
    readings = [measure(s) for s in scales]
    while (np.nanmin(readings[-1] - readings[0]) < target
           and scales[-1] + 0.25 <= MAX_SCALE + 1e-9):
        scales.append(scales[-1] + 0.25)
        readings.append(measure(scales[-1]))
    table = np.vstack(readings).T  # (n_frames, n_scales)
    ok = np.all(np.isfinite(table), axis=1)
    if not ok.any():
        raise ValueError("the tracker lost the face on every calibration frame")
    pos = np.arange(len(table))
    for j in range(table.shape[1]):  # frames lost at some scale: from their neighbours
        table[~ok, j] = np.interp(pos[~ok], pos[ok], table[ok, j])
    rise = np.maximum.accumulate(np.maximum(table - table[:, :1], 0.0), axis=1)
    return {
        "scales": scales,
        "rise": np.round(rise, 4).tolist(),
        "smile_rise": [round(float(v), 4) for v in rise.mean(0)],
        "smile_rise_sd": [round(float(v), 4) for v in rise.std(0)],
        "baseline_smile": round(float(table[:, 0].mean()), 4),
        "lost": int((~ok).sum()),
    }


def scale_for(rise: np.ndarray | float, calibration: dict, position: np.ndarray | float
              ) -> np.ndarray:
    """The displacement scale expected to raise the smile channel by ``rise``.

    Parameters
    ----------
    rise : array_like
        Wanted rise of the smile channel.
    calibration : dict
        From :func:`calibrate_smile`, with ``frames`` (the calibration frames'
        indices) added.
    position : array_like
        Source frame index of each ``rise``: the curves of the calibration
        frames either side are interpolated linearly.

    Returns
    -------
    ndarray
        Scales; rises above what a frame's curve reaches get its largest
        scale (saturation), rises <= 0 get 0.
    """
    s = np.asarray(calibration["scales"], dtype=float)
    curves = np.asarray(calibration["rise"], dtype=float)
    at = np.asarray(calibration["frames"], dtype=float)
    rise, position = np.broadcast_arrays(np.asarray(rise, float), np.asarray(position, float))
    shape = rise.shape
    rise, position = rise.ravel(), position.ravel()
    out = np.zeros(rise.shape)
    eps = np.arange(len(s)) * 1e-9  # strictly increasing abscissae for np.interp
    for idx in np.flatnonzero(rise > 0):
        j = int(np.clip(np.searchsorted(at, position[idx]), 1, max(len(at) - 1, 1)))
        if len(at) == 1:
            curve = curves[0]
        else:
            w = float(np.clip((position[idx] - at[j - 1]) / max(at[j] - at[j - 1], 1e-9), 0, 1))
            curve = (1 - w) * curves[j - 1] + w * curves[j]
        out[idx] = np.interp(rise[idx], curve + eps, s, left=0.0, right=float(s[-1]))
    return out.reshape(shape)

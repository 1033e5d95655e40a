"""Ask MediaPipe's face model what it reads on one still image.

A small helper for building the face assets, the contact sheet and the face
tests: it runs the Face Landmarker in IMAGE mode on RGB arrays. It is not the
session tracker (that one runs in VIDEO mode on a stream).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from mimicry.core.channels import compute_channels, pose_from_matrix


@dataclass(frozen=True, slots=True)
class ProbeResult:
    """What the model read on one image.

    Attributes
    ----------
    channels : dict of str to float
        Expression channels (:func:`mimicry.core.channels.compute_channels`).
    blendshapes : ndarray, shape (52,), float32
        Scores in :data:`mimicry.core.channels.BLENDSHAPE_NAMES` order.
    landmarks_px : ndarray, shape (478, 2), float32
        Landmark x, y in pixels of the probed image.
    z_px : ndarray, shape (478,), float32
        Landmark depth in pixels (MediaPipe's z times the image width; the
        head centre is 0, negative is towards the camera).
    pose : tuple of float
        Head (yaw, pitch, roll) in degrees (:func:`mimicry.core.channels.pose_from_matrix`).
    """

    channels: dict[str, float]
    blendshapes: np.ndarray
    landmarks_px: np.ndarray
    z_px: np.ndarray
    pose: tuple[float, float, float]


class FaceProbe:
    """MediaPipe Face Landmarker in IMAGE mode, with blendshapes.

    Use as a context manager (or call :meth:`close`): the landmarker holds
    native resources that must be released before interpreter exit.

    Parameters
    ----------
    model_path : path-like | None
        The ``face_landmarker.task`` bundle; default the shipped one.
    """

    def __init__(self, model_path: str | Path | None = None) -> None:
        from mimicry.tracking.mediapipe_api import mediapipe_vision

        _, BaseOptions, vision = mediapipe_vision()

        if model_path is None:
            model_path = (Path(__file__).resolve().parents[1] / "assets" / "models"
                          / "face_landmarker.task")
        opts = vision.FaceLandmarkerOptions(
            base_options=BaseOptions(model_asset_path=str(model_path)),
            running_mode=vision.RunningMode.IMAGE,
            num_faces=1,
            output_face_blendshapes=True,
            output_facial_transformation_matrixes=True,
        )
        from mimicry.tracking.no_network import create_offline

        self._landmarker = create_offline(lambda: vision.FaceLandmarker.create_from_options(opts))

    def __enter__(self) -> "FaceProbe":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self._landmarker is not None:
            self._landmarker.close()
            self._landmarker = None

    def read(self, image: np.ndarray) -> ProbeResult | None:
        """Run the model on one RGB image.

        Parameters
        ----------
        image : ndarray, shape (height, width, 3), uint8
            RGB pixels.

        Returns
        -------
        ProbeResult | None
            None when no face is detected.
        """
        import mediapipe as mp

        img = np.ascontiguousarray(image, dtype=np.uint8)
        h, w = img.shape[:2]
        res = self._landmarker.detect(mp.Image(image_format=mp.ImageFormat.SRGB, data=img))
        if not res.face_landmarks:
            return None
        lm = res.face_landmarks[0]
        xy = np.array([[p.x * w, p.y * h] for p in lm], dtype=np.float32)
        z = np.array([p.z * w for p in lm], dtype=np.float32)
        bs = np.array([c.score for c in res.face_blendshapes[0]], dtype=np.float32)
        pose = pose_from_matrix(np.asarray(res.facial_transformation_matrixes[0]))
        return ProbeResult(compute_channels(bs), bs, xy, z, pose)

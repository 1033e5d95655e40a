"""Face tracking with MediaPipe Face Landmarker.

:class:`Tracker` is the contract: ``process(frame) -> list[FaceObservation]``
(one per face slot) and an idempotent ``close()``. :class:`MediaPipeTracker`
runs the Tasks API in VIDEO mode (IMAGE mode for unrelated photos) with
blendshapes and the facial transformation matrix on.

Face slots are kept apart by position: with several faces, slot 0 is the face
whose centre is leftmost in the image, slot 1 the next, and so on.
"""

from __future__ import annotations

import contextlib
import os
from abc import ABC, abstractmethod
from typing import Literal

import numpy as np

from mimicry.core.channels import compute_channels, pose_from_matrix
from mimicry.core.errors import ModelError
from mimicry.core.messages import FaceObservation, Frame
from mimicry.tracking.model import verify_model
from mimicry.tracking.mediapipe_api import mediapipe_vision
from mimicry.tracking.no_network import create_offline
from mimicry.core.native import native_logs_silenced as _native_logs_silenced


#: Landmark index of the nose tip, used to order faces left to right.
_NOSE_TIP = 1


class Tracker(ABC):
    """Turns frames into face observations, one per slot."""

    num_faces: int = 1

    @abstractmethod
    def process(self, frame: Frame) -> list[FaceObservation]:
        """Observations for ``frame``: a list of length ``num_faces``."""

    def close(self) -> None:
        """Release resources. Safe to call more than once."""

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def empty_observation(frame: Frame, face_id: int) -> FaceObservation:
    return FaceObservation(t=frame.t, frame=frame.index, face_id=face_id, detected=False,
                           source=frame.source)


class MediaPipeTracker(Tracker):
    """MediaPipe Face Landmarker (478 landmarks, 52 blendshapes, head pose).

    Parameters
    ----------
    model_path : str, optional
        The ``face_landmarker.task`` file; default: ``--model``/``MIMICRY_MODEL``/shipped.
        Verified by SHA-256 before loading.
    num_faces : int
        Face slots per frame (1-4).
    mode : {"video", "image"}
        VIDEO tracks across frames and needs strictly increasing timestamps;
        IMAGE treats each frame independently (for folders of photos).
    keep_landmarks : bool
        Attach the 478 landmarks to each observation (the app's overlay needs
        them; offline processing does not, and converting them costs time).
    """

    def __init__(self, model_path: str | os.PathLike | None = None, *, num_faces: int = 1,
                 mode: Literal["video", "image"] = "video", keep_landmarks: bool = True) -> None:
        from mimicry.core.check import check_int, check_option  # noqa: PLC0415

        check_int("faces", num_faces, 1, 4, error=ModelError)
        check_option("mode", mode, ("video", "image"))
        path = verify_model(model_path)
        self.model_path = path
        self.num_faces = int(num_faces)
        self.mode = mode
        self.keep_landmarks = keep_landmarks
        mp, BaseOptions, vision = mediapipe_vision()

        running = vision.RunningMode.VIDEO if mode == "video" else vision.RunningMode.IMAGE
        opts = vision.FaceLandmarkerOptions(
            base_options=BaseOptions(model_asset_path=str(path)),
            running_mode=running, num_faces=self.num_faces,
            output_face_blendshapes=True, output_facial_transformation_matrixes=True)
        try:
            with _native_logs_silenced():
                self._landmarker = create_offline(
                    lambda: vision.FaceLandmarker.create_from_options(opts))
        except (RuntimeError, ValueError) as exc:
            raise ModelError(f"face model {path} could not be loaded by MediaPipe: "
                             f"{str(exc).splitlines()[0]}") from None
        self._mp = mp
        self._last_ms = -1
        self._closed = False
        self._warmed_up = False

    def _timestamp_ms(self, t: float) -> int:
        # VIDEO mode rejects a timestamp that does not increase; frames closer
        # than 1 ms apart (or a clock hiccup) are nudged forward by 1 ms.
        ms = max(int(round(t * 1000.0)), self._last_ms + 1)
        self._last_ms = ms
        return ms

    def process(self, frame: Frame) -> list[FaceObservation]:
        if self._closed:
            raise RuntimeError("tracker is closed")
        img = frame.image
        if not img.flags["C_CONTIGUOUS"]:
            img = np.ascontiguousarray(img)
        mp_image = self._mp.Image(image_format=self._mp.ImageFormat.SRGB, data=img)
        quiet = contextlib.nullcontext() if self._warmed_up else _native_logs_silenced()
        with quiet:  # the first inference logs native warnings too
            if self.mode == "video":
                result = self._landmarker.detect_for_video(mp_image, self._timestamp_ms(frame.t))
            else:
                result = self._landmarker.detect(mp_image)
        self._warmed_up = True
        faces = []
        for i, lms in enumerate(result.face_landmarks):
            landmarks = (np.array([(p.x, p.y, p.z) for p in lms], dtype=np.float32)
                         if self.keep_landmarks else None)
            bs = np.array([c.score for c in result.face_blendshapes[i]], dtype=np.float32)
            matrix = result.facial_transformation_matrixes[i]
            faces.append((lms[_NOSE_TIP].x, landmarks, bs, matrix))
        # Slots by position, leftmost first, so two people keep their slots.
        faces.sort(key=lambda f: f[0])
        out = []
        for slot in range(self.num_faces):
            if slot < len(faces):
                _, landmarks, bs, matrix = faces[slot]
                out.append(FaceObservation(
                    t=frame.t, frame=frame.index, face_id=slot, detected=True,
                    channels=compute_channels(bs), blendshapes=bs,
                    pose=pose_from_matrix(matrix), landmarks=landmarks, source=frame.source))
            else:
                out.append(empty_observation(frame, slot))
        return out

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._landmarker.close()

"""Small frozen messages passed between pipeline stages.

Times (``t``) are seconds from the session's start on its one monotonic clock.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True, slots=True)
class Frame:
    """One image from a frame source.

    Attributes
    ----------
    index : int
        Running frame number from 0, counting frames delivered (not dropped).
    t : float
        Seconds from the start of the source, monotonic.
    image : ndarray, shape (height, width, 3), uint8
        RGB pixels. Treat as read-only.
    source : str
        The file the frame came from, for image folders; empty otherwise.
    """

    index: int
    t: float
    image: np.ndarray
    source: str = ""


@dataclass(frozen=True, slots=True)
class FaceObservation:
    """What the tracker saw in one face slot of one frame.

    When ``detected`` is False, every measurement is None.

    Attributes
    ----------
    channels : dict of str to float
        Expression channels (see :mod:`mimicry.core.channels`), 0-1 except valence (-1..1).
    blendshapes : ndarray, shape (52,), float32
        MediaPipe blendshape scores in :data:`mimicry.core.channels.BLENDSHAPE_NAMES` order.
    pose : tuple of float
        Head (yaw, pitch, roll) in degrees.
    landmarks : ndarray, shape (478, 3), float32
        Normalised image coordinates (x, y in 0-1, z relative). Kept in memory
        only; written to disk only when the user asks.
    """

    t: float
    frame: int
    face_id: int
    detected: bool
    channels: dict[str, float] | None = None
    blendshapes: np.ndarray | None = None
    pose: tuple[float, float, float] | None = None
    landmarks: np.ndarray | None = field(default=None, repr=False)
    source: str = ""


@dataclass(frozen=True, slots=True)
class StimulusEvent:
    """One row of ``events.csv``.

    ``event`` is one of :data:`mimicry.io.formats.EVENT_KINDS`. ``detail`` holds
    ``key=value`` pairs separated by ``;`` (see :func:`mimicry.io.formats.parse_detail`).
    """

    t: float
    event: str
    trial: int | None = None
    condition: str = ""
    stimulus_id: str = ""
    detail: str = ""

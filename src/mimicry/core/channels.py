"""Expression channels from MediaPipe's 52 blendshapes.

Each channel is named for the facial action it stands for. The formulas are
the README's (section "Expression channels"); keep the two in step.

=================  ========  ==========================================
channel            FACS AU   formula (MediaPipe blendshapes)
=================  ========  ==========================================
smile              AU12      mean(mouthSmileLeft, mouthSmileRight)
frown              AU15      mean(mouthFrownLeft, mouthFrownRight)
brow_lower         AU4       mean(browDownLeft, browDownRight)
brow_raise_inner   AU1       browInnerUp
cheek_raise        AU6       max(mean(cheekSquintLeft, cheekSquintRight),
                             mean(eyeSquintLeft, eyeSquintRight))
jaw_open           AU26/27   jawOpen
blink              AU45      mean(eyeBlinkLeft, eyeBlinkRight)
valence            --        smile - clip(brow_raise_inner + frown, 0, 1)
=================  ========  ==========================================

Why ``cheek_raise`` falls back on ``eyeSquint*``: in the shipped model
``cheekSquint*`` is always 0 (measured on every test photo and clip), while the
eye narrowing that AU6 produces shows up in ``eyeSquint*`` (0.3 neutral to
0.5-0.75 on Duchenne smiles). ``eyeSquint`` also rises with anger (AU7), so
read ``cheek_raise`` together with ``smile``.

Why valence uses the inner brow and not ``brow_lower``: on real faces
``mouthFrown*`` barely fires (<= 0.1 even when crying), so sadness shows mainly as
``browInnerUp``; ``browDown*`` also rises on broad, squinting smiles, so it
cannot stand for negative affect. A neutral face does not read zero
(``browInnerUp`` sits around 0.2-0.3 for many people): valence is meant to be
read against the person's own baseline.
"""

from __future__ import annotations

import numpy as np

BLENDSHAPE_NAMES: tuple[str, ...] = (
    "_neutral", "browDownLeft", "browDownRight", "browInnerUp", "browOuterUpLeft",
    "browOuterUpRight", "cheekPuff", "cheekSquintLeft", "cheekSquintRight",
    "eyeBlinkLeft", "eyeBlinkRight", "eyeLookDownLeft", "eyeLookDownRight",
    "eyeLookInLeft", "eyeLookInRight", "eyeLookOutLeft", "eyeLookOutRight",
    "eyeLookUpLeft", "eyeLookUpRight", "eyeSquintLeft", "eyeSquintRight",
    "eyeWideLeft", "eyeWideRight", "jawForward", "jawLeft", "jawOpen", "jawRight",
    "mouthClose", "mouthDimpleLeft", "mouthDimpleRight", "mouthFrownLeft",
    "mouthFrownRight", "mouthFunnel", "mouthLeft", "mouthLowerDownLeft",
    "mouthLowerDownRight", "mouthPressLeft", "mouthPressRight", "mouthPucker",
    "mouthRight", "mouthRollLower", "mouthRollUpper", "mouthShrugLower",
    "mouthShrugUpper", "mouthSmileLeft", "mouthSmileRight", "mouthStretchLeft",
    "mouthStretchRight", "mouthUpperUpLeft", "mouthUpperUpRight", "noseSneerLeft",
    "noseSneerRight",
)
BLENDSHAPE_INDEX: dict[str, int] = {n: i for i, n in enumerate(BLENDSHAPE_NAMES)}

CHANNELS: tuple[str, ...] = (
    "smile", "frown", "brow_lower", "brow_raise_inner", "cheek_raise", "jaw_open",
    "blink", "valence",
)

#: Channels that show sadness on a webcam (see module docstring).
SAD_CHANNELS: tuple[str, ...] = ("brow_raise_inner", "frown")

_PAIRS = {
    "smile": ("mouthSmileLeft", "mouthSmileRight"),
    "frown": ("mouthFrownLeft", "mouthFrownRight"),
    "brow_lower": ("browDownLeft", "browDownRight"),
    "brow_raise_inner": ("browInnerUp",),
    "jaw_open": ("jawOpen",),
    "blink": ("eyeBlinkLeft", "eyeBlinkRight"),
}
_CHEEK = (BLENDSHAPE_INDEX["cheekSquintLeft"], BLENDSHAPE_INDEX["cheekSquintRight"])
_EYE_SQUINT = (BLENDSHAPE_INDEX["eyeSquintLeft"], BLENDSHAPE_INDEX["eyeSquintRight"])
_IDX = {ch: tuple(BLENDSHAPE_INDEX[n] for n in names) for ch, names in _PAIRS.items()}


def compute_channels(blendshapes: np.ndarray) -> dict[str, float]:
    """Expression channels of one face.

    Parameters
    ----------
    blendshapes : ndarray, shape (52,)
        Scores in :data:`BLENDSHAPE_NAMES` order.

    Returns
    -------
    dict of str to float
        One value per name in :data:`CHANNELS`.
    """
    b = blendshapes
    out = {ch: float(sum(b[i] for i in idx) / len(idx)) for ch, idx in _IDX.items()}
    cheek = (b[_CHEEK[0]] + b[_CHEEK[1]]) / 2.0
    eye_squint = (b[_EYE_SQUINT[0]] + b[_EYE_SQUINT[1]]) / 2.0
    out["cheek_raise"] = float(max(cheek, eye_squint))
    sad = min(max(out["brow_raise_inner"] + out["frown"], 0.0), 1.0)
    out["valence"] = out["smile"] - sad
    return out


def pose_from_matrix(matrix: np.ndarray) -> tuple[float, float, float]:
    """Head yaw, pitch and roll in degrees from MediaPipe's facial transformation matrix.

    Parameters
    ----------
    matrix : ndarray, shape (4, 4)
        Canonical face -> camera transform.

    Returns
    -------
    yaw, pitch, roll : float
        Degrees, 0 when the face looks straight into the camera. Yaw is
        positive when the face turns towards the right side of the image (the
        person's own left), pitch positive when the chin goes up, roll positive
        when the head tilts counterclockwise as seen in the image (towards the
        person's right shoulder). Tests pin these signs on real footage.
    """
    r = np.asarray(matrix, dtype=np.float64)[:3, :3]
    # R = Ry(yaw) @ Rx(pitch) @ Rz(roll) decomposition (y up, z towards camera).
    pitch = np.degrees(np.arcsin(np.clip(r[1, 2], -1.0, 1.0)))
    yaw = np.degrees(np.arctan2(r[0, 2], r[2, 2]))
    roll = np.degrees(np.arctan2(r[1, 0], r[1, 1]))
    return float(yaw), float(pitch), float(roll)

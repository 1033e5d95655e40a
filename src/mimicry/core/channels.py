"""Expression channels from MediaPipe's 52 blendshapes.

Each channel is named for the facial action it stands for. The formulas are
the README's (section "Expression channels"); keep the two in step.

Each channel is one :class:`Channel` entry in :data:`REGISTRY`; every channel
list elsewhere (frames.csv, analysis, trials.csv, summary.json) is derived from
it when those modules are imported: an extension adds a channel with
:func:`register` before importing the rest of ``mimicry``.

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

import math
from dataclasses import dataclass
from typing import Callable, Mapping

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

def _mean_of(*names: str) -> Callable[[np.ndarray, Mapping[str, float]], float]:
    idx = tuple(BLENDSHAPE_INDEX[n] for n in names)

    def compute(b: np.ndarray, done: Mapping[str, float]) -> float:
        return float(sum(b[i] for i in idx) / len(idx))
    return compute


_CHEEK = (BLENDSHAPE_INDEX["cheekSquintLeft"], BLENDSHAPE_INDEX["cheekSquintRight"])
_EYE_SQUINT = (BLENDSHAPE_INDEX["eyeSquintLeft"], BLENDSHAPE_INDEX["eyeSquintRight"])


def _cheek_raise(b: np.ndarray, done: Mapping[str, float]) -> float:
    cheek = (b[_CHEEK[0]] + b[_CHEEK[1]]) / 2.0
    eye_squint = (b[_EYE_SQUINT[0]] + b[_EYE_SQUINT[1]]) / 2.0
    return float(max(cheek, eye_squint))


def _sad_term(done: Mapping[str, float]) -> float:
    return min(max(done["brow_raise_inner"] + done["frown"], 0.0), 1.0)


def _valence(b: np.ndarray, done: Mapping[str, float]) -> float:
    return done["smile"] - _sad_term(done)


@dataclass(frozen=True)
class Channel:
    """One expression channel: everything the rest of the code needs to know about it.

    Parameters
    ----------
    name : str
        Column name in ``frames.csv``, ``trials.csv`` and ``summary.json``.
    action_unit : str
        FACS action unit (documentation only).
    compute : callable or None
        ``compute(blendshapes, earlier)`` -> float, where ``earlier`` holds the
        channels computed before this one (registry order). None for an
        analysis-only channel (``tracked=False``), which the analysis computes.
    tracked : bool
        Computed per frame by the tracker (in :data:`CHANNELS` and ``frames.csv``).
    analysed_in_trials : bool
        Written to ``trials.csv`` (mean, peak and latency per trial).
    trial_csv_position : float
        Sort key of the channel's columns in ``trials.csv``.
    sad : bool
        Shows sadness on a webcam (:data:`SAD_CHANNELS`); its latency is read at
        sad trials in ``summary.json``.
    index_sign : float or None
        Sign in the mimicry index (None: not part of it).
    derived : bool
        Computed from other channels, not an independent signal (the signal-level
        virtual participant does not simulate it).
    """

    name: str
    action_unit: str
    compute: Callable[[np.ndarray, Mapping[str, float]], float] | None
    tracked: bool = True
    analysed_in_trials: bool = True
    trial_csv_position: float = math.inf
    sad: bool = False
    index_sign: float | None = None
    derived: bool = False


#: The sad composite (analysis only): the term valence subtracts.
SAD_COMPOSITE = "sad_composite"

#: Every channel, in frames.csv / summary.json order. Tracked channels first;
#: analysis-only ones (``tracked=False``) follow in :data:`ANALYSIS_CHANNELS`.
REGISTRY: list[Channel] = [
    Channel("smile", "AU12", _mean_of("mouthSmileLeft", "mouthSmileRight"),
            trial_csv_position=0, index_sign=1.0),
    Channel("frown", "AU15", _mean_of("mouthFrownLeft", "mouthFrownRight"),
            trial_csv_position=2, sad=True),
    Channel("brow_lower", "AU4", _mean_of("browDownLeft", "browDownRight"),
            trial_csv_position=6),
    Channel("brow_raise_inner", "AU1", _mean_of("browInnerUp"), trial_csv_position=1, sad=True),
    Channel("cheek_raise", "AU6", _cheek_raise, trial_csv_position=5),
    Channel("jaw_open", "AU26/27", _mean_of("jawOpen"), trial_csv_position=7),
    Channel("blink", "AU45", _mean_of("eyeBlinkLeft", "eyeBlinkRight"), trial_csv_position=8),
    Channel("valence", "--", _valence, trial_csv_position=4, derived=True),
    Channel(SAD_COMPOSITE, "--", None, tracked=False, trial_csv_position=3, sad=True,
            index_sign=-1.0, derived=True),
]

CHANNELS: tuple[str, ...] = ()
SAD_CHANNELS: tuple[str, ...] = ()
ANALYSIS_CHANNELS: tuple[str, ...] = ()
TRIAL_CSV_CHANNELS: tuple[str, ...] = ()
INDEX_CHANNELS: dict[str, float] = {}
SAD_LATENCY_CHANNELS: tuple[str, ...] = ()
_TRACKED: tuple[Channel, ...] = ()

def _derive() -> dict:
    tracked = [c for c in REGISTRY if c.tracked]
    analysis = tracked + [c for c in REGISTRY if not c.tracked]
    return {
        "_TRACKED": tuple(tracked),
        #: Channels the tracker computes per frame (``frames.csv`` columns).
        "CHANNELS": tuple(c.name for c in tracked),
        #: Tracked channels that show sadness on a webcam (see module docstring).
        "SAD_CHANNELS": tuple(c.name for c in sorted(
            (c for c in tracked if c.sad), key=lambda c: c.trial_csv_position)),
        #: Every channel the analysis reports: the tracker's plus analysis-only ones.
        "ANALYSIS_CHANNELS": tuple(c.name for c in analysis),
        #: Channels written to trials.csv, in column order.
        "TRIAL_CSV_CHANNELS": tuple(c.name for c in sorted(
            (c for c in analysis if c.analysed_in_trials), key=lambda c: c.trial_csv_position)),
        #: Channels of the mimicry index with the sign of "congruent".
        "INDEX_CHANNELS": {c.name: c.index_sign for c in sorted(
            (c for c in analysis if c.index_sign is not None),
            key=lambda c: c.trial_csv_position)},
        #: Channels whose latency summary.json reads at sad trials.
        "SAD_LATENCY_CHANNELS": tuple(c.name for c in analysis if c.sad),
    }


def register(channel: Channel) -> None:
    """Add a channel to the registry and recompute this module's lists.

    Modules that derive constants from the registry (``io.formats``,
    ``analysis.offline``, ``analysis.config``) read it when they are imported, so an
    extension registers its channels before importing the rest of ``mimicry``.
    """
    REGISTRY.append(channel)
    globals().update(_derive())


globals().update(_derive())


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
    out: dict[str, float] = {}
    for c in _TRACKED:
        out[c.name] = c.compute(blendshapes, out)
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

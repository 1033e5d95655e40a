"""The built-in animated stimulus faces (also the virtual participant).

Each identity is a pair of real photographs of one person from the Face
Research Lab London Set (CC BY 4.0; see ``assets/faces/ATTRIBUTION.md``): a
neutral and a smiling photo from the same session. Expressions are made by
warping the neutral photo with a piecewise-affine mesh warp over MediaPipe's
468-point face mesh plus fixed anchor points:

- **happy**: the mesh moves towards the smiling photo's landmarks and the
  face cross-dissolves into the smiling photo warped to the same shape (real
  teeth, real cheeks);
- **sad**: synthesised displacements (inner brows up and together, lip
  corners down, chin raised);
- **yawn**: jaw and lower lip far down, eyes half closed, a painted mouth
  cavity;
- **talk** (the yawn demo's control): the yawn's jaw movement at a third of
  its size, without the eye closure; :func:`mimicry.protocol.timeline.trial_intensity`
  makes it a series of short openings;
- **blink**: the upper lids close onto the lower lids.

Rendering needs numpy and OpenCV only (no Qt, no display) and returns RGB
``uint8`` arrays. The geometry is prepared once per (identity, size) and
cached; a frame costs one rasterisation of the moving triangles on a coarse
grid and one ``cv2.remap`` per photo.

The smooth onset morph is not done here: callers pass the already-eased
intensity (see :func:`mimicry.protocol.timeline.trial_intensity`).
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass, fields

import numpy as np

from mimicry.core.assets import IDENTITIES, PARTICIPANT_IDENTITY, faces_dir  # noqa: F401
from mimicry.core.check import check_option, check_type, invalid
from mimicry.stimulus import _face_mesh as fm
from mimicry.stimulus._face_rig import _rig

#: Conditions :func:`expression_for` understands.
CONDITIONS: tuple[str, ...] = ("happy", "sad", "neutral", "yawn", "talk")
#: Jaw opening of a full ``talk`` movement, as a fraction of a full yawn's.
TALK_JAW = 0.35



@dataclass(frozen=True, slots=True)
class Expression:
    """How strongly the face shows each expression.

    Attributes
    ----------
    happy, sad, yawn : float
        Intensity 0 (absent) to 1 (full). They may be combined.
    talk : float
        Mouth opening of speech-like movements, 0-1 (the jaw of a yawn scaled
        by :data:`TALK_JAW`, eyes open).
    """

    happy: float = 0.0
    sad: float = 0.0
    yawn: float = 0.0
    talk: float = 0.0

    def __post_init__(self) -> None:
        for f in fields(self):
            # Stored as plain floats so equal expressions compare and hash equal.
            object.__setattr__(self, f.name, _check_unit(f.name, getattr(self, f.name),
                                                         what="expression intensity"))

    @property
    def is_neutral(self) -> bool:
        """True when every intensity is 0."""
        return self.happy == 0.0 and self.sad == 0.0 and self.yawn == 0.0 and self.talk == 0.0

    @property
    def jaw(self) -> float:
        """How far the jaw is dropped, in full-yawn units."""
        return min(1.0, self.yawn + TALK_JAW * self.talk)


def expression_for(condition: str, intensity: float) -> Expression:
    """The expression a condition shows at a given intensity.

    Parameters
    ----------
    condition : str
        ``"happy"``, ``"sad"``, ``"yawn"``, ``"talk"`` or ``"neutral"``.
    intensity : float
        0-1 (already eased by the caller).

    Returns
    -------
    Expression
        ``intensity`` in the condition's field; all zero for ``"neutral"``.
    """
    check_option("condition", condition, CONDITIONS)
    x = _check_unit("intensity", intensity)
    if condition == "neutral":
        return Expression()
    return Expression(**{condition: x})


def _check_unit(name: str, value, what: str = "parameter") -> float:
    """``value`` as a float in [0, 1], else ConfigError naming ``name``."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        v = float("nan")
    if not 0.0 <= v <= 1.0:  # also rejects NaN
        raise invalid(name, "a number from 0 to 1", value)
    return v


def _check_identity(identity: str) -> None:
    check_option("identity", identity, IDENTITIES)


def _check_size(size_px) -> int:
    if isinstance(size_px, bool) or not isinstance(size_px, (int, np.integer)) \
            or not 64 <= int(size_px) <= 4096:
        raise invalid("size_px", "an integer from 64 to 4096", size_px)
    return int(size_px)


def _check_head(head) -> tuple[float, float, float]:
    try:
        h = tuple(float(x) for x in head)
    except (TypeError, ValueError):
        h = ()
    if len(h) != 3 or not all(abs(x) <= 20.0 for x in h):
        raise invalid("head", "(yaw_deg, pitch_deg, roll_deg) each within +-20 degrees", head)
    return h


class FaceRenderer:
    """Render one built-in identity with a given expression.

    Parameters
    ----------
    identity : str
        One of :data:`IDENTITIES`.
    size_px : int
        Side of the square output image, pixels.

    Examples
    --------
    >>> r = FaceRenderer("alex", size_px=480)
    >>> img = r.render(Expression(happy=0.7))   # (480, 480, 3) uint8 RGB
    """

    def __init__(self, identity: str, size_px: int = 720) -> None:
        _check_identity(identity)
        self.identity = identity
        self.size_px = _check_size(size_px)
        self._rig = _rig(identity, self.size_px)

    def render(self, expression: Expression, *, blink: float = 0.0,
               head: tuple[float, float, float] = (0.0, 0.0, 0.0)) -> np.ndarray:
        """One frame.

        Parameters
        ----------
        expression : Expression
            Intensities 0-1.
        blink : float
            Eyelid closure, 0 open to 1 closed.
        head : (yaw_deg, pitch_deg, roll_deg)
            Small head rotation, degrees (meant for idle motion, within about
            8 degrees). Signs follow :func:`mimicry.core.channels.pose_from_matrix`,
            so the tracker reads back the same signs: yaw > 0 turns the nose
            towards image right, pitch > 0 looks up, roll > 0 tilts the top of
            the head towards image left. Drawn as a 2-D warp of the face mesh
            with depth parallax (an approximation); the tracker reads back
            roughly 0.5-1 times the angle.

        Returns
        -------
        ndarray, shape (size_px, size_px, 3), uint8
            RGB. A new array the caller may modify.
        """
        check_type("expression", expression, Expression)
        return self._rig.render(expression, _check_unit("blink", blink), _check_head(head))


def _check_time(t_s) -> float:
    try:
        t = float(t_s)
    except (TypeError, ValueError):
        t = float("nan")
    if not math.isfinite(t):
        raise invalid("t_s", "a finite number of seconds", t_s)
    return t


class FaceAnimator:
    """A living face: natural blinks and small idle head motion, deterministic for a seed.

    Parameters
    ----------
    identity : str
        One of :data:`IDENTITIES`.
    size_px : int
        Output side, pixels.
    seed : int
        Seeds the blink times and the head-motion phases.
    idle_motion : float
        Scale of the idle head motion (0 still, 1 natural: about 1-2 degrees
        of sway and a breathing-like 0.4 % scale change).
    blinks : bool
        Whether the face blinks (every 2-6 s, 120-200 ms, sometimes twice).

    Notes
    -----
    A frame is a pure function of (seed, t_s, expression), so frames can be
    rendered in any order and in parallel processes.
    """

    #: (amplitude_deg, frequency_hz) of the sinusoids summed for yaw, pitch, roll.
    _SWAY = {
        "yaw": ((1.1, 0.071), (0.5, 0.163), (0.25, 0.31)),
        "pitch": ((0.7, 0.053), (0.35, 0.137), (0.15, 0.27)),
        "roll": ((0.8, 0.043), (0.35, 0.119), (0.15, 0.23)),
    }
    _BREATH_HZ = 0.23
    _BREATH_SCALE = 0.004

    def __init__(self, identity: str, size_px: int = 720, *, seed: int = 0,
                 idle_motion: float = 1.0, blinks: bool = True) -> None:
        self.renderer = FaceRenderer(identity, size_px)
        self.identity = identity
        self.size_px = self.renderer.size_px
        try:
            idle = float(idle_motion)
        except (TypeError, ValueError):
            idle = float("nan")
        if not 0.0 <= idle <= 4.0:
            raise invalid("idle_motion", "a number from 0 to 4", idle_motion)
        self.seed = int(seed)
        self.idle_motion = idle
        self.blinks = bool(blinks)
        rng = np.random.default_rng([self.seed, 0x5EED])
        self._phases = {k: rng.uniform(0, 2 * np.pi, len(v)) for k, v in self._SWAY.items()}
        self._breath_phase = float(rng.uniform(0, 2 * np.pi))
        # Blink times come from their own stream, extended on demand: the
        # sequence is the same whatever order frames are asked for.
        self._blink_rng = np.random.default_rng([self.seed, 0xB11C])
        self._blink_t: list[float] = []    # start times, s, increasing
        self._blink_dur: list[float] = []  # durations, s

    def head(self, t_s: float) -> tuple[tuple[float, float, float], float]:
        """Idle head pose (yaw, pitch, roll in degrees) and scale at ``t_s``."""
        if self.idle_motion == 0.0:
            return (0.0, 0.0, 0.0), 1.0
        ang = []
        for k in ("yaw", "pitch", "roll"):
            a = sum(amp * math.sin(2 * math.pi * f * t_s + ph)
                    for (amp, f), ph in zip(self._SWAY[k], self._phases[k]))
            ang.append(self.idle_motion * a)
        sc = 1.0 + self.idle_motion * self._BREATH_SCALE * math.sin(
            2 * math.pi * self._BREATH_HZ * t_s + self._breath_phase)
        return (ang[0], ang[1], ang[2]), sc

    def _extend_blinks(self, until_s: float) -> None:
        rng = self._blink_rng
        if not self._blink_t:
            self._blink_t.append(float(rng.uniform(0.3, 2.5)))
            self._blink_dur.append(float(rng.uniform(0.12, 0.2)))
        while self._blink_t[-1] < until_s:
            if rng.random() < 0.12:  # a double blink
                nxt = self._blink_t[-1] + self._blink_dur[-1] + float(rng.uniform(0.08, 0.2))
            else:
                nxt = self._blink_t[-1] + float(np.clip(rng.gamma(4.0, 0.9), 2.0, 6.0))
            self._blink_t.append(nxt)
            self._blink_dur.append(float(rng.uniform(0.12, 0.2)))

    def blink(self, t_s: float) -> float:
        """Lid closure 0-1 at ``t_s`` (0 before t = 0)."""
        t = _check_time(t_s)
        if not self.blinks or t < 0:
            return 0.0
        self._extend_blinks(t + 1.0)
        # The last blink starting at or before t (blinks never overlap).
        i = bisect.bisect_right(self._blink_t, t) - 1
        if i < 0:
            return 0.0
        x = (t - self._blink_t[i]) / self._blink_dur[i]
        if x >= 1.0:
            return 0.0
        # Fast close (first 40 %), slower reopening.
        return float(fm.smoothstep(x / 0.4) if x < 0.4 else 1.0 - fm.smoothstep((x - 0.4) / 0.6))

    def frame(self, t_s: float, expression: Expression) -> np.ndarray:
        """The face at ``t_s`` seconds showing ``expression``.

        Returns
        -------
        ndarray, shape (size_px, size_px, 3), uint8
            RGB, as :meth:`FaceRenderer.render`.
        """
        t = _check_time(t_s)
        check_type("expression", expression, Expression)
        head, sc = self.head(t)
        return self.renderer._rig.render(expression, self.blink(t), head, sc)

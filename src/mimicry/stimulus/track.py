"""The stimulus track: what the stimulus screen shows at every moment of a schedule.

``mimicry stimuli export`` renders it to a video, and the app's stimulus panel
draws the same frames live, so a recorded session and an exported video show
exactly the same thing at the same time.

What is shown when (built-in faces):

calibration and block breaks
    A calm screen: the protocol's background colour, a small fixation cross
    and the protocol's ``calibration_text`` ("Relax - look at the screen").
    No face, so the participant's calibration baseline is their resting face,
    not a reaction to a face.
expression calibration (optional, after the neutral one)
    The instruction ("Smile as widely as you can", then "Now look as sad as
    you can") in big letters on the plain background, then "Relax your face"
    between them (:func:`instruction_frame`); no face.
before each trial (inter-trial interval)
    The coming trial's identity with a neutral expression, blinking and
    moving slightly like a live face. The face appears first and then
    changes expression, as in dynamic-face mimicry studies; the change, not
    the appearance of a face, is the stimulus.
during a trial (onset to offset + morph_s)
    That identity with ``expression_for(condition, trial_intensity(trial, t))``:
    it morphs from neutral to the full expression over ``morph_s``, holds, and
    morphs back from the offset.
after the last trial
    The last identity, neutral, until ``session_end``.
with group labels (a protocol's ``[groups]``)
    Every face, from the interval before its trial to its end, sits in a
    frame of its group's colour with the group's name in a band at the top
    (:func:`labelled_frame`); the minimal-group screen says which team the
    coin put the participant in (:func:`team_frame`).

With a user stimulus set there is no neutral version of an item to show, so
the inter-trial intervals and the end show the fixation cross (no text), and
each item appears at its onset and disappears at its offset (no morph).

Every face has its own :class:`~mimicry.stimulus.face.FaceAnimator`, seeded
from the track's seed, so frames are a pure function of (schedule, size, seed, t).
"""

from __future__ import annotations

import zlib

import numpy as np

from mimicry.protocol.schedule import Schedule
from mimicry.protocol.timeline import trial_intensity


def ascii_text(text: str) -> str:
    """``text`` with the characters OpenCV's Hershey fonts cannot draw replaced."""
    table = {"\N{EM DASH}": "-", "\N{EN DASH}": "-", "\N{RIGHT SINGLE QUOTATION MARK}": "'",
             "\N{LEFT SINGLE QUOTATION MARK}": "'", "\N{LEFT DOUBLE QUOTATION MARK}": '"',
             "\N{RIGHT DOUBLE QUOTATION MARK}": '"', "\N{HORIZONTAL ELLIPSIS}": "..."}
    out = "".join(table.get(c, c) for c in text)
    return out.encode("ascii", "replace").decode("ascii")


def _blank(size_px: int, background: tuple[int, int, int]):
    """A plain square of ``background`` and the ink colour that reads on it (dark or light)."""
    img = np.empty((size_px, size_px, 3), np.uint8)
    img[:] = np.asarray(background, np.uint8)
    lum = 0.299 * background[0] + 0.587 * background[1] + 0.114 * background[2]
    return img, ((30, 30, 30) if lum > 110 else (225, 225, 225))


def fixation_frame(size_px: int, background: tuple[int, int, int], text: str = "") -> np.ndarray:
    """A calm screen: a fixation cross at the centre and optional text below it.

    Returns
    -------
    ndarray, shape (size_px, size_px, 3), uint8
        RGB.
    """
    import cv2

    img, ink = _blank(size_px, background)
    c = size_px // 2
    arm = max(3, size_px // 40)
    thick = max(1, size_px // 180)
    cv2.line(img, (c - arm, c), (c + arm, c), ink, thick, cv2.LINE_AA)
    cv2.line(img, (c, c - arm), (c, c + arm), ink, thick, cv2.LINE_AA)
    text = ascii_text(text)
    if text:
        font = cv2.FONT_HERSHEY_SIMPLEX
        scale = size_px / 720
        thickness = max(1, round(2 * scale))
        (w, h), _ = cv2.getTextSize(text, font, scale, thickness)
        if w > 0.9 * size_px:  # shrink long text to fit
            scale *= 0.9 * size_px / w
            (w, h), _ = cv2.getTextSize(text, font, scale, thickness)
        org = ((size_px - w) // 2, c + arm + int(1.5 * h) + size_px // 12)
        cv2.putText(img, text, org, font, scale, ink, thickness, cv2.LINE_AA)
    return img



def _wrap(text: str, fits) -> list[str]:
    """``text`` broken into lines at spaces so that each ``fits(line)`` where possible."""
    lines: list[str] = []
    for word in text.split():
        if lines and fits(lines[-1] + " " + word):
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def instruction_frame(size_px: int, background: tuple[int, int, int], text: str) -> np.ndarray:
    """A plain screen with ``text`` in big letters, centred (wrapped, shrunk to fit).

    Returns
    -------
    ndarray, shape (size_px, size_px, 3), uint8
        RGB.
    """
    import cv2

    img, ink = _blank(size_px, background)
    font = cv2.FONT_HERSHEY_SIMPLEX
    scale = size_px / 330  # about twice the calibration text
    thickness = max(2, round(2.2 * scale))
    width = 0.9 * size_px

    def size(line: str) -> tuple[int, int]:
        return cv2.getTextSize(line, font, scale, thickness)[0]

    lines = _wrap(ascii_text(text), lambda line: size(line)[0] <= width)
    if not lines:
        return img
    widest = max(size(line)[0] for line in lines)
    if widest > width:  # one word too long for a line: shrink everything
        scale *= width / widest
        thickness = max(1, round(2.2 * scale))
    line_h = size("Ag")[1]
    step = int(line_h * 1.9)
    top = (size_px - step * (len(lines) - 1)) // 2 + line_h // 2
    for k, line in enumerate(lines):
        w = size(line)[0]
        cv2.putText(img, line, ((size_px - w) // 2, top + k * step), font, scale, ink,
                    thickness, cv2.LINE_AA)
    return img


#: Width of the coloured frame around a labelled face, as a share of the frame side.
LABEL_BORDER = 0.035
#: Height of the caption band at the top of a labelled face, as a share of the side.
LABEL_BAND = 0.11


def labelled_frame(img: np.ndarray, colour: tuple[int, int, int], caption: str) -> np.ndarray:
    """A copy of the face ``img`` in a frame of ``colour``, ``caption`` in a band at the top.

    The band covers only the background above the head, so the face model
    still reads the face (``tests/core/stimulus/test_group_labels.py``).

    Parameters
    ----------
    img : ndarray, shape (side, side, 3), uint8
        RGB.

    Returns
    -------
    ndarray, shape like ``img``, uint8
    """
    out = img.copy()
    side = out.shape[0]
    b = max(2, round(LABEL_BORDER * side))
    band = max(b + 8, round(LABEL_BAND * side))
    out[:b], out[-b:], out[:, :b], out[:, -b:] = colour, colour, colour, colour
    out[:band] = colour
    lum = 0.299 * colour[0] + 0.587 * colour[1] + 0.114 * colour[2]
    if caption:
        _centred_text(out, caption, (b, 0, side - b, band),
                      (20, 20, 20) if lum > 140 else (255, 255, 255), 0.6)
    return out


def _centred_text(img: np.ndarray, text: str, box: tuple[int, int, int, int],
                  ink: tuple[int, int, int], fill: float = 0.5) -> None:
    """Draw ``text`` centred in ``box`` (left, top, right, bottom), as large as fits."""
    import cv2

    left, top, right, bottom = box
    font = cv2.FONT_HERSHEY_SIMPLEX
    text = ascii_text(text)
    thickness = max(2, round(img.shape[0] / 200))
    (w, h), _ = cv2.getTextSize(text, font, 1.0, thickness)
    scale = min(fill * (bottom - top) / max(h, 1), 0.9 * (right - left) / max(w, 1))
    (w, h), _ = cv2.getTextSize(text, font, scale, thickness)
    cv2.putText(img, text, ((left + right - w) // 2, (top + bottom + h) // 2), font, scale, ink,
                thickness, cv2.LINE_AA)


def team_frame(size_px: int, background: tuple[int, int, int], group) -> np.ndarray:
    """The minimal-group screen: "A coin flip put you in" above a badge of ``group``.

    Parameters
    ----------
    group : mimicry.protocol.groups.Group
        The participant's group (``own``) as the session shows it.

    Returns
    -------
    ndarray, shape (size_px, size_px, 3), uint8
        RGB.
    """
    img, ink = _blank(size_px, background)
    s = size_px
    _centred_text(img, "A coin flip put you in", (0, int(0.2 * s), s, int(0.4 * s)), ink, 0.35)
    top, bottom, left, right = int(0.45 * s), int(0.7 * s), int(0.1 * s), int(0.9 * s)
    img[top:bottom, left:right] = group.rgb
    lum = 0.299 * group.rgb[0] + 0.587 * group.rgb[1] + 0.114 * group.rgb[2]
    _centred_text(img, group.name, (left, top, right, bottom),
                  (20, 20, 20) if lum > 140 else (255, 255, 255), 0.45)
    _centred_text(img, "Faces in this colour are your team", (0, int(0.75 * s), s, int(0.85 * s)),
                  ink, 0.3)
    return img


def animator_seed(seed: int, identity: str) -> int:
    """The seed of ``identity``'s face animator in a session seeded ``seed``.

    By name, not creation order, so a face looks the same whenever it appears
    and ``frame(t)`` does not depend on call order.
    """
    return seed * 100_003 + zlib.crc32(identity.encode("utf-8")) % 100_003


class StimulusTrack:
    """The stimulus screen of a schedule, frame by frame.

    Parameters
    ----------
    schedule : mimicry.protocol.schedule.Schedule
    size_px : int
        Side of the square frames.
    seed : int
        Seeds the faces' blinks and idle motion (not the trial order, which is
        the schedule's).
    idle_motion : float
        Scale of the faces' small head movements (0 = still), passed to
        :class:`~mimicry.stimulus.face.FaceAnimator`.
    blinks : bool
        Whether the faces blink.

    Notes
    -----
    :meth:`frame` may return the same cached array for still screens; copy it
    before drawing on it.
    """

    def __init__(self, schedule: Schedule, size_px: int = 720, seed: int = 0, *,
                 idle_motion: float = 1.0, blinks: bool = True) -> None:
        from mimicry.core.check import check_range  # noqa: PLC0415

        check_range("size_px", size_px, 16)  # a number of pixels; was a ValueError
        self.schedule = schedule
        self.size_px = int(size_px)
        self.seed = int(seed)
        self.idle_motion = float(idle_motion)
        self.blinks = bool(blinks)
        self._animators: dict[str, object] = {}
        self._screens: dict[str, np.ndarray] = {}
        p = schedule.protocol
        self._background = p.display.background_rgb
        self._set = p.stimulus_set

    @property
    def duration_s(self) -> float:
        return self.schedule.duration_s

    def __getstate__(self) -> dict:
        # Caches (faces, screens) are rebuilt on demand: keeps copies for worker
        # processes small and picklable.
        state = self.__dict__.copy()
        state["_animators"], state["_screens"] = {}, {}
        return state

    def phase(self, t_s: float):
        """What is on screen at ``t_s``: see :meth:`mimicry.protocol.schedule.Schedule.phase`."""
        return self.schedule.phase(t_s)

    def _screen(self, kind: str) -> np.ndarray:
        img = self._screens.get(kind)
        if img is None:
            text = {"calibration": self.schedule.protocol.display.calibration_text,
                    "break": "Short break. " + self.schedule.protocol.display.calibration_text,
                    }.get(kind, "")
            img = self._screens[kind] = fixation_frame(self.size_px, self._background, text)
        return img

    def _expression_screen(self, t_s: float) -> np.ndarray:
        """The expression calibration at ``t_s``: the instruction, or the relax after it."""
        from mimicry.protocol.model import EXPRESSION_PROMPTS, RELAX_PROMPT  # noqa: PLC0415

        step = self.schedule.expression_step(t_s)
        posing = step is not None and t_s < step.end_s
        key = f"expression:{step.expression}" if posing else "relax"
        img = self._screens.get(key)
        if img is None:
            text = EXPRESSION_PROMPTS.get(step.expression, step.expression) if posing \
                else RELAX_PROMPT
            img = self._screens[key] = instruction_frame(self.size_px, self._background, text)
        return img

    def _animator(self, identity: str):
        anim = self._animators.get(identity)
        if anim is None:
            from mimicry.stimulus.face import FaceAnimator

            anim = FaceAnimator(identity, self.size_px, seed=animator_seed(self.seed, identity),
                                idle_motion=self.idle_motion, blinks=self.blinks)
            self._animators[identity] = anim
        return anim

    def frame(self, t_s: float) -> np.ndarray:
        """The stimulus screen at ``t_s`` seconds from session start.

        Returns
        -------
        ndarray, shape (size_px, size_px, 3), uint8
            RGB.
        """
        kind, trial = self.schedule.phase(t_s)
        if kind == "expression":
            return self._expression_screen(t_s)
        if kind == "intro":
            img = self._screens.get("intro")
            if img is None:
                img = self._screens["intro"] = team_frame(self.size_px, self._background,
                                                          self.schedule.groups.own)
            return img
        img = self._face_screen(kind, trial, t_s)
        groups = getattr(self.schedule, "groups", None)  # the free run has none
        if groups is None or trial is None or not trial.group or kind not in ("iti", "trial"):
            return img
        if self._set is not None and (kind != "trial" or t_s >= trial.offset_s):
            return img  # a stimulus-set item is on screen only from onset to offset
        group = groups.of(trial.group)
        return labelled_frame(img, group.rgb, group.name)

    def _face_screen(self, kind: str, trial, t_s: float) -> np.ndarray:
        """The screen of ``frame`` before any group label."""
        if kind in ("calibration", "break") or trial is None:
            return self._screen(kind if kind in ("calibration", "break") else "blank")
        if self._set is not None:
            if kind != "trial" or t_s >= trial.offset_s:
                return self._screen("blank")
            return self._set.frame(trial.stimulus_id, t_s - trial.onset_s, self.size_px,
                                   background=self._background,
                                   video_end=self.schedule.protocol.video_end)
        from mimicry.stimulus.face import Expression, expression_for

        anim = self._animator(trial.stimulus_id)
        if kind == "trial":
            expr = expression_for(trial.condition, float(trial_intensity(trial, t_s)))
        else:
            expr = Expression()
        return anim.frame(t_s, expr)


class TrackFrames:
    """Frame ``i`` of a track at ``fps``: a picklable callable for :func:`mimicry.io.video.write_video`."""

    def __init__(self, track: StimulusTrack, fps: float) -> None:
        self.track, self.fps = track, float(fps)

    def __call__(self, i: int) -> np.ndarray:
        return self.track.frame(i / self.fps)

"""The teacher as stimulus: a guided capture of a volunteer's own faces.

A volunteer (often the teacher) sits in front of the camera for about 25
seconds and follows three prompts: a relaxed neutral face, a big smile, a sad
face. :class:`StimulusCapture` watches the tracked frames and keeps, for each
prompt, the one frame whose **measured channels** show it best:

* **neutral**: the least expression: lowest ``smile + sad_composite +
  jaw_open`` (``sad_composite = clip(brow_raise_inner + frown, 0, 1)``);
* **happy**: the highest ``smile``;
* **sad**: the highest ``sad_composite - smile``;

among frames with a face, eyes open (``blink`` < ``max_blink``), the head
roughly frontal (``|yaw|``, ``|pitch|`` <= ``max_pose_deg``) and at least
``settle_s`` into the prompt (time to make the face). Only the best frame so
far is held in memory, never a video.

:func:`save_capture` writes the three faces, cropped square around the face,
as a stimulus set (``manifest.csv``, see :mod:`.stimulus_set`) plus
``capture.json`` (what was measured on each pick) and ``protocol.toml`` (a
ready protocol that shows the set), so it can be used in any protocol.
Images are written only here, and only because the user asked for a capture.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from mimicry.core.errors import InputError

#: (condition, seconds, prompt) of the guided capture, in order.
CAPTURE_PHASES: tuple[tuple[str, float, str], ...] = (
    ("neutral", 7.0, "Relax and look at the camera: a calm, neutral face."),
    ("happy", 7.0, "Now smile! A big, real smile."),
    ("sad", 7.0, "Now look sad: inner eyebrows up, corners of the mouth down."),
)
#: Calm seconds before the first prompt (the camera and the volunteer settle).
CAPTURE_LEAD_S = 3.0
#: Side of the saved square images, pixels.
CAPTURE_SIZE_PX = 512
#: Crop side as a multiple of the face's landmark extent.
CROP_MARGIN = 1.7
#: Below this measured rise over the neutral face, a pick is called faint.
FAINT_RISE = 0.1


@dataclass(frozen=True)
class CapturePhase:
    """One prompt of the capture: ``condition`` from ``start_s`` to ``end_s``."""

    condition: str
    start_s: float
    end_s: float
    prompt: str


def capture_timeline(phases: Sequence[tuple[str, float, str]] = CAPTURE_PHASES,
                     lead_s: float = CAPTURE_LEAD_S) -> tuple[CapturePhase, ...]:
    """The prompts with their times (seconds from the start of the capture)."""
    out, t = [], float(lead_s)
    for cond, dur, prompt in phases:
        out.append(CapturePhase(cond, t, t + float(dur), prompt))
        t += float(dur)
    return tuple(out)


def capture_duration_s(timeline: Sequence[CapturePhase]) -> float:
    return float(timeline[-1].end_s) if timeline else 0.0


def phase_at(timeline: Sequence[CapturePhase], t: float) -> CapturePhase | None:
    """The prompt on at ``t`` (None before the first and after the last)."""
    for ph in timeline:
        if ph.start_s <= t < ph.end_s:
            return ph
    return None


@dataclass(frozen=True)
class Pick:
    """The frame kept for one condition.

    Attributes
    ----------
    condition : str
    t : float
        Seconds from the start of the capture.
    score : float
        The selection score (see the module docstring).
    channels : dict of str to float
        The measured channels of that frame (plus ``sad_composite``).
    image : ndarray, shape (h, w, 3), uint8
        RGB, the whole frame (a copy).
    landmarks : ndarray, shape (478, 3) or None
        Normalised landmarks of the face.
    """

    condition: str
    t: float
    score: float
    channels: dict
    image: np.ndarray
    landmarks: np.ndarray | None


def _score(condition: str, ch: dict) -> float:
    sad = min(max(ch["brow_raise_inner"] + ch["frown"], 0.0), 1.0)
    if condition == "neutral":
        return -(ch["smile"] + sad + ch["jaw_open"])
    if condition == "happy":
        return ch["smile"]
    return sad - ch["smile"]


class StimulusCapture:
    """Keeps the best frame of each prompt (a :class:`mimicry.runtime.recorder.LiveRunner` observer).

    Parameters
    ----------
    timeline : sequence of CapturePhase
    settle_s : float
        Frames in the first ``settle_s`` of each prompt are not used.
    max_pose_deg : float
    max_blink : float
    """

    def __init__(self, timeline: Sequence[CapturePhase] | None = None, settle_s: float = 1.5,
                 max_pose_deg: float = 20.0, max_blink: float = 0.5) -> None:
        self.timeline = tuple(timeline) if timeline is not None else capture_timeline()
        self.settle_s, self.max_pose_deg, self.max_blink = settle_s, max_pose_deg, max_blink
        self.picks: dict[str, Pick] = {}
        self.n_frames = {ph.condition: 0 for ph in self.timeline}
        self.n_usable = {ph.condition: 0 for ph in self.timeline}

    def on_event(self, event) -> None:
        return None

    def on_frame(self, frame, observations) -> None:
        """One tracked frame (``frame.t`` in capture time; face slot 0 is the volunteer)."""
        ph = phase_at(self.timeline, frame.t)
        if ph is None or not observations:
            return
        self.n_frames[ph.condition] += 1
        o = observations[0]
        if not o.detected or frame.t < ph.start_s + self.settle_s:
            return
        ch = {k: float(v) for k, v in o.channels.items()}
        yaw, pitch = (abs(float(v)) for v in (o.pose[0], o.pose[1])) if o.pose is not None \
            else (0.0, 0.0)
        if ch.get("blink", 0.0) > self.max_blink or max(yaw, pitch) > self.max_pose_deg:
            return
        self.n_usable[ph.condition] += 1
        score = _score(ph.condition, ch)
        best = self.picks.get(ph.condition)
        if best is None or score > best.score:
            ch["sad_composite"] = min(max(ch["brow_raise_inner"] + ch["frown"], 0.0), 1.0)
            lm = None if o.landmarks is None else np.array(o.landmarks, copy=True)
            self.picks[ph.condition] = Pick(ph.condition, float(frame.t), float(score), ch,
                                            np.array(frame.image, copy=True), lm)

    @property
    def missing(self) -> list[str]:
        """Conditions without a usable frame (no face, eyes closed, head turned away)."""
        return [ph.condition for ph in self.timeline if ph.condition not in self.picks]


def crop_face(image: np.ndarray, landmarks: np.ndarray | None,
              size_px: int = CAPTURE_SIZE_PX) -> np.ndarray:
    """A square crop around the face (``CROP_MARGIN`` x its extent), resized to ``size_px``.

    Without landmarks, the centred square of the image. Parts outside the image
    repeat its border.
    """
    import cv2  # noqa: PLC0415

    h, w = image.shape[:2]
    if landmarks is not None and len(landmarks):
        xy = np.asarray(landmarks, float)[:, :2] * np.array([w, h])
        (x0, y0), (x1, y1) = xy.min(0), xy.max(0)
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        side = CROP_MARGIN * max(x1 - x0, y1 - y0)
    else:
        cx, cy, side = w / 2, h / 2, float(min(w, h))
    side = max(side, 16.0)
    m = np.array([[size_px / side, 0, size_px / 2 - cx * size_px / side],
                  [0, size_px / side, size_px / 2 - cy * size_px / side]])
    return cv2.warpAffine(image, m, (size_px, size_px), flags=cv2.INTER_AREA,
                          borderMode=cv2.BORDER_REPLICATE)


def _round(v: float) -> float | None:
    return round(float(v), 4) if math.isfinite(float(v)) else None


def save_capture(capture: StimulusCapture, folder: str | Path, name: str = "volunteer") -> Path:
    """Write the picks as a stimulus set in ``folder`` (created; must not hold a set yet).

    Writes ``<name>_neutral.jpg``, ``<name>_happy.jpg``, ``<name>_sad.jpg``,
    ``manifest.csv`` (intensity 1 for happy and sad: the strongest the volunteer
    made; 0 for neutral), ``capture.json`` and ``protocol.toml``.

    Raises
    ------
    InputError
        A condition has no usable frame, the folder already holds a stimulus
        set, or a file cannot be written.
    """
    import cv2  # noqa: PLC0415

    from mimicry.protocol.stimulus_set import MANIFEST_NAME  # noqa: PLC0415

    if capture.missing:
        raise InputError(f"the capture has no usable {', '.join(capture.missing)} face (no face "
                         f"found, eyes closed or head turned away); expected one frame of each "
                         f"of neutral, happy and sad: try again facing the camera")
    out = Path(folder).expanduser()
    if (out / MANIFEST_NAME).exists():
        raise InputError(f"{out / MANIFEST_NAME} already exists; expected a new folder for the "
                         f"captured stimulus set")
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in name).strip("_") or "volunteer"
    try:
        out.mkdir(parents=True, exist_ok=True)
        neutral = capture.picks["neutral"].channels
        rows, measured, notes = [], {}, []
        for ph in capture.timeline:
            pick = capture.picks[ph.condition]
            fname = f"{safe}_{ph.condition}.jpg"
            img = crop_face(pick.image, pick.landmarks)
            if not cv2.imwrite(str(out / fname), cv2.cvtColor(img, cv2.COLOR_RGB2BGR),
                               [cv2.IMWRITE_JPEG_QUALITY, 92]):
                raise OSError(f"could not encode {fname}")
            rows.append((fname, ph.condition, 0.0 if ph.condition == "neutral" else 1.0))
            key = {"happy": "smile", "sad": "sad_composite"}.get(ph.condition)
            rise = pick.channels[key] - neutral[key] if key else 0.0
            if key and rise < FAINT_RISE:
                notes.append(f"The {ph.condition} face is faint: {key} only {rise:+.2f} above "
                             f"the neutral face.")
            measured[ph.condition] = {
                "file": fname, "t_s": round(pick.t, 3), "rise_over_neutral": _round(rise),
                "channels": {k: _round(v) for k, v in sorted(pick.channels.items())},
                "frames": capture.n_frames.get(ph.condition, 0),
                "usable_frames": capture.n_usable.get(ph.condition, 0)}
        with open(out / MANIFEST_NAME, "w", encoding="utf-8", newline="") as fh:
            fh.write("file,condition,intensity\n")
            for f, c, i in rows:
                fh.write(f"{f},{c},{i:g}\n")
        (out / "capture.json").write_text(json.dumps({
            "name": name, "picked_by": "measured channels (mimicry.activities.capture.capture)",
            "picks": measured, "notes": notes}, indent=2) + "\n", encoding="utf-8")
        (out / "protocol.toml").write_text(PROTOCOL_TEMPLATE.format(name=safe),
                                           encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write the stimulus set in {out}: "
                         f"{getattr(exc, 'strerror', None) or exc}") from None
    return out


#: The protocol written beside a captured set: the volunteer's faces, 4 of each.
PROTOCOL_TEMPLATE = """\
# The faces of {name}, captured with Mimicry (images in this folder, listed in
# manifest.csv). Use it like any protocol: mimicry app --protocol protocol.toml
schema_version = 1
name = "{name}"
description = "The faces of {name}: 4 happy, 4 sad and 4 neutral, about 1.5 minutes."
seed = 1

[calibration]
duration_s = 8.0

[trials]
blocks = 1
per_condition = 4
conditions = ["happy", "sad", "neutral"]
stimulus_s = 3.0
iti_s = 2.5
iti_jitter_s = 0.5

[stimuli]
set = "."
"""


def prompt_trials(timeline: Sequence[CapturePhase], morph_s: float = 0.8):
    """The prompts as trials, so the demo participant can play the volunteer."""
    from mimicry.protocol.timeline import Trial  # noqa: PLC0415

    return [Trial(trial=i + 1, condition=ph.condition, stimulus_id="prompt",
                  onset_s=ph.start_s, offset_s=ph.end_s - morph_s, intensity=1.0,
                  morph_s=morph_s, block=1) for i, ph in enumerate(timeline)]


def capture_summary(capture: StimulusCapture, folder: Path | None, problem: str = "") -> str:
    """What the app and the command line say after a capture."""
    if folder is None:
        return (f"No stimulus set was saved: {problem}" if problem else
                "No stimulus set was saved.")
    lines = [f"The volunteer's neutral, happy and sad faces were saved as a stimulus set in "
             f"{folder}. These images are saved only because you asked for a capture; delete "
             f"the folder to remove them.",
             f"To show them, choose \N{LEFT DOUBLE QUOTATION MARK}Another protocol file"
             f"\N{HORIZONTAL ELLIPSIS}\N{RIGHT DOUBLE QUOTATION MARK} and pick "
             f"{folder / 'protocol.toml'} (it is already selected on the setup screen), or "
             f"write [stimuli] set = \"{folder}\" in any protocol."]
    meta = folder / "capture.json"
    if meta.is_file():
        notes = json.loads(meta.read_text(encoding="utf-8")).get("notes", [])
        lines += notes
    return "\n\n".join(lines)

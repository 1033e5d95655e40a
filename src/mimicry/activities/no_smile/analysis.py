"""Try not to smile: a smile-o-meter against the viewer's own baseline, and the time survived.

The viewer watches smiling faces and tries to keep a straight face. Mimicry
has brakes (people can damp it), but they are leaky: the smile often still
rises a little. Two numbers show both sides:

* **time survived**: from the first face's onset to the first moment the
  ``smile`` channel stays above the viewer's **threshold** for ``hold_s``
  (0.3 s) of face frames, or the whole game when that never happens. The
  threshold is relative to the viewer's own neutral face (calibration):
  ``median + max(threshold_sd * robust SD, min_rise)``.
* **leak**: per face, the mean rise of ``smile`` over the response window
  (onset + 0.5 s to offset + 0.5 s) above the second before the face; a face
  "leaked" when that rise exceeds ``leak_sd`` (1) robust SDs of the neutral
  face but the viewer did not crack. One SD is a small rise for one frame but
  a consistent one for the mean of a whole face's 2-4 s (the mean of ~100
  frames varies far less than a frame). ``mean_smile_rise`` averages the rises
  of all faces.

:class:`SmileMeter` is the same threshold, fed frame by frame, for the live
display.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Sequence

import numpy as np

from mimicry.protocol.timeline import Trial
from mimicry.simulate.live_demo import ACTIVITY_GAINS
from mimicry.core.check import check_number
from mimicry.core.robust import robust_location_scale


@dataclass(frozen=True)
class NoSmileConfig:
    """Settings of the try-not-to-smile game (``smile`` is 0-1; times in seconds)."""

    threshold_sd: float = 4.0
    min_rise: float = 0.15
    min_robust_sd: float = 0.02
    hold_s: float = 0.3
    leak_sd: float = 1.0
    response_start_s: float = 0.5
    response_end_after_offset_s: float = 0.5

    def __post_init__(self) -> None:
        for name, lo, hi in (("threshold_sd", 0.0, 100.0), ("min_rise", 0.0, 1.0),
                             ("min_robust_sd", 1e-6, 1.0), ("hold_s", 0.0, 10.0),
                             ("leak_sd", 0.0, 100.0), ("response_start_s", 0.0, 60.0),
                             ("response_end_after_offset_s", 0.0, 60.0)):
            check_number(name, getattr(self, name), lo, hi)

    def as_dict(self) -> dict:
        return asdict(self)


def smile_threshold(median: float, robust_sd: float, config: NoSmileConfig | None = None) -> float:
    """The smile level that counts as "smiled": relative to the viewer's own neutral face."""
    config = config or NoSmileConfig()
    return median + max(config.threshold_sd * max(robust_sd, config.min_robust_sd),
                        config.min_rise)


class SmileMeter:
    """The live smile-o-meter: how close the viewer is to cracking.

    Parameters
    ----------
    median, robust_sd : float
        The viewer's neutral ``smile`` (calibration).
    config : NoSmileConfig | None

    Feed :meth:`add` in time order; ``level`` is 0 at the neutral face and 1 at
    the threshold; ``cracked_at`` is the session time the viewer cracked (None
    until then).
    """

    def __init__(self, median: float, robust_sd: float, config: NoSmileConfig | None = None):
        self.config = config or NoSmileConfig()
        self.median = float(median)
        self.threshold = smile_threshold(median, robust_sd, self.config)
        self.level = 0.0
        self.cracked_at: float | None = None
        self._above_since: float | None = None

    def add(self, t: float, smile: float) -> float:
        """One frame (``smile`` NaN without a face); returns the level."""
        if not math.isfinite(smile):
            return self.level
        self.level = max(0.0, (smile - self.median) / (self.threshold - self.median))
        if self.cracked_at is None:
            if smile > self.threshold:
                if self._above_since is None:
                    self._above_since = t
                if t - self._above_since >= self.config.hold_s - 1e-9:
                    self.cracked_at = self._above_since
            else:
                self._above_since = None
        return self.level


@dataclass(frozen=True)
class NoSmileResult:
    """The game's result (see the module docstring)."""

    survived_s: float
    cracked: bool
    cracked_at_s: float | None
    game_s: float
    threshold: float
    baseline_median: float
    baseline_robust_sd: float
    n_faces: int
    faces_survived: int
    n_leaked: int
    mean_smile_rise: float
    trial_rises: list[float]
    notes: list = field(default_factory=list)
    config: NoSmileConfig = field(default_factory=NoSmileConfig)


def analyze_no_smile(t: np.ndarray, smile: np.ndarray, trials: Sequence[Trial],
                     calibration: tuple[float, float] | None,
                     config: NoSmileConfig | None = None) -> NoSmileResult:
    """Time survived and smile leak of a try-not-to-smile session.

    Parameters
    ----------
    t : ndarray, shape (n,)
        Frame times, seconds.
    smile : ndarray, shape (n,)
        The viewer's ``smile``, NaN without a face.
    trials : sequence of Trial
        The happy faces shown.
    calibration : (start_s, end_s) or None
    """
    config = config or NoSmileConfig()
    t, smile = np.asarray(t, float), np.asarray(smile, float)
    notes = []
    trials = sorted(trials, key=lambda tr: tr.onset_s)
    seen = np.isfinite(smile)
    sel = seen & ((t >= calibration[0]) & (t < calibration[1]) if calibration else False)
    if sel.sum() < 10:
        first = trials[0].onset_s if trials else math.inf
        sel = seen & (t < first)
        notes.append("No usable calibration: the neutral face is the time before the first face.")
    vals = smile[sel] if sel.sum() else smile[seen]
    med, sd = robust_location_scale(vals) if vals.size else (0.0, 0.0)
    sd = max(sd, config.min_robust_sd)
    meter = SmileMeter(med, sd, config)
    start = trials[0].onset_s if trials else (float(t[0]) if t.size else 0.0)
    end = (trials[-1].offset_s + config.response_end_after_offset_s if trials
           else (float(t[-1]) if t.size else 0.0))
    game = (t >= start) & (t < end)
    for ti, si in zip(t[game], smile[game]):
        meter.add(float(ti), float(si))
        if meter.cracked_at is not None:
            break
    cracked_at = meter.cracked_at
    survived = (cracked_at if cracked_at is not None else min(end, float(t[-1]) if t.size
                                                              else end)) - start
    rises = []
    survived_faces = 0
    for tr in trials:
        pre = seen & (t >= tr.onset_s - 1.0) & (t < tr.onset_s)
        ref = float(np.median(smile[pre])) if pre.sum() >= 3 else med
        win = seen & (t >= tr.onset_s + config.response_start_s) & (
            t < tr.offset_s + config.response_end_after_offset_s)
        rises.append(float(np.mean(smile[win]) - ref) if win.any() else math.nan)
        if cracked_at is None or cracked_at >= tr.offset_s + config.response_end_after_offset_s:
            survived_faces += 1
    leak = config.leak_sd * sd
    n_leaked = sum(1 for r, tr in zip(rises, trials) if math.isfinite(r) and r > leak
                   and (cracked_at is None or cracked_at > tr.offset_s))
    finite = [r for r in rises if math.isfinite(r)]
    return NoSmileResult(
        survived_s=float(survived), cracked=cracked_at is not None,
        cracked_at_s=None if cracked_at is None else float(cracked_at), game_s=float(end - start),
        threshold=float(meter.threshold), baseline_median=med, baseline_robust_sd=sd,
        n_faces=len(trials), faces_survived=survived_faces, n_leaked=n_leaked,
        mean_smile_rise=float(np.mean(finite)) if finite else math.nan, trial_rises=rises,
        notes=notes, config=config)


def analyze_no_smile_session(frames, events, face_id: int = 0,
                             config: NoSmileConfig | None = None) -> NoSmileResult:
    """:func:`analyze_no_smile` on a session's FramesTable and events (happy trials)."""
    from mimicry.protocol.timeline import trials_from_events  # noqa: PLC0415
    from mimicry.analysis.baseline import calibration_period  # noqa: PLC0415

    one = frames.face(face_id)
    smile = np.where(one.face_detected, one.channels["smile"], np.nan)
    trials = [tr for tr in trials_from_events(events) if tr.condition == "happy"]
    return analyze_no_smile(one.t, smile, trials, calibration_period(events), config)


def _num(v, digits=3):
    if v is None:
        return None
    v = float(v)
    return round(v, digits) if math.isfinite(v) else None


def no_smile_summary_dict(result: NoSmileResult) -> dict:
    """The ``no_smile`` section of ``summary.json``."""
    return {
        "survived_s": _num(result.survived_s, 2),
        "cracked": result.cracked,
        "cracked_at_s": _num(result.cracked_at_s, 3),
        "game_s": _num(result.game_s, 2),
        "n_faces": result.n_faces,
        "faces_survived": result.faces_survived,
        "n_leaked": result.n_leaked,
        "mean_smile_rise": _num(result.mean_smile_rise, 4),
        "trial_smile_rise": [_num(v, 4) for v in result.trial_rises],
        "threshold": _num(result.threshold, 4),
        "baseline": {"median": _num(result.baseline_median, 4),
                     "robust_sd": _num(result.baseline_robust_sd, 4)},
        "summary_text": no_smile_plain_summary(result),
        "notes": list(result.notes),
        "parameters": result.config.as_dict(),
    }


def no_smile_plain_summary(result: NoSmileResult) -> str:
    if result.cracked:
        s = [f"You smiled after {result.survived_s:.1f} s (face {result.faces_survived + 1} of "
             f"{result.n_faces})."]
    else:
        s = [f"You kept a straight face through all {result.n_faces} smiling faces "
             f"({result.survived_s:.1f} s)."]
    if result.n_leaked:
        s.append(f"But your smile still crept up a little at {result.n_leaked} of the faces you "
                 f"held out against: the brakes on mimicry are leaky.")
    return " ".join(s)


@dataclass(frozen=True)
class GameState:
    """What the live smile-o-meter shows.

    Attributes
    ----------
    phase : str
        ``"calibrating"`` (learning the neutral face), ``"ready"`` (before the
        first face), ``"playing"``, ``"cracked"`` or ``"done"`` (survived).
    level : float
        0 at the neutral face, 1 at the threshold (may exceed 1).
    survived_s : float
        Seconds kept straight so far (0 before the first face).
    cracked_at_s : float or None
    """

    phase: str
    level: float
    survived_s: float
    cracked_at_s: float | None


class NoSmileGame:
    """The try-not-to-smile game, frame by frame (the live view of :func:`analyze_no_smile`).

    Feed :meth:`add_event` (the session's events, in time order) and
    :meth:`add_sample` (``t``, ``smile``; NaN without a face). The neutral face
    is learnt over the calibration period; the game starts at the first
    stimulus onset and ends at the viewer's first held smile or the last
    face's offset.
    """

    def __init__(self, config: NoSmileConfig | None = None) -> None:
        self.config = config or NoSmileConfig()
        self._calib: list[float] = []
        self._calibrating = False
        self.meter: SmileMeter | None = None
        self._start: float | None = None
        self._end: float | None = None
        self._last_offset: float | None = None
        self._n_onsets = 0
        self._t = 0.0

    def add_event(self, event) -> None:
        kind = event.event
        if kind == "calibration_start":
            self._calibrating = True
        elif kind == "calibration_end":
            self._calibrating = False
            self._make_meter()
        elif kind == "stimulus_onset":
            self._n_onsets += 1
            if self.meter is None:
                self._make_meter()
            if self._start is None:
                self._start = float(event.t)
        elif kind == "stimulus_offset":
            self._last_offset = float(event.t)
        elif kind == "session_end":
            self._end = float(event.t)

    def _make_meter(self) -> None:
        vals = np.asarray(self._calib, dtype=float)
        vals = vals[np.isfinite(vals)]
        med, sd = robust_location_scale(vals) if vals.size else (0.0, 0.0)
        self.meter = SmileMeter(med, sd, self.config)

    def add_sample(self, t: float, smile: float) -> None:
        self._t = float(t)
        if self.meter is None:
            if self._calibrating or self._start is None:
                self._calib.append(float(smile))
            return
        if self._start is not None and t >= self._start and self._end is None:
            self.meter.add(float(t), float(smile))
        elif math.isfinite(smile):
            self.meter.level = max(0.0, (smile - self.meter.median)
                                   / (self.meter.threshold - self.meter.median))

    @property
    def state(self) -> GameState:
        m = self.meter
        if m is None:
            return GameState("calibrating", 0.0, 0.0, None)
        if self._start is None:
            return GameState("ready", m.level, 0.0, None)
        if m.cracked_at is not None:
            return GameState("cracked", m.level, m.cracked_at - self._start, m.cracked_at)
        end = self._end if self._end is not None else self._t
        phase = "done" if self._end is not None else "playing"
        return GameState(phase, m.level, max(0.0, end - self._start), None)


#: Mimicry gain of the demo participant trying not to smile: damped, and (with
#: the rendered face and the model's smile curve) it still leaks a little
#: without crossing the threshold. Set where the demo participant is built
#: (:data:`mimicry.simulate.live_demo.ACTIVITY_GAINS`), so the app and
#: ``mimicry record --source demo`` use the same one.
DEMO_GAIN = ACTIVITY_GAINS["no_smile"]

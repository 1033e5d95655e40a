"""The stimulus timeline: trials and the intended expression over time.

This is the single definition of "how strongly is the stimulus showing its
expression at time t", shared by the face renderer, ``mimicry simulate``, the
``stimulus_intensity`` column of ``frames.csv`` and the analysis.

A trial's stimulus morphs from neutral to ``intensity`` over ``morph_s`` seconds
from ``onset_s`` (smoothstep easing), holds, and morphs back to neutral over
``morph_s`` from ``offset_s``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from mimicry.io.formats import format_detail, onset_detail, parse_detail
from mimicry.core.messages import StimulusEvent

#: The signed expression value of each condition (+1 happy, -1 sad).
CONDITION_SIGN: dict[str, float] = {"happy": 1.0, "sad": -1.0, "neutral": 0.0, "yawn": 0.0,
                                    "talk": 0.0}

#: Mouth openings per second of a ``talk`` trial (the yawn demo's control): each
#: opening lasts half a period (0.33 s), far shorter than a yawn.
TALK_RATE_HZ = 1.5


@dataclass(frozen=True, slots=True)
class Trial:
    """One stimulus presentation.

    Attributes
    ----------
    trial : int
        Trial number from 1.
    condition : str
        ``happy``, ``sad``, ``neutral`` (``yawn`` in the demos).
    stimulus_id : str
        Built-in identity name or a stimulus-set file name.
    onset_s, offset_s : float
        When the expression starts to appear and starts to fade, seconds.
    intensity : float
        Peak expression intensity, 0-1.
    morph_s : float
        Onset (and offset) morph duration, seconds.
    block : int
        Block number from 1.
    group : str
        ``"own"`` or ``"other"`` in a protocol with group labels
        (:mod:`mimicry.protocol.groups`), else empty.
    """

    trial: int
    condition: str
    stimulus_id: str
    onset_s: float
    offset_s: float
    intensity: float = 1.0
    morph_s: float = 0.5
    block: int = 1
    group: str = ""

    @property
    def end_s(self) -> float:
        """When the expression is back to neutral."""
        return self.offset_s + self.morph_s

    def onset_event(self) -> StimulusEvent:
        return StimulusEvent(
            t=self.onset_s, event="stimulus_onset", trial=self.trial,
            condition=self.condition, stimulus_id=self.stimulus_id,
            detail=format_detail({"intensity": self.intensity, "morph_s": self.morph_s,
                                  "block": self.block, **({"group": self.group} if self.group
                                                          else {})}),
        )

    def offset_event(self) -> StimulusEvent:
        return StimulusEvent(
            t=self.offset_s, event="stimulus_offset", trial=self.trial,
            condition=self.condition, stimulus_id=self.stimulus_id,
            detail=format_detail({"morph_s": self.morph_s}),
        )


@dataclass(frozen=True, slots=True)
class ExpressionStep:
    """One posed expression of the expression calibration, and the relax after it.

    Attributes
    ----------
    expression : str
        What the participant is asked to pose: ``smile`` or ``sad``
        (:data:`mimicry.protocol.model.EXPRESSION_NAMES`).
    start_s, end_s : float
        When the instruction appears and when it ends (the
        ``expression_start`` and ``expression_end`` events), seconds.
    relax_end_s : float
        End of the relax that follows, seconds.
    """

    expression: str
    start_s: float
    end_s: float
    relax_end_s: float

    def start_event(self) -> StimulusEvent:
        return StimulusEvent(t=self.start_s, event="expression_start",
                             detail=format_detail({"expression": self.expression}))

    def end_event(self) -> StimulusEvent:
        return StimulusEvent(t=self.end_s, event="expression_end",
                             detail=format_detail({"expression": self.expression}))


def smoothstep(x: np.ndarray | float) -> np.ndarray | float:
    """3x^2 - 2x^3 on [0, 1], clipped outside."""
    x = np.clip(x, 0.0, 1.0)
    return x * x * (3.0 - 2.0 * x)


def trial_intensity(trial: Trial, t: np.ndarray | float) -> np.ndarray | float:
    """Intended expression intensity of ``trial`` at times ``t`` (0 outside it)."""
    t = np.asarray(t, dtype=float)
    m = max(trial.morph_s, 1e-6)
    rise = smoothstep((t - trial.onset_s) / m)
    fall = 1.0 - smoothstep((t - trial.offset_s) / m)
    out = trial.intensity * np.minimum(rise, fall)
    if trial.condition == "talk":
        # Short mouth movements, not a yawn: open-close cycles under the envelope.
        out = out * np.maximum(0.0, np.sin(2 * np.pi * TALK_RATE_HZ * (t - trial.onset_s)))
    return out if out.ndim else float(out)


def trials_from_events(events: Sequence[StimulusEvent]) -> list[Trial]:
    """Rebuild trials from ``stimulus_onset``/``stimulus_offset`` event pairs.

    An onset without an offset (a session cut short) ends at the last event's time.
    """
    onsets: dict[int, StimulusEvent] = {}
    offsets: dict[int, StimulusEvent] = {}
    last_t = max((e.t for e in events), default=0.0)
    for e in events:
        if e.trial is None:
            continue
        if e.event == "stimulus_onset":
            onsets[e.trial] = e
        elif e.event == "stimulus_offset":
            offsets[e.trial] = e
    trials = []
    for n in sorted(onsets):
        on = onsets[n]
        d = onset_detail(on.detail, f"events, trial {n} onset, column detail")
        off = offsets.get(n)
        trials.append(Trial(
            trial=n, condition=on.condition, stimulus_id=on.stimulus_id,
            onset_s=on.t, offset_s=off.t if off is not None else last_t,
            intensity=float(d["intensity"]),
            morph_s=float(d["morph_s"]),
            block=int(d["block"]),
            group=_group_of(on.detail),
        ))
    return trials


def _group_of(detail: str) -> str:
    """The ``group`` of an onset detail: ``own``, ``other`` or empty (anything else)."""
    g = parse_detail(detail).get("group", "") if "group=" in (detail or "") else ""
    return g if g in ("own", "other") else ""


#: ``label`` of the marker logged when a paused session resumes (detail ``paused_s``).
PAUSE_LABEL = "paused"


def pause_marker(t: float, paused_s: float) -> StimulusEvent:
    """The event that records a pause: at session time ``t``, ``paused_s`` seconds long.

    The session clock skips the pause, so ``t`` is both where it began and where it ended.
    """
    return StimulusEvent(t=t, event="marker", detail=format_detail(
        {"label": PAUSE_LABEL, "paused_s": round(float(paused_s), 3)}))


def is_pause(event: StimulusEvent) -> bool:
    """True for the marker of a pause (:func:`pause_marker`)."""
    return (event.event == "marker" and PAUSE_LABEL in event.detail
            and parse_detail(event.detail).get("label") == PAUSE_LABEL)


def pause_times(events: Sequence[StimulusEvent]) -> list[float]:
    """Session times at which the session was paused (the analysis leaves those trials out)."""
    return sorted(e.t for e in events if is_pause(e))


def signed_stimulus_signal(trials: Sequence[Trial], t: np.ndarray) -> np.ndarray:
    """The stimulus's signed expression at times ``t``: +intensity happy, -intensity sad.

    Parameters
    ----------
    t : ndarray, shape (n,)
        Seconds.

    Returns
    -------
    ndarray, shape (n,)
    """
    t = np.asarray(t, dtype=float)
    out = np.zeros_like(t)
    for tr in trials:
        sign = CONDITION_SIGN.get(tr.condition, 0.0)
        if sign == 0.0:
            continue
        sel = (t >= tr.onset_s) & (t <= tr.end_s)
        if sel.any():
            out[sel] += sign * trial_intensity(tr, t[sel])
    return out


def active_trial(trials: Sequence[Trial], t: float) -> Trial | None:
    """The trial whose stimulus is on screen at ``t`` (onset <= t < end), if any."""
    for tr in trials:
        if tr.onset_s <= t < tr.end_s:
            return tr
    return None


class StimulusAnnotator:
    """The stimulus columns of frames.csv at increasing times.

    Parameters
    ----------
    trials : sequence of Trial
        The session's trials. With none, the stimulus columns stay empty.
    """

    def __init__(self, trials: Sequence[Trial] | None) -> None:
        self.trials = sorted(trials or [], key=lambda tr: tr.onset_s)
        self.has_timeline = trials is not None
        self._i = 0

    def columns(self, t: float) -> list[str]:
        """``[trial, condition, stimulus_id, stimulus_intensity, group]`` as CSV cells."""
        if not self.has_timeline:
            return ["", "", "", "", ""]
        trs = self.trials
        # Times mostly increase: move the cursor forward past finished trials.
        if self._i > 0 and t < trs[self._i - 1].end_s:
            self._i = 0
        while self._i < len(trs) and trs[self._i].end_s <= t:
            self._i += 1
        if self._i < len(trs) and trs[self._i].onset_s <= t:
            tr = trs[self._i]
            return [str(tr.trial), tr.condition, tr.stimulus_id,
                    f"{trial_intensity(tr, t):.4f}", tr.group]
        return ["", "", "", "0", ""]

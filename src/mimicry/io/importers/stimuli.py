"""Stimulus events from a file's stimulus column, and conditions from stimulus names.

Some tools (iMotions) write, on every row, the name of the stimulus on screen.
Each run of rows with the same name is one presentation: a
``stimulus_onset`` at its first row's time and a ``stimulus_offset`` at the
time of the first row after it (the stimulus was replaced), or at its own
last row at the end of the file. Trials are numbered from 1 in time order.

The condition comes from the name (:func:`condition_of`, case ignored):

=========  ====================================================
condition  the name contains
=========  ====================================================
happy      ``happy``, ``happi``, ``smil``, ``joy``
sad        ``sad``
neutral    ``neutral``
=========  ====================================================

A name matching none of these (``Instructions``, ``Fixation``), or more than
one, is not a trial; names containing ``baseline`` or ``calibration`` become
the ``calibration_start``/``calibration_end`` pair the analysis measures the
neutral baseline in (the first such run only). An ``--events`` file overrides
all of this.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from mimicry.core.messages import StimulusEvent
from mimicry.io.formats import format_detail

#: condition -> the fragments of a stimulus name that mean it (lower case).
CONDITION_WORDS: dict[str, tuple[str, ...]] = {
    "happy": ("happy", "happi", "smil", "joy"),
    "sad": ("sad",),
    "neutral": ("neutral",),
}

#: Fragments of a stimulus name that mark the neutral calibration period.
CALIBRATION_WORDS: tuple[str, ...] = ("baseline", "calibration")


def condition_of(name: str) -> str | None:
    """The condition a stimulus name stands for, or None (none or several match)."""
    low = name.lower()
    found = [c for c, words in CONDITION_WORDS.items() if any(w in low for w in words)]
    return found[0] if len(found) == 1 else None


def _runs(names: Sequence[str]) -> list[tuple[int, int, str]]:
    """(first row, last row, name) of every run of equal non-empty names."""
    runs = []
    start = None
    for i, name in enumerate(names):
        if start is not None and name != names[start]:
            runs.append((start, i - 1, names[start]))
            start = None
        if start is None and name:
            start = i
    if start is not None:
        runs.append((start, len(names) - 1, names[start]))
    return runs


def stimulus_events(t: np.ndarray, names: Sequence[str],
                    column: str) -> tuple[list[StimulusEvent], list[str]]:
    """Events from the per-row stimulus names of ``column``.

    Parameters
    ----------
    t : ndarray, shape (n,)
        Row times, seconds.
    names : sequence of str, length n
        The stimulus on screen at each row (empty: none).
    column : str
        The column's name, for the notes.

    Returns
    -------
    events : list of StimulusEvent
        ``stimulus_onset``/``stimulus_offset`` pairs (detail ``morph_s=0``: a
        picture appears at once) and at most one calibration pair.
    notes : list of str
        One line naming the stimuli that did not become trials, if any.
    """
    events: list[StimulusEvent] = []
    skipped: list[str] = []
    calibrated = False
    trial = 0
    for first, last, name in _runs(names):
        on = float(t[first])
        off = float(t[last + 1]) if last + 1 < len(t) else float(t[last])
        low = name.lower()
        if any(w in low for w in CALIBRATION_WORDS):
            if not calibrated:
                events += [StimulusEvent(t=on, event="calibration_start", stimulus_id=name),
                           StimulusEvent(t=off, event="calibration_end", stimulus_id=name)]
                calibrated = True
            continue
        condition = condition_of(name)
        if condition is None:
            if name not in skipped:
                skipped.append(name)
            continue
        trial += 1
        events += [
            StimulusEvent(t=on, event="stimulus_onset", trial=trial, condition=condition,
                          stimulus_id=name, detail=format_detail({"morph_s": 0.0})),
            StimulusEvent(t=off, event="stimulus_offset", trial=trial, condition=condition,
                          stimulus_id=name, detail=format_detail({"morph_s": 0.0})),
        ]
    notes = []
    if skipped:
        shown = ", ".join(skipped[:5]) + (f" and {len(skipped) - 5} more" if len(skipped) > 5
                                          else "")
        notes.append(f"{len(skipped)} stimulus name(s) in column {column} name no condition "
                     f"(happy, sad, neutral) and were not made trials: {shown}")
    return events, notes


def marker_events(t: np.ndarray, texts: Sequence[str], column: str) -> list[StimulusEvent]:
    """A ``marker`` event wherever ``column`` holds a new non-empty text."""
    events = []
    previous = ""
    for i, text in enumerate(texts):
        if text and text != previous:
            label = f"{column}: {text}".replace(";", ",")
            events.append(StimulusEvent(t=float(t[i]), event="marker",
                                        detail=format_detail({"label": label})))
        previous = text
    return events

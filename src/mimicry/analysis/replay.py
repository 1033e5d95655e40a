"""Feeding a recorded session through the streaming analysis in time order (:func:`replay`)."""

from __future__ import annotations

from typing import Callable, Mapping, Sequence

import numpy as np

from mimicry.analysis.config import ANALYSIS_CHANNELS, AnalysisConfig
from mimicry.analysis.streaming import StreamingAnalyzer
from mimicry.core.messages import StimulusEvent


def replay(frames_t: np.ndarray, face: np.ndarray, channels: Mapping[str, np.ndarray],
           events: Sequence[StimulusEvent], config: AnalysisConfig | None = None,
           on_updates: Callable | None = None) -> tuple:
    """Feed a recorded session through a :class:`StreamingAnalyzer` in time order.

    Events at the same time as a frame go first. Returns the analyzer (after
    :meth:`~StreamingAnalyzer.finish`) and every update it gave.
    ``on_updates(analyzer, updates)`` is called with every non-empty batch,
    as the app's meter is (e.g. to take the live lag then).
    """
    sa = StreamingAnalyzer(config)
    evs = sorted(events, key=lambda e: e.t)
    names = [ch for ch in ANALYSIS_CHANNELS[:-1] if ch in channels]
    cols = np.column_stack([np.asarray(channels[ch], dtype=float) for ch in names])
    updates: list = []
    i = 0
    for k, t in enumerate(np.asarray(frames_t, dtype=float)):
        while i < len(evs) and evs[i].t <= t:
            sa.add_event(evs[i])
            i += 1
        row = cols[k]
        ch = dict(zip(names, row.tolist())) if face[k] else None
        batch = sa.add_frame(t, bool(face[k]), ch)
        if batch and on_updates is not None:
            on_updates(sa, batch)
        updates += batch
    for e in evs[i:]:
        sa.add_event(e)
    batch = sa.finish()
    if batch and on_updates is not None:
        on_updates(sa, batch)
    updates += batch
    return sa, updates


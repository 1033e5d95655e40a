"""Feeding a recorded session through the streaming analysis in time order (:func:`replay`)."""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np

from mimicry.analysis.config import ANALYSIS_CHANNELS, AnalysisConfig
from mimicry.analysis.streaming import StreamingAnalyzer
from mimicry.core.messages import StimulusEvent


def replay(frames_t: np.ndarray, face: np.ndarray, channels: Mapping[str, np.ndarray],
           events: Sequence[StimulusEvent], config: AnalysisConfig | None = None,
           ) -> tuple:
    """Feed a recorded session through a :class:`StreamingAnalyzer` in time order.

    Events at the same time as a frame go first. Returns the analyzer (after
    :meth:`~StreamingAnalyzer.finish`) and every update it gave.
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
        updates += sa.add_frame(t, bool(face[k]), ch)
    for e in evs[i:]:
        sa.add_event(e)
    updates += sa.finish()
    return sa, updates


"""The live panel of contagious yawns (:mod:`mimicry.activities.yawn`): yawns so far, after yawns and after controls."""

from __future__ import annotations

import math

from .base import ActivityPanel


class YawnPanel(ActivityPanel):
    """Draws :class:`mimicry.activities.yawn.analysis.YawnResult` readings."""

    def start(self) -> None:
        c = self.card
        c.big.setText("0 yawns")
        c.detail.setText("A yawn: the mouth wide open for at least a second. The "
                         "faces that only move their mouth are the comparison.")
        c.note.setText("")

    def draw(self, res) -> None:
        c = self.card
        n = len(res.episodes)
        c.big.setText(f"{n} yawn{'s' if n != 1 else ''}")
        c.detail.setText(
            f"After yawning faces: {res.yawns_after_yawn} of {res.n_yawn_trials}. "
            f"After mouth movements: {res.yawns_after_control} of {res.n_control_trials}.")
        if math.isfinite(res.median_latency_s):
            c.note.setText(f"Typical delay: {res.median_latency_s:.1f} s after the face "
                           f"began to yawn.")

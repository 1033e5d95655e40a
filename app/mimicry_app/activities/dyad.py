"""The live panel of two people (:mod:`mimicry.activities.dyad`): who leads, and the lag curve."""

from __future__ import annotations

import numpy as np
from PyQt6.QtGui import QFont

from .. import theme
from .base import ActivityPanel


class DyadPanel(ActivityPanel):
    """Draws :class:`mimicry.activities.dyad.live.LiveLead` readings."""

    def widget(self):
        import pyqtgraph as pg  # noqa: PLC0415

        prof = pg.PlotWidget()
        prof.setMinimumHeight(150)
        prof.setMaximumHeight(230)
        prof.setMenuEnabled(False)
        prof.setMouseEnabled(False, False)
        prof.hideButtons()
        prof.setYRange(-1, 1)
        prof.setXRange(-3, 3)
        font = QFont()
        font.setPointSize(theme.pt(theme.PLOT_TICK_PT))
        for ax in ("left", "bottom"):
            prof.getAxis(ax).setTickFont(font)
        prof.setLabel("bottom", "\N{LEFTWARDS ARROW} right leads    lag (s)    "
                                "left leads \N{RIGHTWARDS ARROW}")
        prof.addLine(x=0, pen=pg.mkPen("#B8B8B0", width=1))
        prof.addLine(y=0, pen=pg.mkPen("#B8B8B0", width=1))
        self._curve = prof.plot([], [], pen=pg.mkPen(theme.ACCENT, width=3))
        self.profile = prof
        return prof

    def start(self) -> None:
        c = self.card
        c.big.setText("Watching\N{HORIZONTAL ELLIPSIS}")
        c.detail.setText("Two people side by side in front of the camera. Talk, tell a "
                         "joke, pull faces: whose face follows whose?")
        c.note.setText("Left and right as seen in the camera picture. The curve: how "
                       "alike the two faces are when one is shifted in time.")

    def draw(self, reading) -> None:
        c = self.card
        prof = reading.profile
        self._curve.setData(np.asarray(prof.lags_s), np.nan_to_num(prof.r, nan=0.0))
        if not getattr(reading, "ready", True):
            c.big.setText("No clear leader yet")
            c.detail.setText("Still watching: a leader is only named once the two faces are "
                             "clearly more alike than chance (from about half a minute on).")
        elif not reading.in_sync:
            c.big.setText("Watching\N{HORIZONTAL ELLIPSIS}")
            c.detail.setText(f"How alike the two faces are right now: r = {reading.r:+.2f} at "
                             f"best (last 15 s). Who leads is worked out when you press Stop, "
                             f"with a test that two people who just sit together pass only "
                             f"rarely.")
        elif reading.leader is None:
            c.big.setText("Together")
            c.detail.setText(f"In sync (r = {reading.r:+.2f}), nobody clearly ahead.")
        else:
            other = "right" if reading.leader == "left" else "left"
            c.big.setText(f"{reading.leader.capitalize()} leads")
            c.detail.setText(f"The {other} person's face follows about {reading.lag_s:.1f} s "
                             f"later (r = {reading.r:+.2f}, last 15 s).")

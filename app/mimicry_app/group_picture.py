"""The picture of a group-label session: the smile at each team's faces, and the difference.

Two bars, "your team" and "the other team" in their colours: each team's
primary estimate (smile at happy minus sad faces, 0-1) with its 95% interval
as a whisker. The title is the verdict of the own-minus-other test, and the
line under it gives the difference, its interval and the chance figure, from
``summary["group_difference"]``.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from . import theme
from .live_plots import _brush, _pen
from .result_pictures import _number, _ResultPlot, _font

#: Title per ``group_difference["conclusion"]``.
GROUP_VERDICTS: dict[str, str] = {
    "more_for_own": "More for {own} than chance gives",
    "not_distinguishable_from_chance": "Not distinguishable from chance",
    "too_short": "Too few faces of each team to compare",
}


class GroupResultPlot(_ResultPlot):
    """Each team's smile estimate with its interval; the verdict as the title.

    Attributes
    ----------
    bars : pyqtgraph.BarGraphItem or None
    """

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.bars = None

    def show_summary(self, summary: dict) -> bool:
        """Draw ``summary["group_difference"]``; False when there is none."""
        gd = (summary or {}).get("group_difference")
        if not isinstance(gd, dict):
            return False
        sides = [gd.get("own") or {}, gd.get("other") or {}]
        names = [str(s.get("name") or k) for s, k in zip(sides, ("own", "other"))]
        title = GROUP_VERDICTS.get(str(gd.get("conclusion")), "No conclusion")
        self._reset(title.format(own=names[0], other=names[1]),
                    "smile, happy \N{MINUS SIGN} sad faces")
        heights = [_number(s.get("effect")) for s in sides]
        heights = [h if h == h else 0.0 for h in heights]
        colours = [str(s.get("colour") or c) for s, c in zip(sides, (theme.HAPPY, theme.SAD))]
        self.bars = pg.BarGraphItem(x=[0, 1], height=heights, width=0.55,
                                    brushes=[_brush(c, 230) for c in colours],
                                    pens=[_pen(c, 2) for c in colours])
        self.plot.addItem(self.bars)
        top = 0.1
        for i, s in enumerate(sides):
            lo, hi = (_number(v) for v in ((s.get("ci95") or [None, None]) + [None])[:2])
            label_y = max(heights[i], 0.0)
            if lo == lo and hi == hi:
                label_y = max(label_y, hi)
                self.plot.addItem(pg.ErrorBarItem(
                    x=np.array([float(i)]), y=np.array([heights[i]]),
                    top=np.array([hi - heights[i]]), bottom=np.array([heights[i] - lo]),
                    beam=0.15, pen=_pen(theme.TEXT, 2)))
                top = max(top, hi)
            top = max(top, heights[i])
            self._text(f"{heights[i]:+.2f}", (i, label_y), (0.5, 1.0), theme.TEXT,
                       theme.TITLE_PT, True)
        bottom = self.plot.getAxis("bottom")
        bottom.setTicks([[(i, n) for i, n in enumerate(names)]])
        bottom.setStyle(tickFont=_font(theme.HEADING_PT, bold=True), tickLength=0)
        bottom.setHeight(2 * theme.HEADING_PT + 16)
        low = min([0.0] + heights)
        self.plot.setXRange(-0.6, 1.6, padding=0)
        self.plot.setYRange(low - 0.05, top * 1.35 + 0.03, padding=0)
        self.plot.addLine(y=0, pen=_pen(theme.MUTED_TEXT, 1))
        d, lo, hi, p = (_number(gd.get(k)) for k in ("estimate", "ci_low", "ci_high", "p_value"))
        parts = []
        if d == d:
            parts.append(f"difference {d:+.3f}" + (f" (95% interval {lo:+.3f} to {hi:+.3f})"
                                                   if lo == lo and hi == hi else ""))
        if p == p:
            parts.append(f"one-sided p = {p:.3f}" if p >= 0.001 else "one-sided p < 0.001")
        self._set_note("; ".join(parts))
        return True

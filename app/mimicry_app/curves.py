"""The results screen's text and response curves: the summary as paragraphs, the curves' key and plot.

The curves are computed in :mod:`mimicry.report.curves`, so that the results
screen and the HTML reports draw the same curves; this module draws them
(``response_curves(folder)`` is the core's, under the app's name).
"""

from __future__ import annotations

import html

import numpy as np
import pyqtgraph as pg

from mimicry.report.curves import (AFTER_END_S, CURVE_CHANNELS, GRID_STEP_S,  # noqa: F401
                                   ResponseCurves)
from mimicry.report.curves import session_response_curves as response_curves  # noqa: F401

from . import theme
from .live_plots import _brush, _pen, restyle_layout, set_axis_label, style_plot

#: Smallest y range of the response curves (channel units, 0-1 scores).
MIN_Y_SPAN = 0.2
CURVE_TITLES = {"smile": "Smile", "sad_composite": "Sad brow (inner brow + frown)"}


def summary_html(text: str) -> str:
    """The analysis's plain-language summary as spaced paragraphs.

    Only the layout changes: one paragraph per line, the explanations in
    brackets in a quieter colour, indented lines (left-out trials) indented.
    """
    parts = []
    for line in text.splitlines():
        body = html.escape(line.strip())
        if not body:
            continue
        if line.startswith("  "):
            parts.append(f"<p style='margin:0 0 6px 24px'>{body}</p>")
        elif body.startswith("("):
            parts.append(f"<p style='margin:0 0 12px 0; color:{theme.MUTED_TEXT}; "
                         f"font-size:{theme.pt(theme.BASE_FONT_PT)}pt'>{body}</p>")
        else:
            parts.append(f"<p style='margin:0 0 12px 0'>{body}</p>")
    return "".join(parts)


def curves_key(curves, usable: dict | None = None) -> str:
    """The colour key of the response curves (rich text).

    ``usable`` (summary.json's ``n_valid_by_condition``) gives the analysis's count of
    usable faces: when a curve averages fewer (a face needs frames just before it
    too), the key says so, so it never disagrees with the text beside it.
    """
    if curves is None:
        return ""
    usable = usable or {}

    def count(c: str) -> str:
        drawn, n = curves.n_trials.get(c, 0), usable.get(c)
        if n is None or n == drawn:
            return str(drawn)
        return f"{drawn} of the {n} usable"

    words = [f"<span style='color:{theme.condition_colour(c)}; font-weight:700'>{c} faces "
             f"({count(c)})</span>" for c in ("happy", "sad", "neutral")
             if curves.n_trials.get(c)]
    return (" \N{MIDDLE DOT} ".join(words)
            + " \N{MIDDLE DOT} grey band: the face showing its expression")


def has_trials(curves) -> bool:
    """Whether ``curves`` (a ResponseCurves or None) averages any happy, sad or neutral trial."""
    return curves is not None and any(curves.n_trials.get(c, 0) > 0
                                      for c in ("happy", "sad", "neutral"))


class ResponseCurvesPlot(pg.GraphicsLayoutWidget):
    """Trial-averaged response per condition, one plot per channel."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setMinimumHeight(280)
        self.plots = {}
        for col, ch in enumerate(CURVE_TITLES):
            p = self.addPlot(row=0, col=col)
            style_plot(p, CURVE_TITLES[ch], "change from just before")
            set_axis_label(p, "bottom", "seconds after the face began to change")
            self.plots[ch] = p

    def restyle(self) -> None:
        restyle_layout(self)

    def show_curves(self, curves) -> None:
        for p in self.plots.values():
            p.clear()
        if curves is None:
            return
        for ch, p in self.plots.items():
            shade = pg.LinearRegionItem((0.0, curves.stimulus_s + curves.morph_s), movable=False,
                                        brush=_brush("#BBBBBB", 60), pen=pg.mkPen(None))
            shade.setZValue(-10)
            p.addItem(shade)
            p.addLine(y=0, pen=pg.mkPen("#888888", width=1))
            for cond in ("happy", "sad", "neutral"):
                y = curves.mean.get((cond, ch))
                if y is None or not np.isfinite(y).any():
                    continue
                p.plot(curves.t_s, y, pen=_pen(theme.condition_colour(cond), 4), connect="finite")
            # At least MIN_Y_SPAN tall: a flat response stays flat instead of
            # being stretched until its noise looks like a reaction.
            ys = [v for cond in ("happy", "sad", "neutral")
                  for v in np.asarray(curves.mean.get((cond, ch), []), float).tolist()
                  if np.isfinite(v)]
            lo, hi = (min(ys), max(ys)) if ys else (0.0, MIN_Y_SPAN)
            lo, hi = min(lo, -0.1 * MIN_Y_SPAN), max(hi, 0.9 * MIN_Y_SPAN)
            p.setYRange(lo, hi, padding=0.05)

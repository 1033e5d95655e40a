"""Live plots over the last :data:`WINDOW_S` seconds: the stimulus and the viewer's face.

Top: how strongly the face on screen shows happy (orange) or sad (blue), from
the trial timeline (:func:`mimicry.protocol.timeline.trial_intensity`). Bottom: the
viewer's smile and sad channels (inner brow raise, frown) as tracked. Trials
are shaded in their condition's colour in both. The widget only keeps a short
buffer and redraws when told; it is fed by the main window's draw timer.
"""

from __future__ import annotations

from collections import deque

import numpy as np
import pyqtgraph as pg
from PyQt6.QtCore import Qt
from PyQt6.QtGui import QColor, QFont

from . import theme

#: Seconds shown.
WINDOW_S = 20.0
#: Tops of the trial shading in the two plots (their y ranges' tops).
SHADE_TOP_STIM, SHADE_TOP_FACE = 1.08, 1.04
#: Bottom of both plots' y ranges (a little below 0 so the 0 line shows).
Y_BOTTOM = -0.04
#: Samples kept (a little more than the window at 60 fps).
BUFFER_SAMPLES = int((WINDOW_S + 2) * 60)


def _pen(colour: str, width: float, dash: bool = False):
    pen = pg.mkPen(colour, width=width)
    if dash:
        pen.setStyle(Qt.PenStyle.DashLine)
    return pen


def _brush(colour: str, alpha: int):
    c = QColor(colour)
    c.setAlpha(alpha)
    return pg.mkBrush(c)


def _coloured(text: str, colour: str) -> str:
    return f"<span style='color:{colour}; font-weight:700'>{text}</span>"


def _title(plot: pg.PlotItem, title: str) -> None:
    plot.mimicry_title = title
    plot.setTitle(title, size=f"{theme.pt(theme.HEADING_PT - 2)}pt", color=theme.TEXT)


def set_axis_label(plot: pg.PlotItem, side: str, text: str) -> None:
    """An axis label at the app's text size (kept for :func:`restyle_plot`)."""
    labels = getattr(plot, "mimicry_labels", {})
    labels[side] = text
    plot.mimicry_labels = labels
    plot.setLabel(side, text, **{"font-size": f"{theme.pt(theme.BASE_FONT_PT)}pt"})


def restyle_plot(plot: pg.PlotItem) -> None:
    """Redo a plot's fonts at the current text size (after "Large text")."""
    tick_font = QFont()
    tick_font.setPointSize(theme.pt(theme.PLOT_TICK_PT))
    for name in ("left", "bottom"):
        plot.getAxis(name).setStyle(tickFont=tick_font)
    plot.getAxis("left").setWidth(int(70 * theme.text_scale()))
    if getattr(plot, "mimicry_title", None) is not None:
        _title(plot, plot.mimicry_title)
    for side, text in dict(getattr(plot, "mimicry_labels", {})).items():
        set_axis_label(plot, side, text)


def restyle_layout(widget: pg.GraphicsLayoutWidget) -> None:
    """:func:`restyle_plot` on every plot of a layout widget."""
    for item in list(widget.ci.items):
        if isinstance(item, pg.PlotItem):
            restyle_plot(item)


def style_plot(plot: pg.PlotItem, title: str, y_label: str) -> None:
    """Large, readable axes for a projector."""
    tick_font = QFont()
    tick_font.setPointSize(theme.pt(theme.PLOT_TICK_PT))
    _title(plot, title)
    for name in ("left", "bottom"):
        ax = plot.getAxis(name)
        ax.enableAutoSIPrefix(False)  # "x0.001" next to a label confuses more than it helps
        ax.setStyle(tickFont=tick_font, tickTextOffset=6)
        ax.setPen(pg.mkPen("#666666"))
        ax.setTextPen(pg.mkPen(theme.TEXT))
    plot.getAxis("left").setWidth(int(70 * theme.text_scale()))
    set_axis_label(plot, "left", y_label)
    plot.showGrid(x=True, y=True, alpha=0.15)
    plot.setMenuEnabled(False)
    plot.setMouseEnabled(x=False, y=False)
    plot.hideButtons()


class LivePlots(pg.GraphicsLayoutWidget):
    """Stimulus expression and the viewer's smile and sad channels, live."""

    def restyle(self) -> None:
        restyle_layout(self)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setMinimumHeight(220)
        self.ci.layout.setSpacing(4)
        self.stim_plot = self.addPlot(row=0, col=0)
        self.face_plot = self.addPlot(row=1, col=0)
        dot = "\N{MIDDLE DOT}"
        style_plot(self.stim_plot, f"Face on screen: {_coloured('happy', theme.HAPPY)} {dot} "
                                   f"{_coloured('sad', theme.SAD)}", "intensity")
        style_plot(self.face_plot, f"Viewer\N{RIGHT SINGLE QUOTATION MARK}s face: "
                                   f"{_coloured('smile', theme.SMILE)} {dot} "
                                   f"{_coloured('inner brow raise', theme.SAD_BROW)} {dot} "
                                   f"{_coloured('frown (dashed)', theme.SAD_BROW)}", "score")
        self.face_plot.setXLink(self.stim_plot)
        self.mode = "emotion"
        self.stim_plot.getAxis("bottom").setStyle(showValues=False)
        set_axis_label(self.face_plot, "bottom", "seconds ago")
        # The x axis is fixed (seconds before now) and the data scroll through it:
        # axes that never change are never redrawn, which keeps each frame cheap.
        # A little room either side so the "20" and "now" ticks are drawn.
        self.stim_plot.setXRange(-WINDOW_S - 0.4, 0.6, padding=0)
        ticks = [(-x, str(int(x))) for x in np.arange(WINDOW_S, 0, -5)] + [(0.0, "now")]
        for plot in (self.stim_plot, self.face_plot):
            plot.getAxis("bottom").setTicks([ticks])
            left = plot.getAxis("left")
            left.setTicks([[(0.0, "0"), (0.5, "0.5"), (1.0, "1")]])
            # Short plots: keep "0" and "1" even though they overhang the plot's
            # edge (pyqtgraph only allows that on an axis without grid lines).
            left.setStyle(hideOverlappingLabels=False)
            plot.showGrid(x=True, y=False)
        self.stim_plot.setYRange(Y_BOTTOM, SHADE_TOP_STIM, padding=0)
        self.face_plot.setYRange(Y_BOTTOM, SHADE_TOP_FACE, padding=0)
        # Thick antialiased lines are slow to draw in software: the live curves are
        # drawn without antialiasing (at 3-4 px they still look smooth).
        fast = {"antialias": False, "skipFiniteCheck": True}
        self.stim_happy = self.stim_plot.plot(
            pen=_pen(theme.HAPPY, 3), fillLevel=0, brush=_brush(theme.HAPPY, 110), **fast)
        self.stim_sad = self.stim_plot.plot(
            pen=_pen(theme.SAD, 3), fillLevel=0, brush=_brush(theme.SAD, 110), **fast)
        self.smile = self.face_plot.plot(pen=_pen(theme.SMILE, 4), connect="finite", **fast)
        self.brow = self.face_plot.plot(pen=_pen(theme.SAD_BROW, 4), connect="finite", **fast)
        self.frown = self.face_plot.plot(pen=_pen(theme.SAD_BROW, 2.5, dash=True),
                                         connect="finite", **fast)
        self._buf: deque = deque(maxlen=BUFFER_SAMPLES)
        self._trials: dict[int, object] = {}
        self._shades = {}
        for cond in ("happy", "sad", "neutral", "yawn", "talk"):
            brush = _brush(theme.condition_colour(cond), theme.TRIAL_SHADE_ALPHA)
            items = []
            for plot in (self.stim_plot, self.face_plot):
                item = plot.plot(pen=None, fillLevel=Y_BOTTOM, brush=brush, antialias=False)
                item.setZValue(-10)
                items.append(item)
            self._shades[cond] = tuple(items)
        self.now_t = 0.0

    def set_mode(self, mode: str) -> None:
        """``"emotion"`` (happy/sad faces: smile and sad channels) or ``"yawn"``
        (yawning faces and mouth movements: the viewer's jaw opening)."""
        self.mode = "yawn" if mode == "yawn" else "emotion"
        dot = "\N{MIDDLE DOT}"
        viewer = "Viewer\N{RIGHT SINGLE QUOTATION MARK}s face: "
        if self.mode == "yawn":
            _title(self.stim_plot, f"Face on screen: {_coloured('yawn', theme.YAWN)} {dot} "
                                   f"{_coloured('mouth movements', theme.NEUTRAL)}")
            _title(self.face_plot, viewer + _coloured("jaw open", theme.YAWN))
            self.stim_happy.setPen(_pen(theme.YAWN, 3))
            self.stim_happy.setBrush(_brush(theme.YAWN, 110))
            self.stim_sad.setPen(_pen(theme.NEUTRAL, 3))
            self.stim_sad.setBrush(_brush(theme.NEUTRAL, 110))
            self.smile.setPen(_pen(theme.YAWN, 4))
        else:
            _title(self.stim_plot, f"Face on screen: {_coloured('happy', theme.HAPPY)} {dot} "
                                   f"{_coloured('sad', theme.SAD)}")
            _title(self.face_plot, viewer + f"{_coloured('smile', theme.SMILE)} {dot} "
                                   f"{_coloured('inner brow raise', theme.SAD_BROW)} {dot} "
                                   f"{_coloured('frown (dashed)', theme.SAD_BROW)}")
            self.stim_happy.setPen(_pen(theme.HAPPY, 3))
            self.stim_happy.setBrush(_brush(theme.HAPPY, 110))
            self.stim_sad.setPen(_pen(theme.SAD, 3))
            self.stim_sad.setBrush(_brush(theme.SAD, 110))
            self.smile.setPen(_pen(theme.SMILE, 4))
        self.brow.setVisible(self.mode == "emotion")
        self.frown.setVisible(self.mode == "emotion")

    # -- data ------------------------------------------------------------------
    def reset(self) -> None:
        self._buf.clear()
        self._trials.clear()
        shades = [i for items in self._shades.values() for i in items]
        for c in [self.stim_happy, self.stim_sad, self.smile, self.brow, self.frown] + shades:
            c.setData([], [])
        self.now_t = 0.0

    def set_trials(self, trials) -> None:
        """The trials to draw (a protocol's whole schedule)."""
        for tr in trials:
            self._trials[tr.trial] = tr

    def add_trial(self, trial) -> None:
        """One more trial (a free-run key press)."""
        self._trials[trial.trial] = trial

    def add_samples(self, samples) -> None:
        """Append ``(t, smile, brow_raise_inner, frown, jaw_open, ...)`` tuples in time order."""
        self._buf.extend(samples)
        if samples:
            self.now_t = samples[-1][0]

    # -- drawing ---------------------------------------------------------------
    def _shade(self, visible, t1: float) -> None:
        """Shade the visible trials (x in seconds before ``t1``), only up to now.

        One filled step curve per condition and plot, rather than one region
        item per trial: a handful of cheap items to draw 30 times a second.
        """
        for cond, items in self._shades.items():
            xs, ys = [], []
            for tr in sorted((tr for tr in visible if tr.condition == cond),
                             key=lambda tr: tr.onset_s):
                a, b = tr.onset_s - t1, min(tr.end_s, t1) - t1
                xs += [a, a, b, b]
                ys += [False, True, True, False]
            for item, top in zip(items, (SHADE_TOP_STIM, SHADE_TOP_FACE)):
                item.setData(xs, [top if y else Y_BOTTOM for y in ys])

    def refresh(self) -> None:
        """Redraw from the buffer (call at display rate, not per frame)."""
        from mimicry.protocol.timeline import trial_intensity  # noqa: PLC0415

        if not self._buf:
            return
        arr = np.asarray(self._buf, dtype=float)
        t = arr[:, 0]
        t1 = t[-1]
        t0 = t1 - WINDOW_S
        sel = t >= t0 - 0.5
        t, arr = t[sel], arr[sel]
        visible = [tr for tr in self._trials.values() if tr.end_s > t0 and tr.onset_s < t1]
        self._shade(visible, t1)
        # The two stimulus curves: happy and sad, or in the yawn mode yawn and talk.
        first, second = ("yawn", "talk") if self.mode == "yawn" else ("happy", "sad")
        a = np.zeros_like(t)
        b = np.zeros_like(t)
        for tr in visible:
            if tr.condition == first:
                a += trial_intensity(tr, t)
            elif tr.condition == second:
                b += trial_intensity(tr, t)
        x = t - t1
        self.stim_happy.setData(x, a)
        self.stim_sad.setData(x, b)
        if self.mode == "yawn":
            self.smile.setData(x, arr[:, 4])  # jaw_open
        else:
            self.smile.setData(x, arr[:, 1])
            self.brow.setData(x, arr[:, 2])
            self.frown.setData(x, arr[:, 3])

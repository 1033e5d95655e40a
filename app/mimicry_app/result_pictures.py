"""Pictures of a session's result, drawn from its ``summary.json`` dict.

The results screen shows the analysis's plain-language summary; for the
activities whose result is not a set of response curves these widgets draw it:

* :class:`YawnResultPlot` (contagious yawns, ``summary["yawn"]``): the share of
  faces followed by a yawn, after yawning faces and after mouth movements,
  with the counts on the bars and the verdict as the title.
* :class:`DyadResultPlot` (two people, ``summary["dyad"]``): the
  cross-correlation of the two faces over lags, the band chance pairs stay in,
  and a title that says only what the numbers support (no leader unless the
  synchrony test is below its alpha and the analysis named one).

:func:`picture_for` picks the widget for a summary. Text is never smaller than
:data:`~mimicry_app.theme.BASE_FONT_PT`: the screen is read on a projector.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PyQt6.QtGui import QFont

from . import theme
from .live_plots import _brush, _pen, style_plot

#: Title of the yawn chart per ``summary["yawn"]["conclusion"]``.
YAWN_VERDICTS: dict[str, str] = {
    "mimicry": "More yawns after yawns than chance would give",
    "not_distinguishable_from_chance": "Not distinguishable from chance",
    "too_short": "Too short to conclude",
}
#: The two bars of the yawn chart: (label, colour).
YAWN_BARS = (("after yawning faces", theme.YAWN), ("after mouth movements", theme.NEUTRAL))
#: Title of a dyad session whose synchrony test is not below its alpha.
DYAD_CHANCE = "Not distinguishable from chance"
#: Share (%) above which a bar's count is written inside the bar rather than above it.
INSIDE_ABOVE_PCT = 78.0


def _font(points: int, bold: bool = False) -> QFont:
    font = QFont()
    font.setPointSize(points)
    font.setBold(bold)
    return font


def _number(v) -> float:
    """A summary.json number as a float (None, missing or text: NaN)."""
    try:
        f = float(v)
    except (TypeError, ValueError):
        return math.nan
    return f


def _count(v) -> int:
    f = _number(v)
    return int(f) if math.isfinite(f) and f >= 0 else 0


def _set_title(plot: pg.PlotItem, text: str) -> None:
    plot.setTitle(text, size=f"{theme.HEADING_PT}pt", color=theme.TEXT, bold=True)


def _fmt_p(p: float) -> str:
    return f"{p:.3f}" if p >= 0.001 else f"{p:.1e}"


class _ResultPlot(pg.GraphicsLayoutWidget):
    """One styled plot with a line of small print under it (shared by the pictures)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setBackground(theme.WINDOW_BG)
        self.setMinimumHeight(320)
        self.plot = self.addPlot(row=0, col=0)
        self.note = pg.LabelItem("", color=theme.MUTED_TEXT, size=f"{theme.BASE_FONT_PT}pt")
        self.addItem(self.note, row=1, col=0)
        #: The title shown (plain text), for tests and screen readers.
        self.title_text = ""
        #: The line under the plot (plain text).
        self.note_text = ""

    def _reset(self, title: str, y_label: str) -> None:
        self.plot.clear()
        style_plot(self.plot, "", y_label)
        self.title_text = title
        _set_title(self.plot, title)
        self._set_note("")

    def _set_note(self, text: str) -> None:
        self.note_text = text
        self.note.setText(text, color=theme.MUTED_TEXT, size=f"{theme.BASE_FONT_PT}pt")

    def _text(self, text: str, pos, anchor, colour: str = theme.TEXT,
              points: int = theme.BASE_FONT_PT, bold: bool = False) -> pg.TextItem:
        item = pg.TextItem(text, color=colour, anchor=anchor)
        item.setFont(_font(points, bold))
        item.setPos(*pos)
        self.plot.addItem(item)
        return item


# --------------------------------------------------------------------------- yawns

def yawn_verdict(conclusion: str | None) -> str:
    """The yawn chart's title for a ``conclusion`` (``"No conclusion"`` when unknown)."""
    return YAWN_VERDICTS.get(str(conclusion), "No conclusion")


def yawn_shares(section: dict) -> list[tuple[int, int, float]]:
    """``(yawns, faces, share %)`` after yawning faces and after mouth movements.

    Parameters
    ----------
    section : dict
        ``summary["yawn"]``.

    Returns
    -------
    list of (int, int, float)
        The share is 0 when there were no faces of that kind.
    """
    out = []
    for hits_key, n_key in (("yawns_after_yawn", "n_yawn_trials"),
                            ("yawns_after_control", "n_control_trials")):
        hits, n = _count(section.get(hits_key)), _count(section.get(n_key))
        out.append((hits, n, 100.0 * hits / n if n else 0.0))
    return out


class YawnResultPlot(_ResultPlot):
    """Share of faces followed by a yawn: after yawning faces vs after mouth movements.

    Attributes
    ----------
    bars : pyqtgraph.BarGraphItem or None
        The two bars (x 0 and 1, heights the shares in %).
    count_labels : list of pyqtgraph.TextItem
        ``"6 of 6"`` on or above each bar.
    title_text : str
        The verdict (:data:`YAWN_VERDICTS`).
    """

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.bars = None
        self.count_labels: list[pg.TextItem] = []

    def show_summary(self, summary: dict) -> bool:
        """Draw ``summary["yawn"]``; False (and nothing drawn) when there is none.

        Parameters
        ----------
        summary : dict
            A session's ``summary.json``.
        """
        section = (summary or {}).get("yawn")
        if not isinstance(section, dict):
            self.plot.clear()
            self.bars, self.count_labels, self.title_text = None, [], ""
            return False
        self._reset(yawn_verdict(section.get("conclusion")), "faces followed by a yawn (%)")
        shares = yawn_shares(section)
        self._draw_bars([s for _, _, s in shares])
        self.count_labels = [self._count_label(i, hits, n, share)
                             for i, (hits, n, share) in enumerate(shares)]
        self._set_note(self._small_print(section))
        return True

    def _draw_bars(self, heights: list[float]) -> None:
        self.bars = pg.BarGraphItem(x=[0, 1], height=heights, width=0.6,
                                    brushes=[_brush(c, 230) for _, c in YAWN_BARS],
                                    pens=[_pen(c, 2) for _, c in YAWN_BARS])
        self.plot.addItem(self.bars)
        bottom = self.plot.getAxis("bottom")
        bottom.setTicks([[(i, label) for i, (label, _) in enumerate(YAWN_BARS)]])
        bottom.setStyle(tickFont=_font(theme.HEADING_PT, bold=True), tickLength=0)
        bottom.setHeight(2 * theme.HEADING_PT + 16)
        left = self.plot.getAxis("left")
        left.setTicks([[(v, f"{v}%") for v in range(0, 101, 25)]])
        left.setStyle(hideOverlappingLabels=False)
        self.plot.showGrid(x=False, y=True, alpha=0.15)
        self.plot.setXRange(-0.6, 1.6, padding=0)
        # 0-100 %, with a hair of room so the "0%" and "100%" ticks are drawn.
        self.plot.setYRange(-4.0, 104.0, padding=0)

    def _count_label(self, i: int, hits: int, n: int, share: float) -> pg.TextItem:
        text = f"{hits} of {n}" if n else "no faces"
        if share > INSIDE_ABOVE_PCT:  # a full bar: write inside its top, in white
            return self._text(text, (i, share - 2), (0.5, 0.0), "#FFFFFF", theme.TITLE_PT, True)
        return self._text(text, (i, share + 1), (0.5, 1.0), theme.TEXT, theme.TITLE_PT, True)

    @staticmethod
    def _small_print(section: dict) -> str:
        parts = []
        p = _number(section.get("p_value"))
        if math.isfinite(p):
            parts.append(f"p = {_fmt_p(p)} (Fisher's exact test)")
        floor = _number(section.get("p_floor"))
        alpha = _number(section.get("alpha"))
        if math.isfinite(floor) and math.isfinite(alpha) and floor >= alpha:
            parts.append(f"these faces cannot give p < {alpha:g}")
        lat = _number(section.get("median_latency_s"))
        if math.isfinite(lat):
            parts.append(f"a yawn typically began {lat:.1f} s after the face began to yawn")
        return " \N{MIDDLE DOT} ".join(parts)


# --------------------------------------------------------------------------- two people

def _alpha(summary: dict) -> float:
    a = _number((summary.get("parameters") or {}).get("alpha"))
    return a if math.isfinite(a) else 0.05


def dyad_verdict(summary: dict) -> str:
    """The dyad picture's title: only what the synchrony and direction tests support.

    A p-value that is missing or not below alpha gives :data:`DYAD_CHANCE`
    (never a leader); a significant one names the leader only when the
    analysis did (``summary["leader"]``) and the recording was long enough.

    Parameters
    ----------
    summary : dict
        A two-person session's ``summary.json``.
    """
    dyad = summary.get("dyad") or {}
    p = _number(dyad.get("p_value", summary.get("dyad_p_value")))
    if not math.isfinite(p):
        return "Not enough data to compare the two faces"
    if p >= _alpha(summary):
        return DYAD_CHANCE
    if not dyad.get("long_enough", True):
        return "Moved together (too short to say who led)"
    leader = summary.get("leader")
    if leader in ("left", "right"):
        lag = _number(summary.get("dyad_lag_s"))
        by = f" by {lag:.1f} s" if math.isfinite(lag) else ""
        return f"Moved together: the {leader} person leads{by}"
    return "Moved together; neither clearly led"


def _floats(values) -> np.ndarray:
    return np.array([_number(v) for v in (values or [])], float)


class DyadResultPlot(_ResultPlot):
    """Cross-correlation of the two faces over lags, the chance band and the verdict.

    x is the lag in seconds (> 0: the right face follows, so the left person
    leads), y the correlation r. The grey band is ``+-max_threshold``: the
    largest |r| at any lag stays inside it for 95% of the phase-randomised
    chance pairs. Without a lag curve in the summary the windowed synchrony
    over time is drawn instead.

    Attributes
    ----------
    curve : pyqtgraph.PlotDataItem or None
        r over lags (or the windowed peak r over time).
    band : pyqtgraph.PlotDataItem or None
        The chance band (None when the summary has no threshold).
    title_text : str
        :func:`dyad_verdict`.
    """

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.curve = None
        self.band = None
        self.side_labels: list[pg.TextItem] = []

    def show_summary(self, summary: dict) -> bool:
        """Draw ``summary["dyad"]``; False (and nothing drawn) when there is none.

        Parameters
        ----------
        summary : dict
            A two-person session's ``summary.json``.
        """
        dyad = (summary or {}).get("dyad")
        self.curve, self.band, self.side_labels = None, None, []
        if not isinstance(dyad, dict):
            self.plot.clear()
            self.title_text = ""
            return False
        self._reset(dyad_verdict(summary), "correlation r")
        lags, r = _floats(dyad.get("lags_s")), _floats(dyad.get("r"))
        if lags.size and lags.size == r.size and np.isfinite(r).any():
            self._draw_lags(lags, r, dyad)
        else:
            self._draw_windows(dyad.get("windows") or {})
        self._set_note(self._small_print(summary, dyad))
        return True

    def _draw_lags(self, lags: np.ndarray, r: np.ndarray, dyad: dict) -> None:
        thr = _number(dyad.get("max_threshold"))
        top = float(np.nanmax(np.abs(np.concatenate([r, [thr if math.isfinite(thr) else 0.0,
                                                          0.3]]))))
        top = min(1.0, 1.3 * top)
        if math.isfinite(thr):
            self.band = self.plot.plot(lags, np.full(lags.size, thr), pen=None, fillLevel=-thr,
                                       brush=_brush("#BDBDB8", 140))
            self.band.setZValue(-10)
            self._text("grey band: 95% of chance pairs peak inside it", (float(lags[0]), -thr),
                       (0.0, 0.0), theme.MUTED_TEXT)
        self.plot.addLine(y=0.0, pen=_pen("#888888", 1))
        self.plot.addLine(x=0.0, pen=_pen("#888888", 1, dash=True))
        self.curve = self.plot.plot(lags, r, pen=_pen(theme.ACCENT, 4), connect="finite")
        self._mark_peak(dyad)
        self.plot.setXRange(float(lags[0]), float(lags[-1]), padding=0.02)
        self.plot.setYRange(-top, top, padding=0)
        self.plot.setLabel("bottom", "lag (s): how much later the right face moves",
                           **{"font-size": f"{theme.BASE_FONT_PT}pt"})
        self.side_labels = [
            self._text("\N{LEFTWARDS ARROW} right leads", (float(lags[0]), -top), (0.0, 1.0),
                       theme.MUTED_TEXT, theme.HEADING_PT, True),
            self._text("left leads \N{RIGHTWARDS ARROW}", (float(lags[-1]), -top), (1.0, 1.0),
                       theme.MUTED_TEXT, theme.HEADING_PT, True)]

    def _mark_peak(self, dyad: dict) -> None:
        lag, r = _number(dyad.get("peak_lag_s")), _number(dyad.get("peak_r"))
        if not (math.isfinite(lag) and math.isfinite(r)):
            return
        self.plot.plot([lag], [r], pen=None, symbol="o", symbolSize=16,
                       symbolBrush=theme.ACCENT, symbolPen=_pen("#FFFFFF", 2))
        # Beside the dot, on the side with more room (above it may leave the plot).
        anchor = (1.08, 0.5) if lag > 0 else (-0.08, 0.5)
        self._text(f"r = {r:+.2f} at {lag:+.2f} s", (lag, r), anchor, theme.TEXT,
                   theme.HEADING_PT, True)

    def _draw_windows(self, windows: dict) -> None:
        t, r = _floats(windows.get("t_end")), _floats(windows.get("peak_r"))
        self.plot.setLabel("bottom", "time (s), end of each window",
                           **{"font-size": f"{theme.BASE_FONT_PT}pt"})
        self.plot.setYRange(-1.0, 1.0, padding=0)
        if t.size and t.size == r.size:
            self.curve = self.plot.plot(t, r, pen=_pen(theme.ACCENT, 4), symbol="o",
                                        symbolSize=10, symbolBrush=theme.ACCENT,
                                        connect="finite")
        else:
            self._text("no synchrony values in this summary", (0.5, 0.0), (0.5, 0.5),
                       theme.MUTED_TEXT, theme.HEADING_PT)
            self.plot.setXRange(0.0, 1.0, padding=0)

    @staticmethod
    def _small_print(summary: dict, dyad: dict) -> str:
        p = _number(dyad.get("p_value"))
        if not math.isfinite(p):
            return "There was not enough data to compare the faces."
        n = _count(dyad.get("n_surrogates"))
        text = f"p = {_fmt_p(p)} (against {n} chance pairs)"
        alpha = _alpha(summary)
        if p < alpha:
            lp = _number(dyad.get("leader_p_value"))
            if math.isfinite(lp):
                text += f" \N{MIDDLE DOT} who leads: p = {_fmt_p(lp)}"
        return text


# --------------------------------------------------------------------------- choice

def picture_for(summary: dict | None, parent=None):
    """The picture of a session's result, or None when it has none.

    Parameters
    ----------
    summary : dict or None
        The session's ``summary.json``.
    parent : QWidget, optional

    Returns
    -------
    YawnResultPlot, DyadResultPlot, GroupResultPlot or None
        A yawn session (``analysis == "yawn"`` or a ``yawn`` section) gets the
        yawn chart, a two-person one (``analysis == "dyad"`` or a ``dyad``
        section) the cross-correlation, a group-label one (a
        ``group_difference``) the two teams; anything else None.
    """
    from .group_picture import GroupResultPlot  # noqa: PLC0415 (it imports this module)

    if not isinstance(summary, dict):
        return None
    kind = summary.get("analysis")
    if kind not in ("yawn", "dyad"):
        kind = ("yawn" if isinstance(summary.get("yawn"), dict) else
                "dyad" if isinstance(summary.get("dyad"), dict) else
                "groups" if isinstance(summary.get("group_difference"), dict) else None)
    if kind is None:
        return None
    widget = {"yawn": YawnResultPlot, "dyad": DyadResultPlot, "groups": GroupResultPlot}[kind](
        parent)
    if not widget.show_summary(summary):
        widget.deleteLater()
        return None
    return widget

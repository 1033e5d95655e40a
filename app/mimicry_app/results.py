"""The results screen: the plain-language summary, response curves, where it was saved.

Shows a :class:`~mimicry_app.bridge.SessionOutcome`: the summary written by
:mod:`mimicry.analysis`, the trial-averaged response curves per condition
(:mod:`mimicry.report.curves`), the session folder with a button to open it,
a button that writes and opens the session's ``report.html``
(:mod:`mimicry.report`), and the optional 1-7 self-rating question, saved
into ``session.json``.
"""

from __future__ import annotations

import html
import sys
import traceback

import numpy as np
import pyqtgraph as pg
from PyQt6.QtCore import Qt, QThread, QUrl, pyqtSignal
from PyQt6.QtGui import QDesktopServices
from PyQt6.QtWidgets import (QButtonGroup, QFrame, QHBoxLayout, QLabel, QPushButton,
                             QScrollArea, QVBoxLayout, QWidget)

from mimicry.report.self_rating import (SELF_RATING_ENDS, SELF_RATING_MAX, SELF_RATING_MIN,
                                        SELF_RATING_QUESTION)

from . import theme
from .live_plots import _brush, _pen, style_plot

STATUS_WORDS = {
    "complete": "",
    "stopped": "The session was stopped before the end; the part recorded is analysed.",
    "camera_lost": "The camera stopped delivering frames; everything before was saved.",
    "failed": "The session did not finish normally.",
}
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
                         f"font-size:{theme.BASE_FONT_PT}pt'>{body}</p>")
        else:
            parts.append(f"<p style='margin:0 0 12px 0'>{body}</p>")
    return "".join(parts)


def curves_key(curves) -> str:
    """The colour key of the response curves (rich text)."""
    if curves is None:
        return ""
    words = [f"<span style='color:{theme.condition_colour(c)}; font-weight:700'>{c} faces "
             f"({curves.n_trials.get(c, 0)})</span>" for c in ("happy", "sad", "neutral")
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
            p.setLabel("bottom", "seconds after the face began to change",
                       **{"font-size": f"{theme.BASE_FONT_PT}pt"})
            self.plots[ch] = p

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


class ReportWriter(QThread):
    """Writes a session's ``report.html`` off the UI thread (drawing takes a few seconds).

    After it finishes, ``path`` is the report, or ``problem`` says why there is none.
    """

    def __init__(self, folder, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("mimicry report writer")
        self.folder = folder
        self.path = None
        self.problem = ""

    def run(self) -> None:
        from mimicry.core.errors import MimicryError  # noqa: PLC0415
        from mimicry.report.session_report import write_session_report  # noqa: PLC0415

        try:
            self.path = write_session_report(self.folder)
        except MimicryError as exc:
            self.problem = str(exc)
        except Exception as exc:  # a bug: say so in the window, keep the traceback on stderr
            traceback.print_exc(file=sys.stderr)
            self.problem = f"internal error ({exc.__class__.__name__}: {exc}); please report it"


class ResultsPage(QWidget):
    """What the session showed, and where it was saved.

    Signals
    -------
    new_session()
        The operator wants to go back to the setup screen.
    report_ready(str path, str problem)
        The report was written (and opened), or ``problem`` says why not.
    """

    new_session = pyqtSignal()
    report_ready = pyqtSignal(str, str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.folder = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(24, 16, 24, 16)
        self.title = QLabel("Results")
        self.title.setObjectName("pageTitle")
        outer.addWidget(self.title)
        self.status = QLabel("")
        self.status.setObjectName("banner")
        self.status.setWordWrap(True)
        self.status.hide()
        outer.addWidget(self.status)

        body = QHBoxLayout()
        card = QFrame()
        card.setObjectName("card")
        card_lay = QVBoxLayout(card)
        head = QLabel("What happened")
        head.setObjectName("heading")
        card_lay.addWidget(head)
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        self.summary.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.summary.setStyleSheet(f"font-size: {theme.BASE_FONT_PT + 2}pt; background: transparent;"
                                   f"border: none;")
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.summary)
        scroll.setStyleSheet("background: transparent;")
        card_lay.addWidget(scroll)
        body.addWidget(card, 2)
        right = QVBoxLayout()
        curves_head = QLabel("Average response to each kind of face")
        curves_head.setObjectName("heading")
        right.addWidget(curves_head)
        self.curves_key = QLabel("")
        self.curves_key.setWordWrap(True)
        right.addWidget(self.curves_key)
        self.curves = ResponseCurvesPlot()
        right.addWidget(self.curves, 1)
        # Hidden for sessions without happy/sad/neutral trials (two people, yawns, capture).
        self.curves_panel = QWidget()
        self.curves_panel.setLayout(right)
        right.setContentsMargins(0, 0, 0, 0)
        body.addWidget(self.curves_panel, 3)
        outer.addLayout(body, 1)

        rating = QHBoxLayout()
        self.rating_question = QLabel(f"<b>{html.escape(SELF_RATING_QUESTION)}</b> (optional)")
        rating.addWidget(self.rating_question)
        rating.addWidget(QLabel(SELF_RATING_ENDS[0]))
        self.rating_group = QButtonGroup(self)
        self.rating_buttons = []
        for n in range(SELF_RATING_MIN, SELF_RATING_MAX + 1):
            b = QPushButton(str(n))
            b.setCheckable(True)
            b.setMaximumWidth(48)
            b.setStyleSheet(f"QPushButton:checked {{ background: {theme.ACCENT}; color: white; "
                            f"font-weight: 700; }}")
            self.rating_group.addButton(b, n)
            self.rating_buttons.append(b)
            rating.addWidget(b)
        rating.addWidget(QLabel(SELF_RATING_ENDS[1]))
        self.rating_status = QLabel("")
        self.rating_status.setStyleSheet(f"color: {theme.MUTED_TEXT};")
        rating.addWidget(self.rating_status, 1)
        self.rating_group.idClicked.connect(self.save_rating)
        outer.addLayout(rating)

        foot = QHBoxLayout()
        self.saved = QLabel("")
        self.saved.setWordWrap(True)
        self.saved.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        foot.addWidget(self.saved, 1)
        self.open_button = QPushButton("Open folder")
        self.open_button.clicked.connect(self.open_folder)
        foot.addWidget(self.open_button)
        self.report_button = QPushButton("Open report")
        self.report_button.setToolTip("Write report.html into the session folder (summary, "
                                      "curves, every trial, data quality) and open it")
        self.report_button.clicked.connect(self.open_report)
        foot.addWidget(self.report_button)
        self._report_writer = None
        self.new_button = QPushButton("New session")
        self.new_button.setObjectName("primary")
        self.new_button.clicked.connect(self.new_session)
        foot.addWidget(self.new_button)
        outer.addLayout(foot)

    def show_analyzing(self, participant: str) -> None:
        self.title.setText(f"Results \N{EM DASH} {participant}")
        self.summary.setText("Analysing the session\N{HORIZONTAL ELLIPSIS}")
        self.status.hide()
        self.saved.setText("")
        self.open_button.setEnabled(False)
        self.report_button.setEnabled(False)
        self._reset_rating(False)
        self.curves.show_curves(None)
        self.curves_key.setText("")

    def show_outcome(self, outcome, participant: str) -> None:
        """Show a :class:`~mimicry_app.bridge.SessionOutcome`."""
        self.title.setText(f"Results \N{EM DASH} {participant}")
        notes = [STATUS_WORDS.get(outcome.status, "")]
        if outcome.problem:
            notes.append(outcome.problem)
        notes = [n for n in notes if n]
        self.status.setText("\n".join(notes))
        self.status.setVisible(bool(notes))
        text = outcome.summary_text
        if not text and outcome.last_reading is not None:
            r = outcome.last_reading
            text = (f"Smile at happy minus sad faces {r.index_text} after {r.n_trials} faces. "
                    f"{r.chance_text}\n"
                    f"(Recording was off, so this is the live estimate only.)")
        self.summary.setText(summary_html(text) if text else
                             "No trial was completed, so there is nothing to summarise.")
        self.curves.show_curves(outcome.curves)
        self.curves_key.setText(curves_key(outcome.curves))
        self.curves_panel.setVisible(has_trials(outcome.curves))
        self.folder = outcome.folder
        if outcome.folder is not None:
            self.saved.setText(f"Saved to <b>{outcome.folder}</b><br>"
                               f"{outcome.n_frames} frames, {outcome.dropped} dropped \N{EM DASH} "
                               f"numbers only, no images.")
        else:
            self.saved.setText("Not saved (recording was off).")
        self.open_button.setEnabled(outcome.folder is not None)
        self.report_button.setEnabled(outcome.folder is not None and bool(outcome.summary_text))
        self._reset_rating(outcome.folder is not None)

    def open_folder(self) -> None:
        if self.folder is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.folder)))

    def open_report(self) -> None:
        """Write the session's report.html on a worker thread, then open it."""
        if self.folder is None or (self._report_writer is not None
                                   and self._report_writer.isRunning()):
            return
        self.report_button.setEnabled(False)
        self.report_button.setText("Writing report\N{HORIZONTAL ELLIPSIS}")
        self._report_writer = ReportWriter(self.folder, self)
        self._report_writer.finished.connect(self._report_written)
        self._report_writer.start()

    def _report_written(self) -> None:
        writer = self._report_writer
        self.report_button.setText("Open report")
        self.report_button.setEnabled(self.folder is not None)
        if writer.path is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(writer.path)))
        else:
            self.status.setText(f"The report could not be written: {writer.problem}")
            self.status.show()
        self.report_ready.emit(str(writer.path or ""), writer.problem)

    def _reset_rating(self, enabled: bool) -> None:
        self.rating_group.setExclusive(False)
        for b in self.rating_buttons:
            b.setChecked(False)
            b.setEnabled(enabled)
        self.rating_group.setExclusive(True)
        self.rating_status.setText("")

    def save_rating(self, rating: int) -> None:
        """Save the self-rating into the session's session.json."""
        from mimicry.core.errors import MimicryError  # noqa: PLC0415
        from mimicry.report.self_rating import save_self_rating  # noqa: PLC0415

        if self.folder is None:
            return
        try:
            save_self_rating(self.folder, rating)
        except MimicryError as exc:
            self.rating_status.setText(f"Not saved: {exc}")
            return
        self.rating_status.setText(f"Saved: {rating} of 7, in session.json")

    def shutdown(self) -> None:
        """Wait for a report being written; safe to call twice."""
        if self._report_writer is not None:
            self._report_writer.wait()

"""The class board page: a view of :mod:`mimicry.report.class_board`, sized for a projector.

One dot per person (the primary effect with its 95% interval) and the class
mean with its interval; the empathy scatter with r; the activities' class
results; flagged sessions; a button to the class report (``mimicry
aggregate`` over the same folder, written to ``class_report/`` in it). The
page refreshes the moment a session ends (:func:`attach_board`) and can be
opened on its own (``mimicry app --board DIR``).
"""

from __future__ import annotations

import html
import math
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PyQt6.QtCore import QThread, QUrl, pyqtSignal
from PyQt6.QtGui import QDesktopServices
from PyQt6.QtWidgets import (QComboBox, QFileDialog, QHBoxLayout, QLabel, QPushButton,
                             QVBoxLayout, QWidget)

from mimicry.report.class_board import NAME_STYLES, ClassBoard, load_board

from . import theme
from .live_plots import _brush, _pen, style_plot

REPORT_FOLDER = "class_report"


class _ReportWriter(QThread):
    def __init__(self, folder: Path, parent=None) -> None:
        super().__init__(parent)
        self.folder, self.problem, self.path = folder, "", None

    def run(self) -> None:
        from mimicry.core.errors import MimicryError  # noqa: PLC0415
        from mimicry.report.aggregate import REPORT_FILE, write_aggregate  # noqa: PLC0415

        out = self.folder / REPORT_FOLDER
        try:
            write_aggregate([self.folder], out)
            self.path = out / REPORT_FILE
        except MimicryError as exc:
            self.problem = str(exc)


class ClassBoardPage(QWidget):
    """The class board. ``back`` asks for the setup page."""

    back = pyqtSignal()
    #: The teacher chose another way of naming people (a :data:`NAME_STYLES` entry).
    names_changed = pyqtSignal(str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.folder: Path | None = None
        self.board: ClassBoard | None = None
        self._writer = None
        outer = QVBoxLayout(self)
        head = QHBoxLayout()
        self.title = QLabel("Class board")
        self.title.setObjectName("title")
        head.addWidget(self.title, 1)
        head.addWidget(QLabel("Names:"))
        self.names = QComboBox()
        for style in NAME_STYLES:
            self.names.addItem(style, style)
        self.names.currentIndexChanged.connect(self._names_chosen)
        head.addWidget(self.names)
        self.choose = QPushButton("Another class\N{HORIZONTAL ELLIPSIS}")
        self.choose.clicked.connect(self._choose_folder)
        head.addWidget(self.choose)
        self.report = QPushButton("Class report")
        self.report.clicked.connect(self.open_report)
        head.addWidget(self.report)
        self.back_button = QPushButton("Back")
        self.back_button.clicked.connect(self.back.emit)
        head.addWidget(self.back_button)
        outer.addLayout(head)
        plots = QHBoxLayout()
        self.dots = pg.PlotWidget(background=theme.WINDOW_BG)
        self.scatter = pg.PlotWidget(background=theme.WINDOW_BG)
        plots.addWidget(self.dots, 3)
        plots.addWidget(self.scatter, 2)
        outer.addLayout(plots, 1)
        self.text = QLabel("")
        self.text.setWordWrap(True)
        self.text.setStyleSheet(f"font-size: {theme.pt(theme.HEADING_PT)}pt;")
        outer.addWidget(self.text)
        self.status = QLabel("")
        self.status.setObjectName("muted")
        self.status.setWordWrap(True)
        outer.addWidget(self.status)

    def show_folder(self, folder, style: str | None = None) -> None:
        self.folder = Path(folder)
        if style in NAME_STYLES:
            self.names.blockSignals(True)
            self.names.setCurrentIndex(NAME_STYLES.index(style))
            self.names.blockSignals(False)
        self.refresh()

    def _names_chosen(self, _index: int) -> None:
        self.refresh()
        self.names_changed.emit(self.names.currentData() or NAME_STYLES[0])

    def refresh(self) -> None:
        """Read the class folder again and redraw."""
        if self.folder is None:
            return
        self.board = load_board(self.folder, self.names.currentData() or NAME_STYLES[0])
        b = self.board
        self.title.setText(f"Class board \N{EM DASH} {self.folder.name} "
                           f"({len(b.rows)} session{'s' if len(b.rows) != 1 else ''})")
        self._draw_dots(b)
        self._draw_scatter(b)
        lines = [b.class_sentence(), b.empathy_sentence(), *b.activity_lines(),
                 *b.without_estimate()]
        flagged = [r for r in b.rows if r.flag]
        lines += [f"\N{WARNING SIGN} {r.folder.name}: {r.flag}" for r in flagged]
        self.text.setText("<br>".join(html.escape(t) for t in lines))

    def _draw_dots(self, b: ClassBoard) -> None:
        p = self.dots.getPlotItem()
        p.clear()
        style_plot(p, "smile, happy \N{MINUS SIGN} sad faces", "")
        p.setTitle("Each person, and the class", size=f"{theme.pt(theme.HEADING_PT)}pt",
                   color=theme.TEXT, bold=True)
        rows = b.with_effect
        self.dot_points = [(r.name, r.effect) for r in rows]
        if not rows:
            return
        y = np.arange(len(rows), dtype=float)[::-1] + 1
        x = np.array([r.effect for r in rows])
        lo = np.array([r.ci_low if math.isfinite(r.ci_low) else r.effect for r in rows])
        hi = np.array([r.ci_high if math.isfinite(r.ci_high) else r.effect for r in rows])
        p.addItem(pg.ErrorBarItem(x=x, y=y, left=x - lo, right=hi - x, beam=0.2,
                                  pen=_pen(theme.MUTED_TEXT, 2)))
        p.addItem(pg.ScatterPlotItem(x=x, y=y, size=16, brush=_brush(theme.ACCENT, 255),
                                     pen=_pen(theme.TEXT, 1)))
        p.addLine(x=0, pen=_pen(theme.MUTED_TEXT, 1))
        m = b.mean
        if m.n:
            p.addLine(x=m.mean, pen=_pen(theme.HAPPY, 3))
            if m.n > 1 and math.isfinite(m.ci_low):
                band = pg.LinearRegionItem((m.ci_low, m.ci_high), movable=False,
                                           brush=_brush(theme.HAPPY, 50))
                band.setZValue(-10)  # behind the dots, which keep their colour
                p.addItem(band)
        p.getAxis("left").setTicks([[(float(yy), r.name) for yy, r in zip(y, rows)]])
        p.setYRange(0.3, len(rows) + 0.7, padding=0)

    def _draw_scatter(self, b: ClassBoard) -> None:
        p = self.scatter.getPlotItem()
        p.clear()
        style_plot(p, "empathy (I am an empathetic person, 1\N{EN DASH}5)", "smile effect")
        c = b.correlation
        title = (f"Empathy: r = {c.pearson_r:+.2f}" if c is not None and math.isfinite(
            c.pearson_r) else "Empathy")
        p.setTitle(title, size=f"{theme.pt(theme.HEADING_PT)}pt", color=theme.TEXT, bold=True)
        pts = [(r.score, r.effect) for r in b.with_effect if r.score is not None]
        self.scatter_points = pts
        if pts:
            p.addItem(pg.ScatterPlotItem(x=[q[0] for q in pts], y=[q[1] for q in pts], size=14,
                                         brush=_brush(theme.SAD, 230)))
            p.setXRange(0.5, 5.5, padding=0)

    def _choose_folder(self) -> None:
        d = QFileDialog.getExistingDirectory(self, "The class folder",
                                             str(self.folder or Path.home()))
        if d:
            self.show_folder(d)

    def open_report(self) -> None:
        """Write the class report (``mimicry aggregate``) off the UI thread, then open it."""
        if self.folder is None or self._writer is not None:
            return
        self.report.setEnabled(False)
        self.status.setText("Writing the class report\N{HORIZONTAL ELLIPSIS}")
        self._writer = _ReportWriter(self.folder, self)
        self._writer.finished.connect(self._report_done)
        self._writer.start()

    def _report_done(self) -> None:
        w, self._writer = self._writer, None
        self.report.setEnabled(True)
        if w.path is not None:
            self.status.setText(f"Class report: {w.path}")
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(w.path)))
        else:
            self.status.setText(f"The class report could not be written: {w.problem}")

    def shutdown(self) -> None:
        if self._writer is not None:
            self._writer.wait()


def attach_board(window) -> None:
    """Give ``window`` its class board: a page, a toolbar action (B), a refresh per session."""
    from .actions import _action  # noqa: PLC0415

    page = ClassBoardPage()
    window.board = page
    window.stack.addWidget(page)

    def show() -> None:
        if window.state not in ("setup", "results"):
            return
        page.show_folder(window.setup.save.folder(), window.setup.board_names)
        window.stack.setCurrentWidget(page)

    def remember(style: str) -> None:  # the teacher's choice of names, kept for next time
        from dataclasses import replace  # noqa: PLC0415

        from mimicry.runtime.settings import save_settings  # noqa: PLC0415

        if style != window.setup.board_names:
            window.setup.board_names = style
            problem = save_settings(replace(window.setup.settings(),
                                            classroom=window.classroom.enabled))
            if problem:
                window.statusBar().showMessage(problem, 10000)

    window.act_board = _action(window, "Class board", "B", show,
                               tip="The class: every session saved in this folder (B)")
    window.toolbar.addAction(window.act_board)
    page.back.connect(window.show_setup)
    page.names_changed.connect(remember)
    window.session_done.connect(lambda _o: page.refresh() if page.folder else None)

"""The results screen: the plain-language summary, response curves, where it was saved.

Shows a :class:`~mimicry_app.bridge.SessionOutcome`: the summary written by
:mod:`mimicry.analysis`, the trial-averaged response curves per condition
(:mod:`mimicry.report.curves`), the session folder with a button to open it,
a button that writes and opens the session's ``report.html``
(:mod:`mimicry.report`), and the optional questionnaire (the Single-Item
Trait Empathy Scale by default, :mod:`mimicry.protocol.questionnaire`), saved
into ``session.json`` under ``questionnaires``.
"""

from __future__ import annotations

import html
import sys
import traceback

from PyQt6.QtCore import Qt, QThread, QUrl, pyqtSignal
from PyQt6.QtGui import QDesktopServices, QGuiApplication, QKeySequence, QShortcut
from PyQt6.QtWidgets import (QButtonGroup, QFrame, QHBoxLayout, QLabel, QPushButton,
                             QScrollArea, QVBoxLayout, QWidget)

from mimicry.protocol.questionnaire import DEFAULT_QUESTIONNAIRE, load_questionnaire

from . import theme
from .curves import ResponseCurvesPlot, curves_key, has_trials, summary_html
from .mood import mood_row, save_mood
from .verdict import VerdictCard

STATUS_WORDS = {
    "complete": "",
    "stopped": "The session was stopped before the end; the part recorded is analysed.",
    "camera_lost": "The camera stopped delivering frames; everything before was saved.",
    "failed": "The session did not finish normally.",
}
#: Activities whose result has no self-rating question (nobody watched faces to mimic).
NO_RATING = ("capture", "dyad")


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

        self.verdict = VerdictCard()
        self.verdict.hide()
        outer.addWidget(self.verdict)
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
        theme.style_label(self.summary, theme.BASE_FONT_PT + 2)
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
        # An activity's own picture (yawn counts, two faces' timing) in place of the curves.
        self.picture_panel = QVBoxLayout()
        self.picture_box = QWidget()
        self.picture_box.setLayout(self.picture_panel)
        self.picture_panel.setContentsMargins(0, 0, 0, 0)
        self.picture_box.hide()
        self.picture = None
        body.addWidget(self.picture_box, 3)
        outer.addLayout(body, 1)

        self.questionnaire = load_questionnaire(DEFAULT_QUESTIONNAIRE)
        q = self.questionnaire
        self.rating_row = QWidget()
        rows = QVBoxLayout(self.rating_row)
        rows.setContentsMargins(0, 0, 0, 0)
        self.rating_groups: list[QButtonGroup] = []
        self.rating_buttons = []  # the buttons of every item, in order
        for k, item in enumerate(q.items):
            row = QHBoxLayout()
            lead = (f"<b>{html.escape(item.text)}</b>" + (" (optional)" if k == 0 else ""))
            label = QLabel(lead)
            label.setToolTip(f"{q.title}. {q.citation}")
            if k == 0:
                self.rating_question = label
            row.addWidget(label)
            row.addWidget(QLabel(q.labels[0]))
            group = QButtonGroup(self)
            for n in range(q.scale_min, q.scale_max + 1):
                b = QPushButton(str(n))
                b.setCheckable(True)
                b.setMaximumWidth(48)
                b.setStyleSheet(f"QPushButton:checked {{ background: {theme.ACCENT}; "
                                f"color: white; font-weight: 700; }}")
                group.addButton(b, n - q.scale_min + 1)  # ids from 1: -1 means none
                self.rating_buttons.append(b)
                row.addWidget(b)
            row.addWidget(QLabel(q.labels[1]))
            if k == 0:
                self.rating_status = QLabel("")
                self.rating_status.setStyleSheet(f"color: {theme.MUTED_TEXT};")
                row.addWidget(self.rating_status, 1)
            else:
                row.addStretch(1)
            group.idClicked.connect(self.save_rating)
            self.rating_groups.append(group)
            rows.addLayout(row)
        outer.addWidget(self.rating_row)
        # The volunteer answers with a number key, the first unanswered item first.
        for n in range(q.scale_min, q.scale_max + 1):
            QShortcut(QKeySequence(str(n)), self, activated=lambda n=n: self.rate_by_key(n))
        self.mood_after = mood_row("After: how do you feel right now?")
        self.mood_after.answered.connect(lambda v: self.mood_after.status.setText(
            save_mood(self.folder, "mood_after", v)))
        self.mood_after.hide()
        outer.addWidget(self.mood_after)

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
        self.copy_button = QPushButton("Copy the report’s path")
        self.copy_button.clicked.connect(self.copy_report_path)
        self.copy_button.hide()
        foot.addWidget(self.copy_button)
        self.report_path = None
        self._report_writer = None
        self._summary_text = ""
        self.new_button = QPushButton("Next person  (Space)")
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
        self.verdict.hide()
        self._set_picture(None)
        self.report_path = None
        self.copy_button.hide()

    def show_outcome(self, outcome, participant: str, ask_mood: bool = False,
                     mood_before: int | None = None) -> None:
        """Show a :class:`~mimicry_app.bridge.SessionOutcome`.

        With ``ask_mood`` the mood question "after" is shown, and ``mood_before``
        (the setup page's answer) is saved into the session.
        """
        self.title.setText(f"Results \N{EM DASH} {participant}")
        notes = [STATUS_WORDS.get(outcome.status, "")]
        if outcome.problem:
            notes.append(outcome.problem)
        summary = outcome.summary or {}
        if summary and summary.get("tracked_fps_ok") is False:
            from mimicry.analysis.frame_rate import slow_tracking_note  # noqa: PLC0415

            notes.append(slow_tracking_note(float(summary["tracked_fps"])))
        notes = [n for n in notes if n]
        self.status.setText("\n".join(notes))
        self.status.setVisible(bool(notes))
        text = outcome.summary_text
        if not text and outcome.last_reading is not None:
            r = outcome.last_reading
            text = (f"Smile at happy minus sad faces {r.index_text} after {r.n_trials} faces. "
                    f"{r.chance_text}\n"
                    f"(Recording was off, so this is the live estimate only.)")
        self._summary_text = text
        self.summary.setText(summary_html(text) if text else
                             "No trial was completed, so there is nothing to summarise.")
        activity = getattr(outcome, "activity", None)
        self.verdict.setVisible(activity is None and self.verdict.show_summary(summary))
        self.curves.show_curves(outcome.curves)
        self.curves_key.setText(curves_key(outcome.curves, summary.get("n_valid_by_condition")))
        from .result_pictures import picture_for  # noqa: PLC0415

        picture = picture_for(summary) if summary else None
        self._set_picture(picture)
        self.curves_panel.setVisible(picture is None and has_trials(outcome.curves))
        self.rating_row.setVisible(activity not in NO_RATING)
        self.report_path = None
        self.copy_button.hide()
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
        save_mood(outcome.folder, "mood_before", mood_before)
        self.mood_after.reset(outcome.folder is not None)
        self.mood_after.setVisible(ask_mood and outcome.folder is not None)

    def _set_picture(self, widget) -> None:
        if self.picture is not None:
            self.picture_panel.removeWidget(self.picture)
            self.picture.deleteLater()
        self.picture = widget
        if widget is not None:
            self.picture_panel.addWidget(widget)
        self.picture_box.setVisible(widget is not None)

    def restyle(self) -> None:
        """Redraw the summary at the current text size."""
        if self._summary_text:
            self.summary.setText(summary_html(self._summary_text))

    def copy_report_path(self) -> None:
        if self.report_path is not None:
            QGuiApplication.clipboard().setText(str(self.report_path))
            self.copy_button.setText("Copied")

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
            self.report_path = writer.path
            opened = QDesktopServices.openUrl(QUrl.fromLocalFile(str(writer.path)))
            self.status.setText(
                f"The report is written: {writer.path}" + (
                    "" if opened else " — no web browser opened it here: open this "
                    "file in one (the button beside copies its path)."))
            self.status.show()
            self.copy_button.setText("Copy the report’s path")
            self.copy_button.show()
        else:
            self.status.setText(f"The report could not be written: {writer.problem}")
            self.status.show()
        self.report_ready.emit(str(writer.path or ""), writer.problem)

    def _reset_rating(self, enabled: bool) -> None:
        for group in self.rating_groups:
            group.setExclusive(False)
            for b in group.buttons():
                b.setChecked(False)
                b.setEnabled(enabled)
            group.setExclusive(True)
        self.rating_status.setText("")

    def rate_by_key(self, answer: int) -> None:
        """A number key: the answer to the first unanswered item (when the row is shown)."""
        if not self.rating_row.isVisible():
            return
        for group in self.rating_groups:
            b = group.button(answer - self.questionnaire.scale_min + 1)
            if group.checkedId() == -1 and b is not None and b.isEnabled():
                b.click()
                return

    def save_rating(self, _answer: int = 0) -> None:
        """Save the questionnaire into session.json once every item has an answer."""
        from mimicry.core.errors import MimicryError  # noqa: PLC0415
        from mimicry.protocol.questionnaire import save_answers  # noqa: PLC0415

        q = self.questionnaire
        answers = {item.id: g.checkedId() + q.scale_min - 1
                   for item, g in zip(q.items, self.rating_groups) if g.checkedId() != -1}
        if self.folder is None:
            return
        if len(answers) < len(q.items):
            self.rating_status.setText(f"{len(answers)} of {len(q.items)} answered")
            return
        try:
            meta = save_answers(self.folder, q, answers)
        except MimicryError as exc:
            self.rating_status.setText(f"Not saved: {exc}")
            return
        score = meta["questionnaires"][q.id]["score"]
        self.rating_status.setText(f"Saved: {score:g} of {q.scale_max}, in session.json")

    def shutdown(self) -> None:
        """Wait for a report being written; safe to call twice."""
        if self._report_writer is not None:
            self._report_writer.wait()

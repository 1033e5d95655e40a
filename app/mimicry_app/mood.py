"""The optional mood rating (one valence question, 1-9) before and after a session.

For emotional contagion: does a block of sad faces lower the mood? The setup
page holds :class:`MoodSetup` (a checkbox, remembered, and the "before"
question); the results screen holds a :class:`RatingRow` for "after". Both
answers go into ``session.json`` under ``questionnaires.mood_before`` and
``mood_after`` (:func:`mimicry.protocol.questionnaire.save_answers`), as
``mimicry record --mood`` stores them.
"""

from __future__ import annotations

import html

from PyQt6.QtCore import pyqtSignal
from PyQt6.QtWidgets import QButtonGroup, QCheckBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from mimicry.protocol.questionnaire import load_questionnaire

from . import theme

MOOD = load_questionnaire("mood")


class RatingRow(QWidget):
    """One question answered by a row of numbered buttons; ``answered(int)`` on a click."""

    answered = pyqtSignal(int)

    def __init__(self, question: str, lo: int, hi: int, ends: tuple[str, str],
                 parent=None) -> None:
        super().__init__(parent)
        self.lo = lo
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.question = QLabel(f"<b>{html.escape(question)}</b>")
        row.addWidget(self.question)
        row.addWidget(QLabel(ends[0]))
        self.group = QButtonGroup(self)
        self.buttons = []
        for n in range(lo, hi + 1):
            b = QPushButton(str(n))
            b.setCheckable(True)
            b.setMaximumWidth(44)
            b.setStyleSheet(f"QPushButton:checked {{ background: {theme.ACCENT}; color: white; "
                            f"font-weight: 700; }}")
            self.group.addButton(b, n - lo + 1)  # ids from 1: -1 means none
            self.buttons.append(b)
            row.addWidget(b)
        row.addWidget(QLabel(ends[1]))
        self.status = QLabel("")
        self.status.setStyleSheet(f"color: {theme.MUTED_TEXT};")
        row.addWidget(self.status, 1)
        self.group.idClicked.connect(lambda i: self.answered.emit(i + lo - 1))

    def value(self) -> int | None:
        i = self.group.checkedId()
        return None if i == -1 else i + self.lo - 1

    def reset(self, enabled: bool = True) -> None:
        self.group.setExclusive(False)
        for b in self.buttons:
            b.setChecked(False)
            b.setEnabled(enabled)
        self.group.setExclusive(True)
        self.status.setText("")


def mood_row(question: str, parent=None) -> RatingRow:
    return RatingRow(question, MOOD.scale_min, MOOD.scale_max, MOOD.labels, parent)


class MoodSetup(QWidget):
    """The setup page's "ask mood before and after" box and the "before" question."""

    def __init__(self, enabled: bool, parent=None) -> None:
        super().__init__(parent)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.ask = QCheckBox("Ask how the participant feels before and after (1\N{EN DASH}9)")
        self.ask.setChecked(enabled)
        self.before = mood_row("Before: how do you feel right now?")
        self.before.setVisible(enabled)
        self.ask.toggled.connect(self.before.setVisible)
        lay.addWidget(self.ask)
        lay.addWidget(self.before)

    def enabled(self) -> bool:
        return self.ask.isChecked()

    def take_before(self) -> int | None:
        """The "before" answer (None when off or not given), and the question cleared."""
        v = self.before.value() if self.enabled() else None
        self.before.reset()
        return v


def save_mood(folder, key: str, value: int | None) -> str:
    """Save one mood answer under ``questionnaires[key]``; the status text."""
    from mimicry.core.errors import MimicryError  # noqa: PLC0415
    from mimicry.protocol.questionnaire import save_answers  # noqa: PLC0415

    if folder is None or value is None:
        return ""
    try:
        save_answers(folder, MOOD, {"valence": value}, key)
    except MimicryError as exc:
        return f"Not saved: {exc}"
    return f"Saved: {value} of {MOOD.scale_max}, in session.json"

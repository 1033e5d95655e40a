"""The mimicry meter: the running index, the chance in plain words, and the lag.

Shows a :class:`~mimicry.runtime.readings.MeterReading` (worked out on the worker
thread after every trial); big numbers for the back of the room.
"""

from __future__ import annotations

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QFrame, QGridLayout, QLabel

from mimicry.runtime.readings import DASH

from . import theme


def _label(text: str = "", pt: int = theme.BASE_FONT_PT, bold: bool = False,
           colour: str = theme.TEXT, wrap: bool = False) -> QLabel:
    lab = QLabel(text)
    weight = 700 if bold else 400
    lab.setStyleSheet(f"font-size: {pt}pt; font-weight: {weight}; color: {colour};"
                      f"background: transparent; border: none;")
    lab.setWordWrap(wrap)
    return lab


class MimicryMeter(QFrame):
    """Running mimicry index, p-value in words and lag, updated after every trial."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        grid = QGridLayout(self)
        grid.setContentsMargins(16, 10, 16, 10)
        grid.setHorizontalSpacing(24)
        grid.setVerticalSpacing(2)
        self.title = _label("Smile: happy \N{MINUS SIGN} sad", theme.BASE_FONT_PT + 2, bold=True,
                            colour=theme.MUTED_TEXT)
        self.lag_title = _label("Lag", theme.BASE_FONT_PT + 2, bold=True, colour=theme.MUTED_TEXT)
        self.index = _label(DASH, theme.METER_NUMBER_PT, bold=True, colour=theme.ACCENT)
        self.lag = _label(DASH, theme.METER_NUMBER_PT - 12, bold=True, colour=theme.TEXT)
        self.chance = _label("Updated after every face.", theme.BASE_FONT_PT + 1, wrap=True)
        self.trials = _label("", theme.BASE_FONT_PT, colour=theme.MUTED_TEXT, wrap=True)
        self.last = _label("", theme.BASE_FONT_PT, wrap=True)
        grid.addWidget(self.title, 0, 0)
        grid.addWidget(self.lag_title, 0, 1, alignment=Qt.AlignmentFlag.AlignRight)
        grid.addWidget(self.index, 1, 0)
        grid.addWidget(self.lag, 1, 1, alignment=Qt.AlignmentFlag.AlignRight)
        grid.addWidget(self.chance, 2, 0, 1, 2)
        grid.addWidget(self.last, 3, 0, 1, 2)
        grid.addWidget(self.trials, 4, 0, 1, 2)
        grid.setColumnStretch(0, 1)
        self.n_planned: int | None = None
        self.reading = None

    def reset(self, n_planned: int | None) -> None:
        self.n_planned = n_planned
        self.reading = None
        self.index.setText(DASH)
        self.lag.setText(DASH)
        self.chance.setText("Updated after every face.")
        self.last.setText("")
        self.trials.setText(self._trials_text(0))

    def _trials_text(self, n: int) -> str:
        if self.n_planned:
            return f"{n} of {self.n_planned} faces done"
        return f"{n} face{'s' if n != 1 else ''} done"

    def show_reading(self, reading) -> None:
        """Show a :class:`~mimicry.runtime.readings.MeterReading`."""
        self.reading = reading
        self.index.setText(reading.index_text)
        self.lag.setText(reading.lag_text)
        self.chance.setText(reading.chance_text)
        colour = theme.condition_colour(reading.last_condition)
        self.last.setText(f"<span style='color:{colour}'>\N{BLACK CIRCLE}</span> "
                          f"{reading.last_trial_text}")
        self.trials.setText(self._trials_text(reading.n_trials))

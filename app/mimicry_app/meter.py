"""The mimicry meter: the running estimate on its scale, the verdict as big as the number, the delay.

Shows a :class:`~mimicry.runtime.readings.MeterReading` (worked out on the worker
thread after every trial) in a :class:`~mimicry_app.verdict.VerdictCard`:
before the planned end the verdict line says when it will come; the delay
appears, in ordinary type, only once the live lag test passed on enough faces.
"""

from __future__ import annotations

from PyQt6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout

from mimicry.runtime.readings import DASH

from . import theme
from .verdict import VerdictCard


class MimicryMeter(VerdictCard):
    """Running estimate, verdict and delay, updated after every trial."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent=parent)
        lay: QVBoxLayout = self.layout()
        self.lag = QLabel("")
        theme.style_label(self.lag, theme.BASE_FONT_PT + 2, bold=True)
        self.last = QLabel("")
        self.last.setWordWrap(True)
        theme.style_label(self.last, theme.BASE_FONT_PT)
        self.trials = QLabel("")
        theme.style_label(self.trials, theme.BASE_FONT_PT, colour=theme.MUTED_TEXT)
        foot = QHBoxLayout()
        foot.addWidget(self.last, 1)
        foot.addWidget(self.trials, 0)
        lay.addWidget(self.lag)
        lay.addLayout(foot)
        #: The words under the number (kept as ``chance`` for callers of the old meter).
        self.chance = self.detail
        self.index = self.number
        self.n_planned: int | None = None
        self.reading = None
        self.reset(None)

    def reset(self, n_planned: int | None) -> None:
        self.n_planned = n_planned
        self.reading = None
        self.set_estimate(float("nan"), float("nan"), float("nan"))
        when = f"after all {n_planned} faces" if n_planned else "at the end"
        self.set_verdict("pending", f"Verdict {when}")
        self.set_detail("Updated after every face.")
        self.lag.setText("")
        self.lag.hide()
        self.last.setText("")
        self.trials.setText(self._trials_text(0))

    def _trials_text(self, n: int) -> str:
        if self.n_planned:
            return f"{n} of {self.n_planned} faces done"
        return f"{n} face{'s' if n != 1 else ''} done"

    def show_reading(self, reading) -> None:
        """Show a :class:`~mimicry.runtime.readings.MeterReading`."""
        self.reading = reading
        self.set_estimate(reading.index, reading.ci_low, reading.ci_high)
        self.set_verdict(reading.conclusion, reading.verdict_text)
        self.set_detail(reading.detail_text or reading.chance_text)
        shown = reading.lag_text != DASH
        self.lag.setText(f"Your face follows about {reading.lag_text} later" if shown else "")
        self.lag.setVisible(shown)
        colour = theme.condition_colour(reading.last_condition)
        self.last.setText(f"<span style='color:{colour}'>\N{BLACK CIRCLE}</span> "
                          f"{reading.last_short_text or reading.last_trial_text}")
        self.last.setToolTip(reading.last_trial_text)
        self.trials.setText(self._trials_text(reading.n_trials))

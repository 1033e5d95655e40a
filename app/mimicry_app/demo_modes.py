"""The live card of the classroom activities: two people, contagious yawns, try not to smile, capture.

One :class:`DemoPanel` sits on the live page in place of the mimicry meter when
the session runs an activity. It holds the card's title, big number and texts,
and the activity's own panel (:mod:`mimicry_app.activities`, found by the
activity's name), which draws the readings the activity's live state sends from
the session worker thread (:attr:`mimicry_app.bridge.LiveBridge.activity_reading`).
Nothing is computed here.
"""

from __future__ import annotations

from PyQt6.QtWidgets import QFrame, QLabel, QVBoxLayout

from . import theme


def _label(pt: int, bold: bool = False, colour: str = theme.TEXT) -> QLabel:
    lab = QLabel("")
    theme.style_label(lab, pt, bold, colour)
    lab.setWordWrap(True)
    return lab


class DemoPanel(QFrame):
    """What a classroom activity shows live (see the module docstring)."""

    #: Where an activity panel's own widget goes in the card (under the big number).
    WIDGET_ROW = 2

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(16, 10, 16, 12)
        lay.setSpacing(6)
        self.title = _label(theme.BASE_FONT_PT + 2, bold=True, colour=theme.MUTED_TEXT)
        self.big = _label(theme.METER_NUMBER_PT - 14, bold=True, colour=theme.ACCENT)
        self.detail = _label(theme.BASE_FONT_PT + 2)
        self.note = _label(theme.BASE_FONT_PT, colour=theme.MUTED_TEXT)
        for w in (self.title, self.big, self.detail, self.note):
            lay.addWidget(w)
        self.mode: str | None = None
        self.panel = None
        self.last_reading = None
        self._panels: dict = {}  # activity name -> its panel

    # -- session -----------------------------------------------------------------
    def start(self, mode: str | None, plan=None) -> None:
        """Prepare for a session of activity ``mode`` (None: no activity; the card hides)."""
        from .activities import panel_class  # noqa: PLC0415

        self.mode = mode
        self.last_reading = None
        self.colour_big(theme.ACCENT)
        self.note.setObjectName("")
        theme.style_label(self.note, theme.BASE_FONT_PT, colour=theme.MUTED_TEXT)
        for panel in self._panels.values():
            if panel.own_widget is not None:
                panel.own_widget.hide()
        self.setVisible(mode is not None)
        if mode is None:
            self.panel = None
            return
        from mimicry.activities.registry import get_activity  # noqa: PLC0415

        self.title.setText(get_activity(mode).title)
        panel = self._panels.get(mode)
        if panel is None:  # made once per activity, its widget reused by later sessions
            panel = self._panels[mode] = panel_class(mode)(self, plan)
            panel.own_widget = panel.widget()
            if panel.own_widget is not None:
                self.layout().insertWidget(self.WIDGET_ROW, panel.own_widget)
        panel.plan = plan
        if panel.own_widget is not None:
            panel.own_widget.show()
        self.panel = panel
        panel.start()

    @property
    def bar(self):
        """The smile-o-meter of the try-not-to-smile panel (None before that activity ran)."""
        panel = self._panels.get("no_smile")
        return panel.bar if panel is not None else None

    # -- readings (UI thread, sent by the worker) ---------------------------------
    def show_reading(self, reading) -> None:
        """Draw one reading of the activity's live state."""
        if self.panel is None or reading is None:
            return
        self.last_reading = reading
        self.panel.draw(reading)

    def colour_big(self, colour: str) -> None:
        theme.style_label(self.big, theme.METER_NUMBER_PT - 14, bold=True, colour=colour)

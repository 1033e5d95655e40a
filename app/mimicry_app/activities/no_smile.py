"""The live panel of try not to smile (:mod:`mimicry.activities.no_smile`): the smile-o-meter and the time held."""

from __future__ import annotations

from PyQt6.QtCore import QRectF, Qt
from PyQt6.QtGui import QColor, QPainter, QPen
from PyQt6.QtWidgets import QSizePolicy, QWidget

from .. import theme
from .base import ActivityPanel


class SmileBar(QWidget):
    """The smile-o-meter: 0 at the viewer's neutral face, the red line is their threshold."""

    #: The bar's right end, in threshold units.
    FULL_SCALE = 1.5

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.level = 0.0
        self.cracked = False
        self.setMinimumHeight(64)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_level(self, level: float, cracked: bool) -> None:
        self.level, self.cracked = float(level), bool(cracked)
        self.update()

    def paintEvent(self, _event) -> None:  # noqa: N802 (Qt naming)
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        r = QRectF(self.rect()).adjusted(2, 8, -2, -8)
        p.setPen(QPen(QColor("#B8B8B0"), 1))
        p.setBrush(QColor("#FFFFFF"))
        p.drawRoundedRect(r, 8, 8)
        frac = min(max(self.level, 0.0) / self.FULL_SCALE, 1.0)
        if frac > 0:
            colour = theme.FACE_MISSING if self.cracked or self.level >= 1 else (
                theme.HAPPY if self.level >= 0.5 else theme.FACE_FOUND)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QColor(colour))
            p.drawRoundedRect(QRectF(r.left(), r.top(), r.width() * frac, r.height()), 8, 8)
        x = r.left() + r.width() / self.FULL_SCALE
        p.setPen(QPen(QColor(theme.FACE_MISSING), 4))
        p.drawLine(int(x), int(r.top()) - 6, int(x), int(r.bottom()) + 6)
        p.end()


class NoSmilePanel(ActivityPanel):
    """Draws :class:`mimicry.activities.no_smile.analysis.GameState` readings."""

    def widget(self):
        self.bar = SmileBar()
        return self.bar

    def start(self) -> None:
        c = self.card
        c.big.setText("Relax\N{HORIZONTAL ELLIPSIS}")
        c.detail.setText("First a calm moment: the meter learns your straight face.")
        c.note.setText("Past the red line (held for a moment) counts as a smile.")
        self.bar.set_level(0.0, False)

    def draw(self, st) -> None:
        c = self.card
        self.bar.set_level(st.level, st.phase == "cracked")
        if st.phase == "calibrating":
            return
        if st.phase == "ready":
            c.big.setText("Ready\N{HORIZONTAL ELLIPSIS}")
            c.detail.setText("Keep a straight face when the faces start smiling!")
        elif st.phase == "playing":
            c.big.setText(f"{st.survived_s:.1f} s")
            c.detail.setText("Straight face so far. Don't smile!")
        elif st.phase == "cracked":
            c.big.setText(f"Smiled after {st.survived_s:.1f} s")
            c.detail.setText("The smile got through. Mimicry has brakes, but they leak.")
        else:
            c.big.setText(f"{st.survived_s:.1f} s: you made it!")
            c.detail.setText("A straight face to the end.")

"""The verdict card: the estimate on its scale, its 95% interval and the verdict, equally visible.

One widget for the live meter and the results screen, so both say the same
thing the same way: the number (how much more the smile rose at happy than at
sad faces, 0-1 units), where it and its interval lie on a scale with zero
("no difference") marked, and the verdict in words as big as the number.
Nothing is computed here: the texts come from the analysis
(:mod:`mimicry.runtime.readings`, ``summary.json``).
"""

from __future__ import annotations

import math

from PyQt6.QtCore import QPointF, QRectF, Qt
from PyQt6.QtGui import QColor, QFont, QPainter, QPen
from PyQt6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from . import theme

#: Background and text colour of the verdict, per conclusion (``pending`` before the end).
VERDICT_COLOURS: dict[str, tuple[str, str]] = {
    "mimicry": (theme.ACCENT, "#FFFFFF"),
    "not_distinguishable_from_chance": ("#E4E4E0", theme.TEXT),
    "too_short": (theme.WARNING_BG, theme.TEXT),
    "pending": ("#FFFFFF", theme.MUTED_TEXT),
}
#: Smallest half-width of the scale (0-1 units): a small difference looks small.
MIN_SCALE = 0.3


def scale_limit(*values: float) -> float:
    """Half-width of the scale holding ``values``: at least :data:`MIN_SCALE`, steps of 0.1."""
    m = max([abs(v) for v in values if math.isfinite(v)] + [MIN_SCALE])
    return min(1.0, math.ceil(m * 1.15 * 10.0) / 10.0)


class EstimateScale(QWidget):
    """A horizontal scale from "more at sad faces" to "more at happy faces", zero marked,
    with the interval as a bar and the estimate as a dot."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.estimate = math.nan
        self.low = math.nan
        self.high = math.nan
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.restyle()

    def restyle(self) -> None:
        from PyQt6.QtGui import QFontMetrics  # noqa: PLC0415

        self.setFixedHeight(int(2.2 * QFontMetrics(self._font()).height()) + 16)
        self.update()

    def _font(self) -> QFont:
        font = QFont(self.font())
        font.setPointSize(theme.pt(theme.BASE_FONT_PT))
        return font

    def set_values(self, estimate: float, low: float, high: float) -> None:
        self.estimate, self.low, self.high = float(estimate), float(low), float(high)
        self.update()

    @property
    def limit(self) -> float:
        return scale_limit(self.estimate, self.low, self.high)

    def paintEvent(self, _event) -> None:  # noqa: N802 (Qt naming)
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setFont(self._font())
        fm = p.fontMetrics()
        fh = fm.height()
        w = self.width()
        left_word, right_word = "more at sad", "more at happy"
        x0 = 8.0 + fm.horizontalAdvance(left_word) + 12
        x1 = w - 8.0 - fm.horizontalAdvance(right_word) - 12
        y = 4 + fh * 0.6
        lim = self.limit

        def x_of(v: float) -> float:
            return x0 + (x1 - x0) * (v + lim) / (2 * lim)

        p.setPen(QColor(theme.MUTED_TEXT))
        p.drawText(QRectF(0, y - fh / 2, x0 - 12, fh),
                   Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, left_word)
        p.drawText(QRectF(x1 + 12, y - fh / 2, w - x1 - 12, fh),
                   Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, right_word)
        p.setPen(QPen(QColor("#888888"), 2))
        p.drawLine(QPointF(x0, y), QPointF(x1, y))
        for v in (-lim, -lim / 2, lim / 2, lim):
            p.setPen(QPen(QColor(theme.MUTED_TEXT), 1))
            p.drawLine(QPointF(x_of(v), y - 7), QPointF(x_of(v), y + 7))
        p.setPen(QPen(QColor(theme.TEXT), 2))
        p.drawLine(QPointF(x_of(0.0), y - 13), QPointF(x_of(0.0), y + 13))
        ty = y + 14
        for v, text in ((-lim, f"{-lim:+.1f}"), (0.0, "0 = no difference"), (lim, f"{lim:+.1f}")):
            p.setPen(QColor(theme.TEXT if v == 0.0 else theme.MUTED_TEXT))
            p.drawText(QRectF(x_of(v) - 150, ty, 300, fh), Qt.AlignmentFlag.AlignHCenter, text)
        if math.isfinite(self.low) and math.isfinite(self.high):
            p.setPen(QPen(QColor(theme.ACCENT), 10, cap=Qt.PenCapStyle.RoundCap))
            p.drawLine(QPointF(x_of(max(self.low, -lim)), y), QPointF(x_of(min(self.high, lim)), y))
        if math.isfinite(self.estimate):
            p.setPen(QPen(QColor("#FFFFFF"), 3))
            p.setBrush(QColor(theme.TEXT))
            r = 9.0
            p.drawEllipse(QPointF(x_of(max(-lim, min(lim, self.estimate))), y), r, r)
        p.end()


class VerdictCard(QFrame):
    """The estimate, its interval on a scale, and the verdict (see the module docstring)."""

    def __init__(self, title: str = "Smile at happy \N{MINUS SIGN} sad faces", parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(16, 10, 16, 10)
        lay.setSpacing(4)
        self.title = QLabel(title)
        theme.style_label(self.title, theme.BASE_FONT_PT + 2, bold=True, colour=theme.MUTED_TEXT)
        lay.addWidget(self.title)
        row = QHBoxLayout()
        self.number = QLabel("\N{EN DASH}")
        theme.style_label(self.number, theme.METER_NUMBER_PT - 12, bold=True, colour=theme.ACCENT)
        row.addWidget(self.number)
        self.unit = QLabel("on the 0\N{EN DASH}1 smile scale")
        self.unit.setWordWrap(True)
        theme.style_label(self.unit, theme.BASE_FONT_PT + 2, colour=theme.MUTED_TEXT)
        row.addWidget(self.unit, 1, Qt.AlignmentFlag.AlignBottom)
        lay.addLayout(row)
        self.scale = EstimateScale()
        lay.addWidget(self.scale)
        self.verdict = QLabel("")
        self.verdict.setObjectName("verdict")
        self.verdict.setWordWrap(True)
        lay.addWidget(self.verdict)
        self.detail = QLabel("")
        self.detail.setWordWrap(True)
        theme.style_label(self.detail, theme.BASE_FONT_PT)
        lay.addWidget(self.detail)
        self.conclusion = "pending"
        self.set_verdict("pending", "")

    def set_estimate(self, estimate: float, low: float, high: float) -> None:
        self.number.setText(f"{estimate:+.2f}" if math.isfinite(estimate) else "\N{EN DASH}")
        self.scale.set_values(estimate, low, high)

    def set_verdict(self, conclusion: str, text: str) -> None:
        """``conclusion`` (``mimicry``, ``not_distinguishable_from_chance``, ``too_short``,
        ``pending``) sets the colours; ``text`` the words."""
        self.conclusion = conclusion
        bg, fg = VERDICT_COLOURS.get(conclusion, VERDICT_COLOURS["pending"])
        border = "1px solid #C8C8C0" if conclusion == "pending" else "none"
        self.verdict.setStyleSheet(f"QLabel#verdict {{ background: {bg}; color: {fg}; "
                                   f"border: {border}; }}")
        self.verdict.setText(text)
        self.verdict.setVisible(bool(text))

    def set_detail(self, text: str) -> None:
        self.detail.setText(text)
        self.detail.setVisible(bool(text))

    def show_summary(self, summary: dict) -> bool:
        """Show a session's ``summary.json``; False when it has no primary estimate."""
        from mimicry.analysis.summary import VERDICT_WORDS, verdict_detail  # noqa: PLC0415

        prim = summary.get("primary") or {}
        est = prim.get("estimate")
        if est is None:
            return False

        def num(v) -> float:
            return float("nan") if v is None else float(v)

        ci = prim.get("ci95") or [None, None]
        self.set_estimate(float(est), num(ci[0]), num(ci[1]))
        conclusion = str(summary.get("conclusion") or "pending")
        self.set_verdict(conclusion, VERDICT_WORDS.get(conclusion, conclusion))
        n = summary.get("n_valid_by_condition") or {}
        need = (summary.get("parameters") or {}).get("min_trials_per_condition", 6)
        self.set_detail(verdict_detail(conclusion, num(ci[0]), num(ci[1]),
                                       num(summary.get("p_value")), num(summary.get("p_floor")),
                                       num(summary.get("mde_80")), n.get("happy", 0),
                                       n.get("sad", 0), int(need)))
        return True

"""The camera view: the newest tracked frame, a light landmark overlay, a face indicator.

Paints what the bridge hands it; measures nothing. A demo source is labelled
across the top of the image so nobody mistakes it for a real camera.
"""

from __future__ import annotations

import numpy as np
from PyQt6.QtCore import QPointF, QRect, QRectF, Qt
from PyQt6.QtGui import QColor, QFont, QImage, QPainter, QPen, QPolygonF
from PyQt6.QtWidgets import QWidget

from . import theme

DEMO_LABEL = "DEMO participant \N{EM DASH} not a real camera"
#: Landmark dots: colour and alpha (light, so the face stays visible).
LANDMARK_RGBA = (80, 230, 255, 150)


class CameraView(QWidget):
    """The participant's camera image with overlays."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setMinimumSize(240, 160)
        self._image: QImage | None = None
        self._array: np.ndarray | None = None  # keeps the QImage's memory alive
        self._landmarks: np.ndarray | None = None
        self.face_found = False
        self.demo = False
        self.message = "The camera appears here when a session starts"

    def set_demo(self, demo: bool) -> None:
        self.demo = demo
        self.update()

    def clear(self, message: str = "") -> None:
        self._image = self._array = self._landmarks = None
        self.face_found = False
        if message:
            self.message = message
        self.update()

    def warm_up(self) -> None:
        """Paint every overlay once, off screen, before a session.

        The first paint with a new font size rasterises its glyphs (tens of
        milliseconds); done here, it does not stall the first live frame.
        """
        from types import SimpleNamespace  # noqa: PLC0415

        image = np.zeros((48, 64, 3), np.uint8)
        landmarks = np.full((4, 3), 0.5, np.float32)
        demo = self.demo
        for found, self.demo in ((True, True), (False, False)):
            self.set_frame(SimpleNamespace(image=image, landmarks=landmarks, face_found=found))
            self.grab()
        self.demo = demo
        self.clear()

    def set_frame(self, frame) -> None:
        """Show a :class:`~mimicry_app.bridge.LiveFrame`."""
        arr = np.ascontiguousarray(frame.image)
        h, w = arr.shape[:2]
        self._array = arr
        self._image = QImage(arr.data, w, h, 3 * w, QImage.Format.Format_RGB888)
        self._landmarks = frame.landmarks
        self.face_found = frame.face_found
        self.update()

    def image_rect(self) -> QRectF:
        """Where the image is drawn (aspect kept, centred)."""
        if self._image is None:
            return QRectF(self.rect())
        iw, ih = self._image.width(), self._image.height()
        s = min(self.width() / iw, self.height() / ih)
        return QRectF((self.width() - iw * s) / 2, (self.height() - ih * s) / 2, iw * s, ih * s)

    def _pill(self, p: QPainter, x: float, y: float, text: str, bg: str, fg: str = "#FFFFFF"):
        f = QFont(self.font())
        f.setPointSize(theme.pt(theme.HEADING_PT - 2))
        f.setBold(True)
        p.setFont(f)
        fm = p.fontMetrics()
        r = QRectF(x, y, fm.horizontalAdvance(text) + 28, fm.height() + 12)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(bg))
        p.drawRoundedRect(r, 8, 8)
        p.setPen(QColor(fg))
        p.drawText(r, int(Qt.AlignmentFlag.AlignCenter), text)
        return r

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("#202020"))
        if self._image is None:
            p.setPen(QColor("#DDDDDD"))
            p.drawText(QRectF(self.rect()).adjusted(20, 20, -20, -20),
                       int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap), self.message)
            p.end()
            return
        r = self.image_rect()
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        p.drawImage(r, self._image)
        lm = self._landmarks
        if lm is not None and len(lm):
            xy = lm[:, :2] * np.array([r.width(), r.height()]) + np.array([r.x(), r.y()])
            pen = QPen(QColor(*LANDMARK_RGBA))
            pen.setWidthF(2.0)
            p.setPen(pen)
            p.drawPoints(QPolygonF([QPointF(x, y) for x, y in xy.tolist()]))
        y = r.y() + 10
        if self.demo:
            # Across the whole view, wrapped if narrow: nobody may miss it.
            f = QFont(self.font())
            f.setPointSize(theme.pt(theme.BASE_FONT_PT + 2))
            f.setBold(True)
            p.setFont(f)
            flags = int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap)
            text_rect = p.fontMetrics().boundingRect(
                QRect(0, 0, self.width() - 20, 1000), flags, DEMO_LABEL)
            band = QRectF(0, 0, self.width(), text_rect.height() + 14)
            p.fillRect(band, QColor(theme.DEMO_BANNER_BG))
            p.setPen(QColor(theme.DEMO_BANNER_TEXT))
            p.drawText(band, flags, DEMO_LABEL)
            y = max(y, band.bottom() + 10)
        if self.face_found:
            self._pill(p, r.x() + 10, y, "\N{BLACK CIRCLE} Face found", theme.FACE_FOUND)
        else:
            self._pill(p, r.x() + 10, y, "\N{WHITE CIRCLE} No face", theme.FACE_MISSING)
        p.end()

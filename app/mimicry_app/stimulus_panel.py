"""The stimulus panel: the faces the participant watches.

:class:`StimulusRenderer` (a ``QThread``) draws the stimulus track at the
session time, newest frame wins, at most :data:`STIMULUS_FPS` frames a second:
rendering a face costs tens of milliseconds, far too long for the UI thread.
:class:`StimulusView` only paints the newest rendered frame with its overlays
(calibration countdown, progress, pause). The same frames can feed two views:
the panel in the main window and :class:`ProjectorWindow`, full screen on a
second screen in classroom mode.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass

from PyQt6.QtCore import QRectF, Qt, QThread, pyqtSignal
from PyQt6.QtGui import QColor, QFont, QImage, QPainter
from PyQt6.QtWidgets import QWidget

from . import theme

#: Most stimulus frames rendered per second.
STIMULUS_FPS = 30.0
#: ... when a video runs unpaced (tests, scripts): nobody watches in step with it,
#: and the CPU is better spent on tracking.
UNPACED_STIMULUS_FPS = 8.0
#: Render size limits, pixels (a projector shows the face scaled up from the largest).
MIN_RENDER_PX, MAX_RENDER_PX = 240, 720


def render_size_px(panel_side_px: float, face_scale: float) -> int:
    """Side of the rendered stimulus for a panel: the drawn face size, clamped, a multiple of 16."""
    side = int(panel_side_px * face_scale) // 16 * 16
    return max(MIN_RENDER_PX, min(MAX_RENDER_PX, side))


@dataclass(frozen=True)
class StimulusFrame:
    """One rendered stimulus screen and what is happening at its time.

    Attributes
    ----------
    t : float
        Session seconds.
    image : QImage
        RGB, square.
    kind : str
        ``calibration``, ``expression`` (the posed smile / sad face and their
        relaxes; the instruction is in the image), ``break``, ``iti``,
        ``trial``, ``end`` (protocol) or ``waiting`` (free run).
    trial : Trial or None
    calibration_left_s : float
        Seconds of calibration left (0 after it).
    """

    t: float
    image: QImage
    kind: str
    trial: object
    calibration_left_s: float


class StimulusRenderer(QThread):
    """Renders the stimulus track at the session clock's time, off the UI thread.

    Parameters
    ----------
    make_track : callable
        Builds the track (``StimulusTrack`` or ``FreeRunTrack``) on this thread.
    clock : SessionClock
    calibration : (float, float)
    warm_ids : sequence of str
        Face identities to prepare during calibration, so the first appearance
        of a face mid-session does not stall the display.

    Signals
    -------
    frame_ready()
        A new frame is waiting in :meth:`take` (sent again only after it was taken).
    """

    frame_ready = pyqtSignal()

    def __init__(self, make_track, clock, calibration, warm_ids=(), parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("mimicry stimulus renderer")
        self._make_track = make_track
        self.clock = clock
        self.calibration = calibration
        self._warm_ids = list(warm_ids)
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._newest: StimulusFrame | None = None
        self._pending = False

    def stop(self) -> None:
        """Ask the thread to finish (returns at once; then ``wait()``)."""
        self._stop.set()

    def take(self) -> StimulusFrame | None:
        with self._lock:
            f, self._newest = self._newest, None
            self._pending = False
        return f

    def _publish(self, frame: StimulusFrame) -> None:
        with self._lock:
            self._newest = frame
            emit = not self._pending
            self._pending = True
        if emit:
            self.frame_ready.emit()

    def run(self) -> None:
        track = self._make_track()
        period = 1.0 / (STIMULUS_FPS if self.clock.paced else UNPACED_STIMULUS_FPS)
        next_tick = time.monotonic()
        last_key = None
        last_rgb = last_image = None
        while not self._stop.is_set():
            t = self.clock.now()
            kind, trial = track.phase(t)
            left = max(0.0, self.calibration[1] - t)
            key = (t, kind)
            if key != last_key:
                last_key = key
                rgb = track.frame(t)
                if rgb is not last_rgb:  # still screens come back as the same cached array
                    h, w = rgb.shape[:2]
                    last_image = QImage(rgb.data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()
                    last_rgb = rgb
                self._publish(StimulusFrame(t, last_image, kind, trial, left))
            if kind == "calibration" and self._warm_ids and left > 1.0:
                self._warm(track)
            next_tick += period
            wait = next_tick - time.monotonic()
            if wait < 0:
                next_tick = time.monotonic()  # behind: carry on, no burst to catch up
            else:
                self._stop.wait(wait)

    def _warm(self, track) -> None:
        """Prepare one face identity (runs during the calibration screen only)."""
        ident = self._warm_ids.pop(0)
        animator = getattr(track, "_animator", None)
        if animator is not None:
            animator(ident)


class StimulusView(QWidget):
    """Paints the newest stimulus frame, scaled to the widget, with overlays.

    Parameters
    ----------
    operator : bool
        True for the operator's panel (shows key hints); False on the projector.
    """

    def __init__(self, operator: bool = True, parent=None) -> None:
        super().__init__(parent)
        self.operator = operator
        self.setMinimumSize(240, 240)
        self.frame: StimulusFrame | None = None
        self.background = QColor("#808080")
        self.face_scale = 0.8
        self.show_progress = True
        self.n_trials: int | None = None
        self.free_run = False
        self.paused = False
        self.idle_text = "Press Start (Space) to begin"

    def configure(self, background: str, face_scale: float, show_progress: bool,
                  n_trials: int | None, free_run: bool) -> None:
        self.background = QColor(background)
        self.face_scale = face_scale
        self.show_progress = show_progress
        self.n_trials = n_trials
        self.free_run = free_run
        self.update()

    def set_frame(self, frame: StimulusFrame | None) -> None:
        self.frame = frame
        self.update()

    def set_paused(self, paused: bool) -> None:
        self.paused = paused
        self.update()

    def draw_side_px(self) -> float:
        """Side of the drawn face square, device pixels."""
        return min(self.width(), self.height()) * self.face_scale * self.devicePixelRatioF()

    def _text(self, p: QPainter, rect: QRectF, text: str, pt: int, colour: str = "#FFFFFF",
              bold: bool = False, flags=Qt.AlignmentFlag.AlignCenter) -> None:
        f = QFont(self.font())
        f.setPointSize(pt)
        f.setBold(bold)
        p.setFont(f)
        p.setPen(QColor(colour))
        p.drawText(rect, int(flags | Qt.TextFlag.TextWordWrap), text)

    def _bottom_text(self, p: QPainter, face: QRectF, text: str, pt: int) -> None:
        """Text under the face when there is room, else on a dark band over its bottom."""
        line_h = pt * 2.2
        below = QRectF(0, face.bottom(), self.width(), self.height() - face.bottom())
        if below.height() >= line_h:
            self._text(p, below, text, pt, colour=self._ink())
            return
        band = QRectF(0, self.height() - line_h, self.width(), line_h)
        p.fillRect(band, QColor(0, 0, 0, 150))
        self._text(p, band, text, pt)

    def _ink(self) -> str:
        """Dark text on a light background, light text on a dark one."""
        return "#1E1E1E" if self.background.lightness() > 150 else "#FFFFFF"

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        p = QPainter(self)
        p.fillRect(self.rect(), self.background)
        w, h = self.width(), self.height()
        f = self.frame
        if f is None:
            self._text(p, QRectF(0, 0, w, h), self.idle_text, theme.pt(theme.HEADING_PT))
            p.end()
            return
        side = min(w, h) * self.face_scale
        target = QRectF((w - side) / 2, (h - side) / 2, side, side)
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        p.drawImage(target, f.image)
        big = max(theme.pt(theme.HEADING_PT), int(min(w, h) / 30))
        if f.kind == "calibration":
            n = math.ceil(f.calibration_left_s)
            ink = self._ink()
            self._text(p, QRectF(0, h * 0.08, w, h * 0.25), str(max(n, 1)),
                       max(theme.COUNTDOWN_PT, int(min(w, h) / 9)), colour=ink, bold=True)
            self._text(p, QRectF(0, h * 0.72, w, h * 0.2),
                       "Calibrating \N{EM DASH} keep a relaxed, neutral face", big, colour=ink)
        elif self.show_progress and self.n_trials and f.trial is not None and f.kind in (
                "trial", "iti"):
            self._bottom_text(p, target, f"Face {f.trial.trial} of {self.n_trials}", big)
        if self.operator and self.free_run and f.kind == "waiting" and f.trial is None:
            self._bottom_text(p, target, "Press H (happy), S (sad) or N (neutral)", big)
        if self.paused:
            p.fillRect(self.rect(), QColor(0, 0, 0, 140))
            self._text(p, QRectF(0, 0, w, h), "Paused\npress Space to continue",
                       max(theme.TITLE_PT, big), bold=True)
        p.end()


class ProjectorWindow(QWidget):
    """The stimulus alone, full screen on the projector (classroom mode)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle("Mimicry \N{EM DASH} stimulus")
        from PyQt6.QtWidgets import QVBoxLayout  # noqa: PLC0415

        self.view = StimulusView(operator=False, parent=self)
        self.view.idle_text = ""
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.view)

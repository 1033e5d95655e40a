"""The live panels of the classroom demos: two people, contagious yawns, try not to smile.

One :class:`DemoPanel` sits on the live page in place of the mimicry meter when
the session is a classroom demo. It only draws: the numbers come from the
core's live classes (:class:`mimicry.activities.dyad.analysis.LiveDyad`,
:class:`mimicry.activities.yawn.analysis.LiveYawns`,
:class:`mimicry.activities.no_smile.analysis.NoSmileGame`), fed with the bridge's
samples and events on the UI thread (each costs microseconds per sample; the
dyad and yawn readings are worked out once a second).
"""

from __future__ import annotations

import math
import time

import numpy as np
from PyQt6.QtCore import QRectF, Qt
from PyQt6.QtGui import QColor, QFont, QPainter, QPen
from PyQt6.QtWidgets import QFrame, QLabel, QSizePolicy, QVBoxLayout, QWidget

from . import theme

#: Readings that need a whole window of data are refreshed this often, seconds.
SLOW_REFRESH_S = 1.0
#: Column of each channel in a bridge sample (see LiveBridge.take).
SMILE_COL, JAW_COL, VALENCE_COL, VALENCE_2_COL = 1, 4, 5, 6

TITLES = {
    "capture": "Teacher as stimulus: capturing faces",
    "dyad": "Two people: who leads whom?",
    "yawn": "Contagious yawns",
    "no_smile": "Try not to smile",
}


#: The big word of each capture prompt.
PROMPT_TITLES = {"neutral": "Neutral", "happy": "Smile!", "sad": "Sad face"}


def _label(pt: int, bold: bool = False, colour: str = theme.TEXT) -> QLabel:
    lab = QLabel("")
    lab.setStyleSheet(f"font-size: {pt}pt; font-weight: {700 if bold else 400}; "
                      f"color: {colour}; background: transparent; border: none;")
    lab.setWordWrap(True)
    return lab


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


class DemoPanel(QFrame):
    """What a classroom demo shows live (see the module docstring)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(16, 10, 16, 12)
        lay.setSpacing(6)
        self.title = _label(theme.BASE_FONT_PT + 2, bold=True, colour=theme.MUTED_TEXT)
        self.big = _label(theme.METER_NUMBER_PT - 14, bold=True, colour=theme.ACCENT)
        self.bar = SmileBar()
        self.detail = _label(theme.BASE_FONT_PT + 2)
        self.note = _label(theme.BASE_FONT_PT, colour=theme.MUTED_TEXT)
        for w in (self.title, self.big, self.bar, self.detail, self.note):
            lay.addWidget(w)
        self.profile = None
        self.mode: str | None = None
        self._live = None
        self._last_slow = 0.0
        self.bar.hide()

    # -- session -----------------------------------------------------------------
    def start(self, mode: str | None, plan=None) -> None:
        """Prepare for a session of ``mode`` (None: not a demo; the panel hides)."""
        self.mode = mode
        self._last_slow = 0.0
        self._colour_big(theme.ACCENT)
        self.note.setObjectName("")
        self.note.setStyleSheet(f"font-size: {theme.BASE_FONT_PT}pt; color: {theme.MUTED_TEXT}; "
                                f"background: transparent; border: none;")
        self.setVisible(mode is not None)
        if mode is None:
            self._live = None
            return
        self.title.setText(TITLES[mode])
        self.bar.setVisible(mode == "no_smile")
        self._ensure_profile(mode == "dyad")
        if mode == "capture":
            self._live = plan.capture
            self.big.setText("Get ready\N{HORIZONTAL ELLIPSIS}")
            self.detail.setText("Sit in front of the camera, face it, and follow the prompts.")
            where = plan.request.out_dir or "the sessions folder"
            self.note.setText(f"\N{WARNING SIGN} Three photos of this face will be SAVED (you "
                              f"asked for it): in {where}, under stimulus_sets.")
            self.note.setObjectName("banner")  # a privacy notice: it must be seen
            self.note.setStyleSheet(f"font-size: {theme.BASE_FONT_PT + 1}pt; color: {theme.TEXT};")
        elif mode == "dyad":
            from mimicry.activities.dyad.analysis import LiveDyad  # noqa: PLC0415

            self._live = LiveDyad()
            self.big.setText("Watching\N{HORIZONTAL ELLIPSIS}")
            self.detail.setText("Two people side by side in front of the camera. Talk, tell a "
                                "joke, pull faces: whose face follows whose?")
            self.note.setText("Left and right as seen in the camera picture. The curve: how "
                              "alike the two faces are when one is shifted in time.")
        elif mode == "yawn":
            from mimicry.activities.yawn.analysis import LiveYawns  # noqa: PLC0415

            self._live = LiveYawns()
            self.big.setText("0 yawns")
            self.detail.setText("A yawn: the mouth wide open for at least a second. The "
                                "faces that only move their mouth are the comparison.")
            self.note.setText("")
        else:
            from mimicry.activities.no_smile.analysis import NoSmileGame  # noqa: PLC0415

            self._live = NoSmileGame()
            self.big.setText("Relax\N{HORIZONTAL ELLIPSIS}")
            self.detail.setText("First a calm moment: the meter learns your straight face.")
            self.note.setText("Past the red line (held for a moment) counts as a smile.")
            self.bar.set_level(0.0, False)

    def _ensure_profile(self, show: bool) -> None:
        if self.profile is None and show:
            import pyqtgraph as pg  # noqa: PLC0415

            self.profile = pg.PlotWidget()
            self.profile.setMinimumHeight(150)
            self.profile.setMaximumHeight(230)
            self.profile.setMenuEnabled(False)
            self.profile.setMouseEnabled(False, False)
            self.profile.hideButtons()
            self.profile.setYRange(-1, 1)
            self.profile.setXRange(-3, 3)
            font = QFont()
            font.setPointSize(theme.PLOT_TICK_PT)
            for ax in ("left", "bottom"):
                self.profile.getAxis(ax).setTickFont(font)
            self.profile.setLabel("bottom", "\N{LEFTWARDS ARROW} right leads    lag (s)    "
                                            "left leads \N{RIGHTWARDS ARROW}")
            self.profile.addLine(x=0, pen=pg.mkPen("#B8B8B0", width=1))
            self.profile.addLine(y=0, pen=pg.mkPen("#B8B8B0", width=1))
            self._curve = self.profile.plot([], [], pen=pg.mkPen(theme.ACCENT, width=3))
            self.layout().insertWidget(3, self.profile)
        if self.profile is not None:
            self.profile.setVisible(show)
            self._curve.setData([], [])

    # -- data (UI thread) --------------------------------------------------------
    def add_event(self, event) -> None:
        if self.mode in ("yawn", "no_smile") and self._live is not None:
            self._live.add_event(event)
            if self.mode == "no_smile":
                self._draw_game()

    def add_samples(self, samples) -> None:
        live = self._live
        if live is None or not samples:
            return
        if self.mode == "capture":
            self._draw_prompt(samples[-1][0])
            return
        if self.mode == "dyad":
            for s in samples:
                live.add_sample(s[0], s[VALENCE_COL], s[VALENCE_2_COL])
        elif self.mode == "yawn":
            for s in samples:
                live.add_sample(s[0], s[JAW_COL])
        else:
            for s in samples:
                live.add_sample(s[0], s[SMILE_COL])
            self._draw_game()
            return
        now = time.monotonic()
        if now - self._last_slow >= SLOW_REFRESH_S:
            self._last_slow = now
            self._draw_dyad() if self.mode == "dyad" else self._draw_yawns()

    def flush(self) -> None:
        """Draw the newest reading now (the live phase ended: no more samples come to
        trigger the once-a-second refresh)."""
        if self._live is None:
            return
        if self.mode == "dyad":
            self._draw_dyad()
        elif self.mode == "yawn":
            self._draw_yawns()

    # -- drawing -----------------------------------------------------------------
    def _draw_dyad(self) -> None:
        reading = self._live.reading()
        if reading is None:
            return
        prof = reading.profile
        self._curve.setData(np.asarray(prof.lags_s), np.nan_to_num(prof.r, nan=0.0))
        if not reading.in_sync:
            self.big.setText("Not in sync")
            self.detail.setText(f"Their faces move independently (r = {reading.r:+.2f} at "
                                f"best, last 15 s).")
        elif reading.leader is None:
            self.big.setText("Together")
            self.detail.setText(f"In sync (r = {reading.r:+.2f}), nobody clearly ahead.")
        else:
            other = "right" if reading.leader == "left" else "left"
            self.big.setText(f"{reading.leader.capitalize()} leads")
            self.detail.setText(f"The {other} person's face follows about {reading.lag_s:.1f} s "
                                f"later (r = {reading.r:+.2f}, last 15 s).")

    def _draw_prompt(self, t: float) -> None:
        from mimicry.activities.capture.capture import phase_at  # noqa: PLC0415

        timeline = self._live
        ph = phase_at(timeline, t)
        if ph is None:
            if t < timeline[0].start_s:
                self.big.setText(f"Get ready: {timeline[0].start_s - t:.0f}")
            else:
                self.big.setText("Done!")
                self.detail.setText("Picking the best frames and saving them\N{HORIZONTAL ELLIPSIS}")
            return
        self.big.setText(f"{PROMPT_TITLES.get(ph.condition, ph.condition)}  "
                         f"{max(0.0, ph.end_s - t):.0f}")
        self._colour_big(theme.condition_colour(ph.condition) if ph.condition != "neutral"
                         else theme.ACCENT)
        self.detail.setText(ph.prompt)

    def _colour_big(self, colour: str) -> None:
        self.big.setStyleSheet(f"font-size: {theme.METER_NUMBER_PT - 14}pt; font-weight: 700; "
                               f"color: {colour}; background: transparent; border: none;")

    def _draw_yawns(self) -> None:
        res = self._live.result()
        if res is None:
            return
        n = len(res.episodes)
        self.big.setText(f"{n} yawn{'s' if n != 1 else ''}")
        self.detail.setText(
            f"After yawning faces: {res.yawns_after_yawn} of {res.n_yawn_trials}. "
            f"After mouth movements: {res.yawns_after_control} of {res.n_control_trials}.")
        if math.isfinite(res.median_latency_s):
            self.note.setText(f"Typical delay: {res.median_latency_s:.1f} s after the face "
                              f"began to yawn.")

    def _draw_game(self) -> None:
        st = self._live.state
        self.bar.set_level(st.level, st.phase == "cracked")
        if st.phase == "calibrating":
            return
        if st.phase == "ready":
            self.big.setText("Ready\N{HORIZONTAL ELLIPSIS}")
            self.detail.setText("Keep a straight face when the faces start smiling!")
        elif st.phase == "playing":
            self.big.setText(f"{st.survived_s:.1f} s")
            self.detail.setText("Straight face so far. Don't smile!")
        elif st.phase == "cracked":
            self.big.setText(f"Smiled after {st.survived_s:.1f} s")
            self.detail.setText("The smile got through. Mimicry has brakes, but they leak.")
        else:
            self.big.setText(f"{st.survived_s:.1f} s: you made it!")
            self.detail.setText("A straight face to the end.")

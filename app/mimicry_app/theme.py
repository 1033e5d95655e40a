"""Colours, font sizes and the style sheet: one place, used by every widget.

The app is read from the back of a classroom on a projector, so text is never
smaller than :data:`BASE_FONT_PT` and the numbers that matter are huge. The
condition colours are the same everywhere (stimulus plots, trial shading,
response curves, the meter): happy is warm orange, sad is blue, neutral grey.
"""

from __future__ import annotations

#: Condition colours (hex RGB), consistent across all widgets.
HAPPY = "#F08A24"
SAD = "#2E6FBA"
NEUTRAL = "#8C8C8C"
YAWN = "#8E5BB5"
CONDITION_COLOURS: dict[str, str] = {"happy": HAPPY, "sad": SAD, "neutral": NEUTRAL,
                                     "yawn": YAWN}

#: The viewer's channels drawn live, with their colour and line style.
SMILE = HAPPY
SAD_BROW = SAD

TEXT = "#1E1E1E"
MUTED_TEXT = "#555555"
PANEL_BG = "#F4F4F2"
WINDOW_BG = "#FFFFFF"
ACCENT = "#1F7A8C"
FACE_FOUND = "#23914A"
FACE_MISSING = "#C0392B"
DEMO_BANNER_BG = "#FFD84D"
DEMO_BANNER_TEXT = "#1E1E1E"
WARNING_BG = "#FFF1CC"
ERROR_BG = "#FADBD8"

#: Smallest font anywhere in the app (labels, status bar, plot axes), points.
BASE_FONT_PT = 14
#: Headings and the key hints.
HEADING_PT = 20
#: The page titles.
TITLE_PT = 28
#: The big numbers of the meter.
METER_NUMBER_PT = 54
#: The calibration countdown over the stimulus.
COUNTDOWN_PT = 72
#: Plot tick labels, points (>= BASE_FONT_PT so they read on a projector).
PLOT_TICK_PT = 14

#: Shading of trials in the plots (alpha 0-255 over the condition colour).
TRIAL_SHADE_ALPHA = 60


def condition_colour(condition: str) -> str:
    """The colour of a condition (grey for anything unknown)."""
    return CONDITION_COLOURS.get(condition, NEUTRAL)


STYLE_SHEET = f"""
QWidget {{ color: {TEXT}; }}
QMainWindow, QStackedWidget > QWidget {{ background: {WINDOW_BG}; }}
QLabel#pageTitle {{ font-size: {TITLE_PT}pt; font-weight: 600; }}
QLabel#heading {{ font-size: {HEADING_PT}pt; font-weight: 600; }}
QLabel#muted {{ color: {MUTED_TEXT}; }}
QLabel#banner {{ background: {WARNING_BG}; border: 1px solid #E0B84C; border-radius: 6px;
                 padding: 10px; }}
QLabel#errorBanner {{ background: {ERROR_BG}; border: 1px solid #D98880; border-radius: 6px;
                      padding: 10px; }}
QLabel#keyHints {{ background: #2B2B2B; color: #FFFFFF; font-size: {HEADING_PT}pt;
                   padding: 6px 12px; border-radius: 6px; }}
QFrame#card {{ background: {PANEL_BG}; border: 1px solid #DDDDD8; border-radius: 10px; }}
QPushButton {{ padding: 8px 18px; border-radius: 6px; border: 1px solid #B8B8B0;
               background: #FFFFFF; }}
QPushButton:hover {{ background: #EEF6F8; }}
QPushButton:disabled {{ color: #9A9A9A; }}
QPushButton#primary {{ background: {ACCENT}; color: white; border: none; font-weight: 600;
                       font-size: {HEADING_PT}pt; padding: 12px 36px; }}
QPushButton#primary:hover {{ background: #196574; }}
QToolBar {{ spacing: 8px; padding: 4px; background: {PANEL_BG}; border: none; }}
QToolButton {{ padding: 6px 12px; border-radius: 6px; }}
QToolButton:hover {{ background: #E2EEF0; }}
QToolButton:checked {{ background: #CFE5EA; }}
QToolButton:disabled {{ color: #A8A8A8; }}
QCheckBox::indicator {{ width: 22px; height: 22px; }}
QStatusBar {{ background: {PANEL_BG}; }}
QStatusBar QLabel {{ padding: 0 10px; }}
QLineEdit, QComboBox {{ padding: 6px; }}
"""


def apply_theme(app) -> None:
    """Fonts, style sheet and pyqtgraph defaults for the whole app.

    Parameters
    ----------
    app : QApplication
    """
    import pyqtgraph as pg  # noqa: PLC0415
    from PyQt6.QtGui import QFont  # noqa: PLC0415

    font = QFont(app.font())
    font.setPointSize(BASE_FONT_PT)
    app.setFont(font)
    app.setStyleSheet(STYLE_SHEET)
    pg.setConfigOptions(antialias=True, background=WINDOW_BG, foreground=TEXT)

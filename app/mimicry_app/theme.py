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
HEADING = HEADING_PT
#: The page titles.
TITLE_PT = 28
TITLE = TITLE_PT
#: The big numbers of the meter.
METER_NUMBER_PT = 54
#: The calibration countdown over the stimulus.
COUNTDOWN_PT = 72
#: Plot tick labels, points (>= BASE_FONT_PT so they read on a projector).
PLOT_TICK_PT = 14

#: Shading of trials in the plots (alpha 0-255 over the condition colour).
TRIAL_SHADE_ALPHA = 60

#: "Large text" (projector-sized): every text size times this.
LARGE_TEXT_SCALE = 1.5
_text_scale = 1.0


def pt(size: float) -> int:
    """A font size of this module (points) at the current text size (:func:`set_text_scale`)."""
    return max(1, int(round(size * _text_scale)))


def text_scale() -> float:
    return _text_scale


def label_style(size: float, bold: bool = False, colour: str = TEXT) -> str:
    """The style sheet of a plain label: size (this module's points), weight, colour."""
    return (f"font-size: {pt(size)}pt; font-weight: {700 if bold else 400}; color: {colour}; "
            f"background: transparent; border: none;")


def style_label(label, size: float, bold: bool = False, colour: str = TEXT) -> None:
    """Style ``label`` and remember how, so :func:`set_text_scale` resizes it later."""
    label.setProperty("mimicry_text", f"{float(size)}|{int(bool(bold))}|{colour}")
    label.setStyleSheet(label_style(size, bold, colour))


def condition_colour(condition: str) -> str:
    """The colour of a condition (grey for anything unknown)."""
    return CONDITION_COLOURS.get(condition, NEUTRAL)


def style_sheet() -> str:
    """The app's style sheet at the current text size."""
    TITLE_PT, HEADING_PT = pt(TITLE), pt(HEADING)  # noqa: N806 (the sheet's names)
    return f"""
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
QLabel#verdict {{ font-size: {pt(HEADING + 4)}pt; font-weight: 700; border-radius: 8px;
                  padding: 6px 14px; }}
"""


STYLE_SHEET = style_sheet()


def apply_theme(app) -> None:
    """Fonts, style sheet and pyqtgraph defaults for the whole app.

    Parameters
    ----------
    app : QApplication
    """
    import pyqtgraph as pg  # noqa: PLC0415
    from PyQt6.QtGui import QFont  # noqa: PLC0415

    font = QFont(app.font())
    font.setPointSize(pt(BASE_FONT_PT))
    app.setFont(font)
    app.setStyleSheet(style_sheet())
    pg.setConfigOptions(antialias=True, background=WINDOW_BG, foreground=TEXT)


def set_text_scale(app, scale: float, windows=()) -> None:
    """Make every text of the app ``scale`` times its normal size, at once.

    The app's font and style sheet change; so do the labels styled with
    :func:`style_label` and every widget of ``windows`` with a ``restyle()``
    method (plots, the results text).
    """
    global _text_scale
    from PyQt6.QtWidgets import QLabel, QWidget  # noqa: PLC0415

    _text_scale = float(scale)
    apply_theme(app)
    for win in windows:
        for w in [win, *win.findChildren(QWidget)]:
            spec = w.property("mimicry_text") if isinstance(w, QLabel) else None
            if spec:
                size, bold, colour = str(spec).split("|")
                w.setStyleSheet(label_style(float(size), bold == "1", colour))
            restyle = getattr(w, "restyle", None)
            if callable(restyle):
                restyle()
            w.update()


def set_large_text(window, large: bool) -> None:
    """Projector-sized text (``LARGE_TEXT_SCALE``) in ``window`` and its projector, or normal."""
    from PyQt6.QtWidgets import QApplication  # noqa: PLC0415

    projector = getattr(getattr(window, "classroom", None), "projector", None)
    set_text_scale(QApplication.instance(), LARGE_TEXT_SCALE if large else 1.0,
                   [window] + ([projector] if projector is not None else []))
    action = getattr(window, "act_large_text", None)
    if action is not None:
        action.setChecked(bool(large))

"""Take the documentation screenshots from the real app (offscreen Qt).

Usage: python tests/app/make_screenshots.py [--out docs/img]

Writes ``app_setup.png`` (the setup screen), ``app_main.png`` (a live session
with the demo participant),
``app_results.png`` (its results screen) and ``app_classroom.png`` (classroom
mode: the operator's laptop and the projector side by side, in the free run).
Runs a whole quick session in real time (about 1.5 minutes). Not a test: no
``test_`` prefix, pytest does not collect it.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={HERE / 'two_screens.json'}"
#: Largest PNG allowed in docs/img, bytes.
MAX_PNG_BYTES = 400_000


def wait_until(app, condition, timeout_s: float) -> None:
    end = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > end:
            raise TimeoutError("the app did not get there in time")
        app.processEvents()
        time.sleep(0.01)


def save_png(image, path: Path) -> None:
    """Save a QImage as a PNG under :data:`MAX_PNG_BYTES`: fewer colours, then smaller."""
    from PIL import Image

    tmp = path.with_suffix(".raw.png")
    image.save(str(tmp))
    im = Image.open(tmp).convert("RGB")
    tmp.unlink()
    for width in (im.width, 1400, 1200, 1000):
        scaled = im if width >= im.width else im.resize(
            (width, round(im.height * width / im.width)), Image.LANCZOS)
        scaled.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
                        ).save(path, optimize=True)
        if path.stat().st_size <= MAX_PNG_BYTES:
            break
    print(f"{path}: {path.stat().st_size // 1000} KB")


def side_by_side(left, right, left_title: str, right_title: str):
    """One image: two screenshots next to each other at the same height, with captions."""
    from PyQt6.QtCore import QRect, Qt
    from PyQt6.QtGui import QColor, QFont, QImage, QPainter

    h = 760
    lw = round(left.width() * h / left.height())
    rw = round(right.width() * h / right.height())
    gap, caption = 24, 56
    out = QImage(lw + rw + 3 * gap, h + caption + gap, QImage.Format.Format_RGB32)
    out.fill(QColor("#2B2B2B"))
    p = QPainter(out)
    p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    f = QFont()
    f.setPointSize(20)
    f.setBold(True)
    p.setFont(f)
    p.setPen(QColor("#FFFFFF"))
    for x, w, img, title in ((gap, lw, left, left_title), (2 * gap + lw, rw, right, right_title)):
        p.drawText(QRect(x, 0, w, caption), int(Qt.AlignmentFlag.AlignCenter), title)
        p.drawImage(QRect(x, caption, w, h), img)
    p.end()
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(HERE.parents[1] / "docs" / "img"))
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="mimicry-shots-"))
    os.environ["MIMICRY_CONFIG_DIR"] = str(tmp / "config")

    from mimicry_app.main import make_application

    app = make_application()
    import cv2  # noqa: F401  (after the QApplication, as the app does)
    from PyQt6.QtCore import Qt
    from PyQt6.QtTest import QTest

    from mimicry_app.main_window import AppOptions, MainWindow
    from mimicry.runtime.settings import FREE_RUN, AppSettings
    from mimicry_app.theme import apply_theme

    apply_theme(app)
    win = MainWindow(AppOptions(settings=AppSettings(
        source="demo", protocol="quick", participant="Sam", out_dir=str(tmp / "sessions"))))
    win.resize(1600, 960)
    win.show()
    wait_until(app, lambda: win.setup.cameras is not None, 20)
    save_png(win.grab().toImage(), out / "app_setup.png")

    # 1. A live session, caught while a face is smiling, once the meter shows a number.
    win.setup.request_start()

    def smiling_with_index():
        f = win.live.stimulus.frame
        r = win.live.meter.reading
        return (r is not None and r.index_text[0] in "+-" and f is not None
                and f.kind == "trial" and f.trial.condition == "happy"
                and f.t - f.trial.onset_s > 1.2 and win.live.camera.face_found)

    wait_until(app, smiling_with_index, 120)
    save_png(win.grab().toImage(), out / "app_main.png")

    # 2. The results screen of that session.
    wait_until(app, lambda: win.state == "results", 120)
    app.processEvents()
    save_png(win.grab().toImage(), out / "app_results.png")

    # 3. Classroom mode in the free run: laptop and projector.
    win.show_setup()
    win.setup.set_protocol(FREE_RUN)
    win.setup.classroom.setChecked(True)
    win.setup.request_start()
    wait_until(app, lambda: win.state == "running" and win.clock.now() > 6.5, 60)
    QTest.keyClick(win, Qt.Key.Key_S)
    trial = win.plan.freerun.trials[-1]
    wait_until(app, lambda: win.clock.now() > trial.onset_s + 2.2
               and win.live.camera.face_found, 30)
    proj = win.classroom.projector
    laptop = win.grab().toImage()
    projector = proj.grab().toImage() if proj is not None else laptop
    save_png(side_by_side(laptop, projector, "Laptop: the operator\N{RIGHT SINGLE QUOTATION MARK}s "
                          "view", "Projector: what the class sees"), out / "app_classroom.png")
    win.stop_session()
    wait_until(app, lambda: win.state == "results", 60)
    win.shutdown()
    win.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

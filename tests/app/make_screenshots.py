"""Take the documentation screenshots from the real app (offscreen Qt).

Usage: python tests/app/make_screenshots.py [--out docs/img]

Writes ``app_setup.png`` (the setup screen), ``app_main.png`` (a live session
with the demo participant),
``app_results.png`` (its results screen), ``app_classroom.png`` (classroom
mode: the operator's laptop and the projector side by side, in the free run),
``app_projector_response.png`` (the projector with the volunteer's live
response) and ``app_class_board.png`` (the board of a class of eight).
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


def free_run_face(app, win, key, after_s: float) -> None:
    """Start the free run, press ``key`` after the calm start, wait ``after_s`` into the face."""
    from PyQt6.QtTest import QTest  # noqa: PLC0415

    win.setup.request_start()
    wait_until(app, lambda: win.state == "running" and win.clock.now() > 6.5, 60)
    QTest.keyClick(win, key)
    trial = win.plan.freerun.trials[-1]
    wait_until(app, lambda: win.clock.now() > trial.onset_s + after_s
               and win.live.camera.face_found, 30)


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


def make_class(root: Path) -> Path:
    """Eight analysed sessions with empathy answers, and one whose summary is damaged."""
    import subprocess

    sys.path.insert(0, str(HERE.parent / "core" / "report"))
    from report_helpers import session_meta, write_session

    from mimicry.protocol.questionnaire import load_questionnaire, save_answers

    sites = load_questionnaire("sites")
    people = [("Maria Lopez", 1.0, 5), ("Tom Berg", 0.6, 4), ("Ann Lee", 0.2, 2),
              ("Omar Haddad", 0.8, 4), ("Lena Fischer", 0.0, 3), ("Kai Tanaka", 0.5, 3),
              ("Zoe Martin", 1.2, 5), ("Ben Okafor", 0.3, 2)]
    for k, (name, gain, score) in enumerate(people):
        f = write_session(root / f"2026-12-03_1000{k}_{name.split()[0]}", gain=gain,
                          seed=60 + k, meta=session_meta(name))
        save_answers(f, sites, {"empathetic": score})
        subprocess.run([sys.executable, "-m", "mimicry.commands.main", "analyze", str(f)],
                       check=True, capture_output=True)
    bad = write_session(root / "2026-12-03_100099_Sam", gain=1.0, seed=99,
                        meta=session_meta("Sam"))
    (bad / "summary.json").write_text("{damaged", encoding="utf-8")
    return root


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
    free_run_face(app, win, Qt.Key.Key_S, 2.2)
    proj = win.classroom.projector
    laptop = win.grab().toImage()
    projector = proj.grab().toImage() if proj is not None else laptop
    save_png(side_by_side(laptop, projector, "Laptop: the operator\N{RIGHT SINGLE QUOTATION MARK}s "
                          "view", "Projector: what the class sees"), out / "app_classroom.png")
    win.stop_session()
    wait_until(app, lambda: win.state == "results", 60)

    # 4. The projector showing the volunteer's live response (P), caught at a happy face.
    win.show_setup()
    win.act_project_response.setChecked(True)
    free_run_face(app, win, Qt.Key.Key_H, 2.5)
    if proj is not None:
        save_png(proj.grab().toImage(), out / "app_projector_response.png")
    win.stop_session()
    wait_until(app, lambda: win.state == "results", 60)

    # 5. The class board of a class of eight (signal-level sessions), one of them damaged.
    board_class = make_class(tmp / "sessions" / "Class_7B")
    win.show_setup()
    win.board.show_folder(board_class, "first name")
    win.stack.setCurrentWidget(win.board)
    app.processEvents()
    save_png(win.grab().toImage(), out / "app_class_board.png")
    win.shutdown()
    win.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

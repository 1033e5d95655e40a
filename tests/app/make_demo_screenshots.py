"""Take the classroom-demo screenshots from the real app (offscreen Qt).

Usage: python tests/app/make_demo_screenshots.py [--out docs/img] [--only dyad,yawn,no_smile,capture]

Writes ``demo_dyad.png`` (two people: the demo pair, the left face leading),
``demo_yawn.png`` (contagious yawns: the demo participant yawning back),
``demo_no_smile.png`` (try not to smile: the smile-o-meter),
``demo_no_smile_results.png`` (its results, with the class leaderboard) and
``demo_capture.png`` (the teacher as stimulus: the demo participant posing).
Runs the sessions in real time with the demo participant (about 3 minutes).
Not a test: pytest does not collect it.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from make_screenshots import save_png, wait_until  # noqa: E402

os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={HERE / 'two_screens.json'}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(HERE.parents[1] / "docs" / "img"))
    ap.add_argument("--only", default="dyad,yawn,no_smile,capture")
    args = ap.parse_args()
    only = set(args.only.split(","))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="mimicry-demo-shots-"))
    os.environ["MIMICRY_CONFIG_DIR"] = str(tmp / "config")
    os.environ["MIMICRY_DATA_DIR"] = str(tmp / "data")

    from mimicry_app.main import make_application

    app = make_application()
    import cv2  # noqa: F401  (after the QApplication, as the app does)

    from mimicry_app.main_window import AppOptions, MainWindow
    from mimicry.runtime.settings import CAPTURE, DYAD, AppSettings
    from mimicry_app.theme import apply_theme

    apply_theme(app)
    win = MainWindow(AppOptions(settings=AppSettings(
        source="demo", protocol="quick", participant="Sam", out_dir=str(tmp / "sessions"))))
    win.resize(1600, 960)
    win.show()
    wait_until(app, lambda: win.setup.cameras is not None, 20)

    if "dyad" in only:
        win.setup.set_protocol(DYAD)
        win.setup.participant.setText("Ana and Ben")
        win.setup.request_start()
        # The live screen never names a leader (only the end does): wait for a reading.
        wait_until(app, lambda: win.state == "running" and win.clock.now() > 25
                   and win.live.demo.last_reading is not None, 120)
        save_png(win.grab().toImage(), out / "demo_dyad.png")
        win.stop_session()
        wait_until(app, lambda: win.state == "results", 120)
        win.show_setup()

    if "yawn" in only:
        win.setup.set_protocol("yawn")
        win.setup.participant.setText("Sam")
        win.setup.request_start()

        def yawning_back():
            f = win.live.stimulus.frame
            return (win.live.demo.big.text().startswith("2 yawn") and f is not None
                    and f.kind == "trial" and f.trial.condition == "yawn"
                    and f.t - f.trial.onset_s > 2.2)

        wait_until(app, yawning_back, 150)
        save_png(win.grab().toImage(), out / "demo_yawn.png")
        win.stop_session()
        wait_until(app, lambda: win.state == "results", 120)
        win.show_setup()

    if "no_smile" in only:
        from mimicry.activities.no_smile import leaderboard as lb

        for name, s, cracked in (("Ana", 12.4, True), ("Ben", 31.9, True), ("Chloe", 6.2, True),
                                 ("Dev", 46.4, False)):  # classmates who played before
            lb.add_entry(lb.Entry(name, s, cracked, "2026-03-02", f"/earlier/{name}"),
                         lb.leaderboard_path(tmp / "sessions"))
        win.setup.set_protocol("no_smile")
        win.setup.participant.setText("Sam")
        win.setup.request_start()

        def smiling_face():
            f = win.live.stimulus.frame
            return (f is not None and f.kind == "trial" and f.trial.trial >= 3
                    and f.t - f.trial.onset_s > 1.5 and win.live.demo.bar.level > 0.05)

        wait_until(app, smiling_face, 120)
        save_png(win.grab().toImage(), out / "demo_no_smile.png")
        wait_until(app, lambda: win.state == "results", 120)
        app.processEvents()
        save_png(win.grab().toImage(), out / "demo_no_smile_results.png")
        win.show_setup()

    if "capture" in only:
        win.setup.set_protocol(CAPTURE)
        win.setup.participant.setText("Ms Lee")
        win.setup.request_start()
        happy = win.plan.capture[1]
        wait_until(app, lambda: win.state == "running" and win.clock.now() > happy.start_s + 4.2
                   and win.live.camera.face_found, 60)
        save_png(win.grab().toImage(), out / "demo_capture.png")
        wait_until(app, lambda: win.state == "results", 60)
    win.shutdown()
    win.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

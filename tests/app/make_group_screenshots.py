"""Screenshots of a group-label session (protocol ``groups_quick``) from the real app.

Usage: python tests/app/make_group_screenshots.py [--out docs/img]

Writes ``app_groups_projector.png`` (classroom mode: the laptop and the
projector side by side, while a face labelled with its team is smiling),
``app_groups_intro.png`` (the projector during the coin-flip screen) and
``app_groups_results.png`` (the results screen, with own versus other group).
Runs the whole session with the demo participant in real time (about 2.5
minutes). Not a test: pytest does not collect it.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={HERE / 'two_screens.json'}"
sys.path.insert(0, str(HERE))

from make_screenshots import save_png, side_by_side, wait_until  # noqa: E402


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

    from mimicry.runtime.settings import AppSettings
    from mimicry_app.main_window import AppOptions, MainWindow
    from mimicry_app.theme import apply_theme

    apply_theme(app)
    win = MainWindow(AppOptions(settings=AppSettings(
        source="demo", protocol="groups_quick", participant="Sam",
        out_dir=str(tmp / "sessions"))))
    win.resize(1600, 960)
    win.show()
    wait_until(app, lambda: win.setup.cameras is not None, 20)
    win.setup.classroom.setChecked(True)
    win.setup.request_start()

    def projector():
        proj = win.classroom.projector
        return proj.grab().toImage() if proj is not None else win.grab().toImage()

    wait_until(app, lambda: win.live.stimulus.frame is not None
               and win.live.stimulus.frame.kind == "intro", 60)
    app.processEvents()
    save_png(projector(), out / "app_groups_intro.png")

    def labelled_smile():
        f = win.live.stimulus.frame
        return (f is not None and f.kind == "trial" and f.trial.condition == "happy"
                and f.trial.group == "own" and f.t - f.trial.onset_s > 1.5
                and win.live.camera.face_found)

    wait_until(app, labelled_smile, 120)
    save_png(side_by_side(win.grab().toImage(), projector(),
                          "Laptop: the operator\N{RIGHT SINGLE QUOTATION MARK}s view",
                          "Projector: a face of \N{LEFT DOUBLE QUOTATION MARK}your team"
                          "\N{RIGHT DOUBLE QUOTATION MARK}"), out / "app_groups_projector.png")
    wait_until(app, lambda: win.state == "results", 240)
    app.processEvents()
    save_png(win.grab().toImage(), out / "app_groups_results.png")
    win.shutdown()
    win.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Make docs/img/report.png: a session report as headless Chromium shows it, offline.

Usage: python tests/core/report/make_report_screenshot.py [--session DIR] [--out docs/img/report.png]

Without ``--session`` it renders a virtual participant watching the default
protocol (gain 0.7, delay 0.6 s, noise 0.1; 320 px, 25 fps), tracks it with
MediaPipe and reports on it (a few minutes). Not a test: no ``test_`` prefix,
pytest does not collect it.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
#: Largest PNG allowed in docs/img, bytes.
MAX_PNG_BYTES = 400_000
WIDTH_PX = 1200


def tracked_session(root: Path) -> Path:
    from mimicry.runtime.process import process_input
    from mimicry.protocol.load import load_protocol
    from mimicry.report.self_rating import save_self_rating
    from mimicry.simulate.rendered import simulate_participant

    sim = root / "sim"
    simulate_participant(load_protocol("default"), sim, delay_s=0.6, gain=0.7, noise=0.1, seed=2,
                         fps=25, size_px=320, jobs=2)
    session = root / "demo_participant"
    process_input(sim / "participant.mp4", session, events_path=sim / "events.csv",
                  progress=False)
    save_self_rating(session, 5)
    return session


def content_crop(png: Path, out: Path, max_height: int = 2110) -> None:
    """Cut below the content (at most ``max_height``, at a blank row), keep the PNG small."""
    import numpy as np
    from PIL import Image

    img = Image.open(png).convert("RGB")
    a = np.asarray(img, dtype=int)
    w = a.shape[1]
    middle = a[:, w // 5: 4 * w // 5]
    rows = np.flatnonzero((np.abs(middle - 255).sum(axis=2) > 30).any(axis=1))
    bottom = min(a.shape[0], int(rows[-1]) + 40) if rows.size else a.shape[0]
    if bottom > max_height:  # end at a blank row between sections
        blank = np.flatnonzero(~(np.abs(middle[:max_height] - 255).sum(axis=2) > 30).any(axis=1))
        bottom = int(blank[-1]) if blank.size else max_height
    img = img.crop((0, 0, w, bottom))
    for colours, scale in ((256, 1.0), (128, 0.85), (64, 0.75), (64, 0.6)):
        small = img if scale == 1.0 else img.resize((int(w * scale), int(bottom * scale)),
                                                    Image.LANCZOS)
        small.quantize(colours, method=Image.Quantize.MEDIANCUT).save(out, optimize=True)
        if out.stat().st_size <= MAX_PNG_BYTES:
            return
    raise RuntimeError(f"{out} is still larger than {MAX_PNG_BYTES} bytes")


def main() -> int:
    from report_chromium import screenshot

    from mimicry.report.session_report import write_session_report

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--session", type=Path)
    ap.add_argument("--out", type=Path, default=HERE.parents[2] / "docs" / "img" / "report.png")
    ap.add_argument("--max-height", type=int, default=2110,
                    help="crop the page to at most this many pixels (default 2110)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        session = args.session or tracked_session(tmp)
        report = write_session_report(session, tmp / "report.html")
        raw = tmp / "raw.png"
        requests = screenshot(report, raw, width=WIDTH_PX, height=4200)
        if requests:
            raise RuntimeError(f"the report requested {requests}")
        content_crop(raw, args.out, args.max_height)
    print(f"Wrote {args.out} ({args.out.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

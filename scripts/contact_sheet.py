"""Contact sheet of the built-in faces: every identity x (neutral, happy, sad, yawn, blink).

Usage::

    python scripts/contact_sheet.py --out docs/img/contact_sheet.png [--measure]

With ``--measure`` each face is also run through MediaPipe's face model and
the channel that expression should move is printed under it (for neutral:
smile / inner-brow raise, which should stay low). ``--table`` prints the
markdown table of ``docs/faces.md``. Faces are rendered at
``--render-px`` (480 by default, as in the tests) and shrunk to ``--cell-px``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from mimicry.stimulus.face import (  # noqa: E402
    IDENTITIES, PARTICIPANT_IDENTITY, Expression, FaceRenderer,
)

#: Column label, expression, blink, channels to report (short label, channel).
COLUMNS = (
    ("neutral", Expression(), 0.0, (("smile", "smile"), ("brow", "brow_raise_inner"))),
    ("happy", Expression(happy=1.0), 0.0, (("smile", "smile"),)),
    ("sad", Expression(sad=1.0), 0.0, (("brow", "brow_raise_inner"), ("frown", "frown"))),
    ("yawn", Expression(yawn=1.0), 0.0, (("jaw", "jaw_open"),)),
    ("blink", Expression(), 1.0, (("blink", "blink"),)),
)
_FONT = cv2.FONT_HERSHEY_SIMPLEX
_INK = (40, 40, 40)


def _text(img: np.ndarray, s: str, org: tuple[int, int], scale: float,
          thick: int = 1, colour=_INK) -> None:
    cv2.putText(img, s, org, _FONT, scale, colour, thick, cv2.LINE_AA)


def _centred(img: np.ndarray, s: str, cx: int, y: int, scale: float, thick: int = 1) -> None:
    (w, _), _ = cv2.getTextSize(s, _FONT, scale, thick)
    _text(img, s, (int(cx - w / 2), y), scale, thick)


def make_sheet(cell_px: int = 240, render_px: int = 480, measure: bool = False,
               identities=IDENTITIES) -> np.ndarray:
    """The sheet as an RGB uint8 array."""
    probe = None
    if measure:
        from mimicry.stimulus._face_probe import FaceProbe

        probe = FaceProbe()
    label_w, head_h = 130, 40
    foot_h = 26 if measure else 6
    row_h = cell_px + foot_h
    sheet = np.full((head_h + row_h * len(identities) + 8,
                     label_w + cell_px * len(COLUMNS) + 8, 3), 250, np.uint8)
    for c, (name, *_rest) in enumerate(COLUMNS):
        _centred(sheet, name, label_w + c * cell_px + cell_px // 2, head_h - 12, 0.75, 2)
    try:
        for r, ident in enumerate(identities):
            y = head_h + r * row_h
            _text(sheet, ident, (10, y + cell_px // 2), 0.75, 2)
            if ident == PARTICIPANT_IDENTITY:
                _text(sheet, "(participant)", (10, y + cell_px // 2 + 24), 0.45)
            renderer = FaceRenderer(ident, render_px)
            for c, (_name, expr, blink, report) in enumerate(COLUMNS):
                img = renderer.render(expr, blink=blink)
                x = label_w + c * cell_px
                sheet[y:y + cell_px, x:x + cell_px] = cv2.resize(
                    img, (cell_px, cell_px), interpolation=cv2.INTER_AREA)
                if probe is not None:
                    res = probe.read(img)
                    if res is None:
                        s = "no face"
                    else:
                        s = "  ".join(f"{lab} {res.channels[ch]:.2f}" for lab, ch in report)
                    _centred(sheet, s, x + cell_px // 2, y + cell_px + 18, 0.45)
    finally:
        if probe is not None:
            probe.close()
    return sheet


def measure_table(render_px: int = 480, identities=IDENTITIES) -> str:
    """A markdown table of what the face model reads on each identity.

    Per identity: the neutral photo and render, each expression at
    intensity 1, a full blink, and the Spearman correlation of the key
    channel with intensity over 6 steps from 0 to 1.
    """
    from scipy.stats import spearmanr

    from mimicry.stimulus._face_probe import FaceProbe
    from mimicry.stimulus.face import expression_for

    steps = np.linspace(0.0, 1.0, 6)
    key = {"happy": "smile", "sad": "brow_raise_inner", "yawn": "jaw_open"}
    lines = [
        "| identity | neutral: smile / inner brow / blink | happy: smile | "
        "sad: inner brow (change) / frown | yawn: jaw open / smile | blink=1: blink | "
        "Spearman rho happy / sad / yawn |",
        "|---|---|---|---|---|---|---|",
    ]
    ramp_lines = [
        "| identity | happy: smile | sad: inner brow | yawn: jaw open |",
        "|---|---|---|---|",
    ]
    with FaceProbe() as probe:
        for ident in identities:
            r = FaceRenderer(ident, render_px)

            def ch(img):
                res = probe.read(img)
                if res is None:
                    raise SystemExit(f"no face detected on {ident}")
                return res.channels

            n = ch(r.render(Expression()))
            ramps = {c: [ch(r.render(expression_for(c, float(x)))) for x in steps] for c in key}
            rho = {c: spearmanr(steps, [v[key[c]] for v in ramps[c]]).statistic for c in key}
            b = ch(r.render(Expression(), blink=1.0))
            h, s, y = ramps["happy"][-1], ramps["sad"][-1], ramps["yawn"][-1]
            name = f"{ident} (participant)" if ident == PARTICIPANT_IDENTITY else ident
            ramp_lines.append(f"| {name} | " + " | ".join(
                " ".join(f"{v[key[c]]:.2f}" for v in ramps[c]) for c in key) + " |")
            lines.append(
                f"| {name} | {n['smile']:.2f} / {n['brow_raise_inner']:.2f} / {n['blink']:.2f} "
                f"| {h['smile']:.2f} "
                f"| {s['brow_raise_inner']:.2f} "
                f"({s['brow_raise_inner'] - n['brow_raise_inner']:+.2f})"
                f" / {s['frown']:.2f} | {y['jaw_open']:.2f} / {y['smile']:.2f} | {b['blink']:.2f} "
                f"| {rho['happy']:.2f} / {rho['sad']:.2f} / {rho['yawn']:.2f} |")
    return "\n".join(lines) + "\n\nKey channel at intensity 0, 0.2, 0.4, 0.6, 0.8, 1:\n\n" \
        + "\n".join(ramp_lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "img" / "contact_sheet.png")
    ap.add_argument("--measure", action="store_true",
                    help="print the face model's reading of the key channel under each face")
    ap.add_argument("--table", action="store_true",
                    help="also print a markdown table of the face model's readings")
    ap.add_argument("--cell-px", type=int, default=240)
    ap.add_argument("--render-px", type=int, default=480)
    args = ap.parse_args(argv)
    sheet = make_sheet(args.cell_px, args.render_px, args.measure)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    ok = cv2.imwrite(str(args.out), cv2.cvtColor(sheet, cv2.COLOR_RGB2BGR),
                     [cv2.IMWRITE_PNG_COMPRESSION, 9])
    if not ok:
        raise SystemExit(f"cannot write {args.out}")
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.2f} MB)")
    if args.table:
        print(measure_table(args.render_px))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

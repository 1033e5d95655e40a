"""Check this machine before class: model, cameras, Qt platform, versions.

Prints what works and what does not, in plain words. Exit code: 0 when the
app can run here (a camera is not required: the demo participant stands in),
1 when it cannot open a window (no display, Qt missing, or system libraries
missing: they are named, with the apt-get line), 2 when the face model is
missing or corrupt.
"""

from __future__ import annotations

import argparse

from mimicry.core.check import arg_range


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--cameras", type=arg_range(0, kind=int), default=4, metavar="N",
                   help="how many camera indices to try (default 4: 0-3)")
    p.add_argument("--model", metavar="PATH", help="face model to verify")
    p.add_argument("--json", action="store_true", help="print the findings as JSON")


def run(args: argparse.Namespace) -> int:
    import json  # noqa: PLC0415

    from mimicry.runtime.diagnostics import collect  # noqa: PLC0415

    report = collect(model=args.model, n_cameras=args.cameras)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        for line in _lines(report):
            print(line)
    if not report["ok"]:
        return 2
    return 0 if report["app_ok"] else 1


def _lines(r: dict) -> list[str]:
    ok, bad = "OK  ", "FAIL"
    m = r["model"]
    lines = [f"mimicry {r['versions']['mimicry']}  (Python {r['versions']['python']})", ""]
    lines.append(f"[{ok if m['ok'] else bad}] face model: {m['detail']}")
    cams = r["cameras"]
    if cams:
        for c in cams:
            lines.append(f"[{ok}] camera {c['index']}: {c['width']}x{c['height']} at "
                         f"{c['fps']:.0f} fps measured")
    else:
        lines.append(f"[info] no camera opened (tried {r['cameras_tried']}): the app will offer "
                     f"the demo participant, or use --source VIDEO")
    q = r["qt"]
    lines.append(f"[{ok if q['ok'] else bad}] Qt: {q['detail']}")
    guard = r["network_guard"]
    lines.append(f"[{ok}] network: the face model's threads are denied sockets (seccomp)"
                 if guard == "seccomp" else f"[info] network guard {guard}")
    lines.append(f"[info] sessions are saved under {r['sessions_dir']} (unless --out)")
    lines.append("")
    lines.append("versions: " + ", ".join(f"{k} {v}" for k, v in r["versions"].items()))
    return lines

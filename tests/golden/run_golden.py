"""Golden run: every command end to end on rendered participants, outputs normalised.

Run through the installed ``mimicry`` command (never through module paths), so the
same script checks the tree before and after a restructuring:

    python tests/golden/run_golden.py OUT_DIR            # run and write OUT_DIR/normalised.json
    python tests/golden/run_golden.py OUT_DIR --compare tests/golden/reference.json

It renders fixed-seed virtual participants (quick, yawn, no_smile protocols and a
two-person pair), records them with ``mimicry record --fast`` (video time, so
deterministic), processes one with ``--events``, then runs ``analyze``, ``report`` and
``aggregate``. Every CSV and JSON written is read back and normalised: wall-clock
times, versions, paths and timestamped folder names are replaced by placeholders,
and numbers are rounded to 6 significant digits.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import re
import subprocess
import sys
from pathlib import Path

VOLATILE_KEYS = {"started_at", "ended_at", "app_version", "mimicry_version", "python",
                 "analysis_version", "path", "protocol_file", "events_file", "name",
                 "generated_at", "elapsed_s", "folder",
                 # The class leaderboard is user-wide state, not part of one session's result.
                 "leaderboard_file", "leaderboard_rank", "leaderboard_size", "leaderboard"}
STAMP = re.compile(r"\d{4}-\d{2}-\d{2}_\d{6}")


def mimicry(*args: str, ok=(0, 1)) -> None:
    proc = subprocess.run(["mimicry", *args], capture_output=True, text=True)
    if proc.returncode not in ok:
        sys.stderr.write(proc.stdout + proc.stderr)
        raise SystemExit(f"mimicry {' '.join(args)} exited {proc.returncode}")


def norm_value(v, root: str):
    if isinstance(v, float):
        if not math.isfinite(v):
            return str(v)
        return float(f"{v:.6g}")
    if isinstance(v, str):
        v = v.replace(root, "<ROOT>")
        v = STAMP.sub("<STAMP>", v)
        try:
            f = float(v)
        except ValueError:
            return v
        return norm_value(f, root) if math.isfinite(f) else v
    if isinstance(v, list):
        return [norm_value(x, root) for x in v]
    if isinstance(v, dict):
        return {k: ("<VOLATILE>" if k in VOLATILE_KEYS else norm_value(x, root))
                for k, x in sorted(v.items())}
    return v


def read_file(path: Path, root: str):
    if path.suffix == ".json":
        return norm_value(json.loads(path.read_text()), root)
    with path.open(newline="") as fh:
        rows = list(csv.reader(fh))
    header = rows[0] if rows else []
    volatile = {i for i, h in enumerate(header) if h in VOLATILE_KEYS}
    return [header] + [[("<VOLATILE>" if i in volatile else norm_value(c, root))
                        for i, c in enumerate(r)] for r in rows[1:]]


def collect(root: Path) -> dict:
    out = {}
    for p in sorted(root.rglob("*")):
        if p.suffix in (".csv", ".json") and p.is_file() and p.name != "normalised.json":
            rel = STAMP.sub("<STAMP>", str(p.relative_to(root)))
            out[rel] = read_file(p, str(root))
    return out


def run(root: Path) -> None:
    root.mkdir(parents=True, exist_ok=True)
    sims = {"quick": ("--protocol", "quick", "--delay", "0.6", "--gain", "1", "--noise", "0.05"),
            "yawn": ("--protocol", "yawn", "--delay", "1.0", "--gain", "1"),
            "no_smile": ("--protocol", "no_smile", "--delay", "0.5", "--gain", "0.8")}
    for name, extra in sims.items():
        mimicry("simulate", *extra, "--seed", "3", "--fps", "15", "--size", "240",
                "--out", str(root / "sim" / name), "--quiet", "--jobs", "2")
        mimicry("record", "--source", str(root / "sim" / name / "participant.mp4"),
                "--protocol", name, "--seed", "3", "--no-display", "--fast",
                "--participant", name, "--out", str(root / "rec"))
    mimicry("simulate", "--dyad", "--leader", "right", "--delay", "0.8", "--duration-s", "20",
            "--fps", "15", "--size", "200", "--out", str(root / "sim" / "dyad"), "--quiet")
    mimicry("process", str(root / "sim" / "dyad" / "participant.mp4"), "--faces", "2",
            "--events", str(root / "sim" / "dyad" / "events.csv"),
            "--out", str(root / "proc" / "dyad"), "--quiet")
    mimicry("process", str(root / "sim" / "quick" / "participant.mp4"),
            "--events", str(root / "sim" / "quick" / "events.csv"),
            "--out", str(root / "proc" / "quick"), "--quiet")
    sessions = sorted((root / "rec").iterdir()) + sorted((root / "proc").iterdir())
    for s in sessions:
        mimicry("analyze", str(s))
        # A two-person session has no stimulus trials: its report is refused (exit 2).
        mimicry("report", str(s), ok=(0, 1, 2) if s.name == "dyad" else (0, 1))
    mimicry("aggregate", str(root / "rec"), str(root / "proc" / "quick"),
            "--out", str(root / "agg"), "--seed", "1")


def compare(got: dict, want: dict) -> list[str]:
    diffs = []
    for key in sorted(set(got) | set(want)):
        if key not in got:
            diffs.append(f"missing: {key}")
        elif key not in want:
            diffs.append(f"new file: {key}")
        elif got[key] != want[key]:
            a, b = json.dumps(got[key], sort_keys=True), json.dumps(want[key], sort_keys=True)
            i = next((k for k in range(min(len(a), len(b))) if a[k] != b[k]), min(len(a), len(b)))
            diffs.append(f"differs: {key}: got …{a[max(0, i - 80):i + 80]}… "
                         f"want …{b[max(0, i - 80):i + 80]}…")
    return diffs


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("out", type=Path)
    ap.add_argument("--compare", type=Path)
    args = ap.parse_args()
    run(args.out)
    got = collect(args.out)
    (args.out / "normalised.json").write_text(json.dumps(got, indent=0, sort_keys=True))
    if args.compare:
        diffs = compare(got, json.loads(args.compare.read_text()))
        for d in diffs:
            print(d)
        print(f"{len(got)} files compared, {len(diffs)} differences")
        return 1 if diffs else 0
    print(f"{len(got)} files normalised into {args.out / 'normalised.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

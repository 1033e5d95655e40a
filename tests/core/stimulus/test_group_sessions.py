"""Group labels end to end: rendered participant → real MediaPipe → analysis.

``mimicry simulate --group-gain`` renders a participant who mimics each group
with its own gain; the session is processed by the face model and analysed
as any recording is. The shipped ``groups_quick`` protocol, at a small size.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

MIMICRY = [sys.executable, "-m", "mimicry.commands.main"]


def _run(*args, ok=True):
    r = subprocess.run([*MIMICRY, *map(str, args)], capture_output=True, text=True, timeout=900)
    if ok:
        assert r.returncode == 0, r.stderr
    return r


def _session(tmp_path, name, *gains, seed):
    sim = tmp_path / name / "sim"
    _run("simulate", "--protocol", "groups_quick", *[a for g in gains for a in ("--group-gain", g)],
         "--seed", seed, "--size", 160, "--fps", 12, "--out", sim, "--quiet")
    out = tmp_path / name / "session"
    _run("process", sim / "participant.mp4", "--events", sim / "events.csv", "--out", out,
         "--quiet")
    _run("analyze", out)
    return json.loads((out / "summary.json").read_text()), out


@pytest.mark.slow
def test_own_gain_1_other_gain_0_is_found_and_equal_gains_are_not(tmp_path):
    s, out = _session(tmp_path, "unequal", "own=1", "other=0", seed=11)
    gd = s["group_difference"]
    assert gd["p_value"] < 0.05 and gd["ci_low"] > 0, gd
    assert gd["own"]["effect"] > 0.2 and abs(gd["other"]["effect"]) < 0.05
    assert "You mimicked your team more than the other team" in s["summary_text"]
    header = (out / "frames.csv").open().readline().strip().split(",")
    assert header[-1] == "group"
    trials = (out / "trials.csv").read_text().splitlines()
    assert trials[0].split(",")[-1] == "group"
    assert {line.split(",")[-1] for line in trials[1:]} == {"own", "other"}
    events = (out.parent / "sim" / "events.csv").read_text()
    assert "label=group_intro" in events and "group=own" in events

    s, _ = _session(tmp_path, "equal", "own=1", "other=1", seed=12)
    gd = s["group_difference"]
    assert gd["p_value"] >= 0.05 and gd["conclusion"] == "not_distinguishable_from_chance"
    assert "not distinguishable from chance" in s["summary_text"]


def test_group_gain_needs_groups_and_a_known_group(tmp_path):
    r = _run("simulate", "--protocol", "quick", "--group-gain", "own=1", "--out",
             tmp_path / "a", ok=False)
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1
    assert "[groups]" in r.stderr and not (tmp_path / "a").exists()
    r = _run("simulate", "--protocol", "groups", "--group-gain", "blue=1", "--out",
             tmp_path / "b", ok=False)
    assert r.returncode == 2 and "own or other" in r.stderr
    r = _run("simulate", "--protocol", "groups", "--group-gain", "own", "--out",
             tmp_path / "c", ok=False)
    assert r.returncode == 2 and "NAME=G" in r.stderr

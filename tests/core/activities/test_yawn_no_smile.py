"""Contagious yawns and try-not-to-smile: detection units, and the CLI on rendered video."""

import csv
import json
import math

import numpy as np
import pytest

from mimicry.activities.no_smile import leaderboard as lb
from mimicry.activities.no_smile.analysis import NoSmileConfig, SmileMeter, analyze_no_smile
from mimicry.activities.yawn.analysis import (analyze_yawns, fisher_one_sided, yawn_episodes,
                                              yawn_plain_summary)
from mimicry.commands.main import main
from mimicry.core.errors import ConfigError, InputError
from mimicry.protocol.load import load_protocol
from mimicry.protocol.schedule import build_schedule
from mimicry.stimulus.face import Expression, expression_for
from mimicry.protocol.timeline import Trial, trial_intensity


# --------------------------------------------------------------------------- yawn units

def test_yawn_needs_one_second_above_threshold():
    t = np.arange(0, 10, 1 / 30)
    jaw = np.zeros_like(t)
    jaw[(t >= 1) & (t < 1.8)] = 0.6      # 0.8 s: talking, not a yawn
    jaw[(t >= 4) & (t < 6.5)] = 0.8      # 2.5 s: a yawn
    jaw[(t >= 5) & (t < 5.2)] = np.nan   # face lost for 0.2 s inside it: bridged
    ep = yawn_episodes(t, jaw, 0.2, 1.0, 0.3)
    assert len(ep) == 1 and ep[0][0] == pytest.approx(4.0, abs=1 / 30)
    assert ep[0][1] == pytest.approx(6.5, abs=2 / 30)


def test_talk_is_short_mouth_movements():
    tr = Trial(trial=1, condition="talk", stimulus_id="alex", onset_s=1.0, offset_s=5.0,
               intensity=1.0, morph_s=1.0, block=1)
    t = np.arange(0, 7, 0.01)
    x = trial_intensity(tr, t)
    runs = np.diff(np.flatnonzero(np.diff((x > 0.05).astype(int))))
    assert x.max() > 0.9 and runs.max() * 0.01 < 0.5   # every opening well under 1 s
    assert expression_for("talk", 0.5) == Expression(talk=0.5)
    assert Expression(talk=1.0).jaw < Expression(yawn=1.0).jaw


def test_fisher_exact():
    assert fisher_one_sided(4, 4, 0, 4) == pytest.approx(1 / 70)
    assert fisher_one_sided(0, 4, 0, 4) == 1.0
    assert fisher_one_sided(2, 4, 2, 4) == pytest.approx((36 + 16 + 1) / 70)


def test_yawn_follows_the_one_rule():
    """4 + 4 faces reach p = 1/70 < 0.05, yet are too short: the rule needs 6 of each."""
    t = np.arange(0, 80, 0.1)
    jaw = np.zeros_like(t)
    trials = []
    for i in range(8):
        cond = "yawn" if i % 2 == 0 else "talk"
        on = 5.0 + 9.0 * i
        trials.append(Trial(i + 1, cond, "ana", on, on + 4.0, 1.0, 1.0, 1))
        if cond == "yawn":
            jaw[(t >= on + 1.0) & (t < on + 3.0)] = 0.8
    r = analyze_yawns(t, jaw, trials, (0.0, 4.0))
    assert r.p_value == pytest.approx(1 / 70) and r.conclusion == "too_short"
    text = yawn_plain_summary(r)
    assert "Too short to conclude anything" in text and "p =" not in text and "chance" not in text
    # A face hidden for most of its window is not usable and does not count.
    hidden = np.where((t >= trials[0].onset_s) & (t < trials[1].onset_s), np.nan, jaw)
    r2 = analyze_yawns(t, hidden, trials, (0.0, 4.0))
    assert r2.n_yawn_trials == 3 and not r2.trials[0].usable


def test_yawn_latency_and_control():
    trials = [Trial(1, "yawn", "alex", 5.0, 9.0, 1.0, 1.0, 1),
              Trial(2, "talk", "casey", 13.0, 17.0, 1.0, 1.0, 1)]
    t = np.arange(0, 22, 1 / 30)
    jaw = 0.02 + 0.005 * np.sin(t)
    jaw[(t >= 6.5) & (t < 9.0)] = 0.7
    jaw[(t >= 13.5) & (t < 13.8)] = 0.5
    r = analyze_yawns(t, jaw, trials, (0.0, 4.0))
    assert [x.yawned for x in r.trials] == [True, False]
    assert r.trials[0].latency_s == pytest.approx(1.5, abs=1 / 30)
    assert r.yawns_after_yawn == 1 and r.yawns_after_control == 0


# --------------------------------------------------------------------------- no-smile units

def test_smile_meter_cracks_only_when_held():
    m = SmileMeter(median=0.05, robust_sd=0.02, config=NoSmileConfig())
    assert m.threshold == pytest.approx(0.05 + 0.15)
    for i in range(5):                       # a 0.17 s flicker above: not a crack
        m.add(1 + i / 30, 0.5)
    m.add(1.2, 0.05)
    assert m.cracked_at is None and m.level == 0
    for i in range(12):
        m.add(2 + i / 30, 0.4)
    assert m.cracked_at == pytest.approx(2.0)
    m.add(3, 0.12)
    assert m.level == pytest.approx((0.12 - 0.05) / 0.15)


def test_survived_time_and_leak():
    trials = [Trial(i + 1, "happy", "alex", 5.0 + 6 * i, 9.0 + 6 * i, 1.0, 0.5, 1)
              for i in range(4)]
    t = np.arange(0, 32, 1 / 30)
    smile = np.full_like(t, 0.01)
    for tr in trials[:2]:                    # leaks on the first two faces
        smile[(t >= tr.onset_s + 0.6) & (t < tr.offset_s)] = 0.06
    smile[t >= 24.0] = 0.5                   # cracks during the fourth face
    r = analyze_no_smile(t, smile, trials, (0.0, 4.0))
    assert r.cracked and r.cracked_at_s == pytest.approx(24.0)
    assert r.survived_s == pytest.approx(19.0) and r.faces_survived == 3
    assert r.n_leaked == 2
    r = analyze_no_smile(t, np.full_like(t, 0.01), trials, (0.0, 4.0))
    assert not r.cracked and r.survived_s == pytest.approx(trials[-1].offset_s + 0.5 - 5.0,
                                                           abs=0.05)


def test_bad_settings_are_named():
    with pytest.raises(ConfigError, match="'hold_s'"):
        NoSmileConfig(hold_s=-1)


def test_leaderboard_updates_and_reports_damage(tmp_path):
    path = tmp_path / "board.json"
    lb.add_entry(lb.Entry("ana", 12.0, True, "2026-01-01", "/s/1"), path)
    board, rank = lb.add_entry(lb.Entry("ben", 30.0, False, "2026-01-01", "/s/2"), path)
    assert rank == 1 and [e.name for e in board] == ["ben", "ana"]
    board, rank = lb.add_entry(lb.Entry("ana", 40.0, True, "2026-01-01", "/s/1"), path)
    assert rank == 1 and len(board) == 2      # the same session is updated, not added
    path.write_text("{not json")
    with pytest.raises(InputError, match="leaderboard .* is damaged"):
        lb.read_leaderboard(path)


def test_shipped_demo_protocols():
    y = build_schedule(load_protocol("yawn"))
    assert sorted(tr.condition for tr in y.trials) == ["talk"] * 6 + ["yawn"] * 6
    n = build_schedule(load_protocol("no_smile"))
    assert {tr.condition for tr in n.trials} == {"happy"} and len(n.trials) == 8


# --------------------------------------------------------------------------- end to end

def test_yawn_end_to_end(yawn_session, capsys):
    capsys.readouterr()
    assert main(["analyze", str(yawn_session)]) == 0
    out = capsys.readouterr().out
    s = json.loads((yawn_session / "summary.json").read_text())
    assert s["analysis"] == "yawn"
    y = s["yawn"]
    assert (y["yawns_after_yawn"], y["n_yawn_trials"]) == (6, 6)
    assert (y["yawns_after_control"], y["n_control_trials"]) == (0, 6)
    assert y["p_value"] == pytest.approx(1 / 924, abs=1e-6) == y["p_floor"]
    # One verdict: the session's is the yawn test's, by the one rule (6 + 6, p < 0.05).
    assert s["conclusion"] == y["conclusion"] == "mimicry"
    assert s["p_value"] == y["p_value"]
    # The stimulus yawns over a 1 s morph; the viewer follows 0.8 s later and
    # crosses the threshold part-way up: latency 0.8 s + part of the morph.
    assert all(0.8 < v < 1.8 for v in y["latencies_s"])
    assert "after 6 of 6 yawning faces and after 0 of 6" in out
    assert "more yawning after yawns than chance" in out
    with open(yawn_session / "yawns.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 12 and {r["condition"] for r in rows} == {"yawn", "talk"}
    assert all(r["usable"] == "1" for r in rows)
    # The ordinary outputs are still there, with their columns.
    assert (yawn_session / "trials.csv").is_file() and "conclusion" in s
    # The control faces did move the viewer's mouth; it just was not a yawn.
    frames = (yawn_session / "frames.csv").read_text().splitlines()
    header = frames[0].split(",")
    jaw_i, cond_i = header.index("jaw_open"), header.index("condition")
    talk_jaw = [float(r.split(",")[jaw_i]) for r in frames[1:]
                if r.split(",")[cond_i] == "talk" and r.split(",")[jaw_i]]
    assert max(talk_jaw) > 0.3


def test_no_smile_end_to_end(no_smile_session, capsys, tmp_path):
    capsys.readouterr()
    assert main(["analyze", str(no_smile_session)]) == 0
    out = capsys.readouterr().out
    s = json.loads((no_smile_session / "summary.json").read_text())
    g = s["no_smile"]
    assert s["analysis"] == "no_smile"
    assert not g["cracked"] and g["faces_survived"] == 8
    assert g["survived_s"] == pytest.approx(g["game_s"])
    assert g["n_leaked"] >= 6 and g["mean_smile_rise"] > 0.01   # damped, but it leaks
    assert "kept a straight face" in out and "leaky" in out
    # mimicry analyze writes nothing but its outputs: the game is not on the board.
    path = lb.board_path_for(no_smile_session)
    assert lb.read_leaderboard(path) == [] and "leaderboard_rank" not in g
    # The end of a recording puts it there; analysing then shows its place.
    from mimicry.runtime.analyze import after_recording

    after_recording(no_smile_session)
    board = lb.read_leaderboard(path)
    assert len(board) == 1 and math.isclose(board[0].survived_s, g["survived_s"], abs_tol=0.01)
    assert main(["analyze", str(no_smile_session)]) == 0
    assert "Place 1 of 1 on the class leaderboard" in capsys.readouterr().out
    g = json.loads((no_smile_session / "summary.json").read_text())["no_smile"]
    assert g["leaderboard_rank"] == 1
    # The board is the class's: in the folder the session was saved under.
    assert path.parent == no_smile_session.resolve().parent
    assert g["leaderboard_file"] == str(path) and not (tmp_path / "data").exists()

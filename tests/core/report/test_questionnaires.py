"""Questionnaires as data: loading, scoring, record asking them, aggregate correlating them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from mimicry.core.errors import ConfigError, InputError
from mimicry.protocol.questionnaire import (load_questionnaire, parse_questionnaire,
                                            save_answers)

from report_helpers import session_meta, write_session

MIMICRY = [sys.executable, "-m", "mimicry.commands.main"]

GOOD = '''schema_version = 1
id = "three"
title = "Three items"
licence = "CC0"
scoring = "SCORING"
[scale]
min = 1
max = 5
labels = ["no", "yes"]
[[items]]
id = "a"
text = "A"
[[items]]
id = "b"
text = "B"
reverse = true
[[items]]
id = "c"
text = "C"
'''


def test_shipped_sites_is_the_validated_item():
    q = load_questionnaire("sites")
    assert q.title == "Single-Item Trait Empathy Scale"
    assert [i.text for i in q.items] == ["I am an empathetic person."]
    assert (q.scale_min, q.scale_max) == (1, 5)
    assert "Konrath" in q.citation and q.licence
    assert load_questionnaire("mood").scale_max == 9


@pytest.mark.parametrize("scoring, want", [("mean", (5 + (6 - 2) + 3) / 3), ("sum", 12.0)])
def test_scoring_flips_reverse_keyed_items(scoring, want):
    q = parse_questionnaire(GOOD.replace("SCORING", scoring))
    assert q.score({"a": 5, "b": 2, "c": 3}) == pytest.approx(want)


@pytest.mark.parametrize("edit, needle", [
    (lambda t: t.replace('id = "three"\n', ""), "id is missing"),
    (lambda t: t.replace('licence = "CC0"\n', ""), "licence is missing"),
    (lambda t: t.replace("max = 5", "max = 1"), "max must be above min"),
    (lambda t: t.replace('reverse = true', 'reverse = "yes"'), "reverse"),
    (lambda t: t.replace('id = "c"', 'id = "a"'), "used twice"),
    (lambda t: t.replace('text = "C"\n', ""), "no text"),
    (lambda t: t.replace('scoring = "mean"', 'scoring = "median"'), "scoring"),
    (lambda t: t.replace('labels = ["no", "yes"]', 'labels = "no"'), "labels"),
    (lambda t: t + "colour = 1\n", "unknown key"),
    (lambda t: t.replace("schema_version = 1", "schema_version = 2"), "schema_version"),
    (lambda t: "not [toml", "not valid TOML"),
    (lambda t: "items = []\n" + t.split("[[items]]")[0], "items must be"),
])
def test_bad_questionnaires_give_one_line(edit, needle):
    with pytest.raises(ConfigError) as exc:
        parse_questionnaire(edit(GOOD.replace("SCORING", "mean")), "questionnaire q.toml")
    msg = str(exc.value)
    assert needle in msg and "\n" not in msg and msg.startswith("questionnaire q.toml")


def test_answers_are_checked():
    q = parse_questionnaire(GOOD.replace("SCORING", "mean"))
    for answers, needle in (({"a": 1, "b": 2}, "no answer"), ({"a": 1, "b": 2, "c": 9}, "from 1"),
                            ({"a": 1, "b": 2, "c": 3, "d": 1}, "no item"),
                            ({"a": 1, "b": 2, "c": True}, "whole number")):
        with pytest.raises(InputError, match=needle):
            q.score(answers)


def _bad_file(tmp_path: Path) -> Path:
    bad = tmp_path / "bad.toml"
    bad.write_text(GOOD.replace("SCORING", "mean").replace("max = 5", "max = 0"))
    return bad


@pytest.mark.parametrize("command", ["record", "aggregate"])
def test_a_bad_questionnaire_file_is_one_line_and_exit_2(tmp_path, command, gain_sessions):
    bad = _bad_file(tmp_path)
    args = (["record", "--source", "demo", "--protocol", "quick", "--no-display", "--out",
             str(tmp_path / "rec")] if command == "record" else
            ["aggregate", str(gain_sessions), "--out", str(tmp_path / "agg")])
    r = subprocess.run([*MIMICRY, *args, "--questionnaire", str(bad)], capture_output=True,
                       text=True, timeout=300)
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "bad.toml" in lines[0] and "max must be above min" in lines[0]
    assert not (tmp_path / "rec").exists() or not any((tmp_path / "rec").iterdir())
    assert not (tmp_path / "agg").exists()


def test_record_asks_and_stores_the_questionnaire_and_mood(tmp_path, tiny_protocol):
    r = subprocess.run([*MIMICRY, "record", "--source", "demo",
                        "--protocol", str(tiny_protocol),
                        "--no-display", "--fast", "--no-analyze", "--out", str(tmp_path),
                        "--questionnaire", "sites", "--mood"],
                       input="7\n9\n3\n", capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    # Answered in order: mood before (7), mood after (9), then SITES (3).
    meta = json.loads(next(tmp_path.glob("*/session.json")).read_text())
    qs = meta["questionnaires"]
    assert qs["mood_before"]["score"] == 7 and qs["mood_after"]["score"] == 9
    assert qs["sites"]["score"] == 3 and qs["sites"]["answers"] == {"empathetic": 3}
    assert "Single-Item Trait Empathy Scale: score 3" in r.stdout


def test_record_reasks_an_answer_outside_the_scale_and_skips_on_empty(tmp_path, tiny_protocol):
    r = subprocess.run([*MIMICRY, "record", "--source", "demo",
                        "--protocol", str(tiny_protocol),
                        "--no-display", "--fast", "--no-analyze", "--out", str(tmp_path),
                        "--questionnaire", "sites"],
                       input="8\n\n", capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert "expected a whole number from 1 to 5" in r.stderr and "skipped" in r.stderr
    meta = json.loads(next(tmp_path.glob("*/session.json")).read_text())
    assert "questionnaires" not in meta


@pytest.fixture(scope="module")
def scored_sessions(tmp_path_factory):
    """Eight sessions with known gains, SITES scores that follow the gain, and moods."""
    root = tmp_path_factory.mktemp("scored")
    sites = load_questionnaire("sites")
    mood = load_questionnaire("mood")
    rng = np.random.default_rng(3)
    truth = []
    for k in range(8):
        gain = float(k) / 7
        folder = write_session(root / f"s{k}", gain=gain, seed=200 + k,
                               meta=session_meta(f"p{k}"))
        score = int(np.clip(round(1 + 4 * gain + rng.normal(0, 0.5)), 1, 5))
        save_answers(folder, sites, {"empathetic": score})
        before = 6
        after = 4 if k % 4 else 5  # mood drops by 2 (or 1)
        save_answers(folder, mood, {"valence": before}, "mood_before")
        save_answers(folder, mood, {"valence": after}, "mood_after")
        truth.append((score, after - before))
    # An old session with only the 1-7 self_rating is still read.
    meta = session_meta("old", self_rating=5)
    write_session(root / "old", gain=0.5, seed=299, meta=meta)
    return root, truth


def test_aggregate_correlates_the_questionnaire_score(scored_sessions, tmp_path):
    root, truth = scored_sessions
    r = subprocess.run([*MIMICRY, "aggregate", str(root), "--out", str(tmp_path / "a")],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    g = json.loads((tmp_path / "a" / "group.json").read_text())
    import csv
    with open(tmp_path / "a" / "sessions.csv", newline="") as fh:
        rows = {row["session"]: row for row in csv.DictReader(fh)}
    assert rows["s3"]["score_source"] == "questionnaire"
    # One scale per correlation: the old 1-7 self-rating is not pooled with SITES.
    assert rows["old"]["score"] == "" and rows["old"]["self_rating"] == "5"
    assert "old 1-7 self-rating" in r.stderr
    assert float(rows["s1"]["mood_change"]) == -2
    pairs = [(float(v["score"]), float(v["effect_size"])) for v in rows.values() if v["score"]]
    r_want = stats.pearsonr([p[0] for p in pairs], [p[1] for p in pairs])
    c = g["correlation"]
    assert c["n"] == 8 and c["pearson_r"] == pytest.approx(r_want.statistic, abs=1e-5)
    ci = r_want.confidence_interval(0.95)
    assert c["ci_low"] == pytest.approx(ci.low, abs=1e-5)
    assert c["pearson_r"] > 0.5  # the scores were made to follow the gain
    m = g["mood_change"]
    assert m["n"] == 8 and m["mean"] == pytest.approx(np.mean([t[1] for t in truth]))
    assert m["p_sign_flip"] == pytest.approx(2 / 256)  # all 8 negative: exact sign flips
    html = (tmp_path / "a" / "report.html").read_text()
    assert "Holland, Wingert &amp; Tang 2021" in html or "Holland, Wingert & Tang 2021" in html
    assert "I am an empathetic person" in html and "Mood, after minus before" in html


def test_aggregate_with_another_questionnaire_id(scored_sessions, tmp_path):
    root, _ = scored_sessions
    r = subprocess.run([*MIMICRY, "aggregate", str(root), "--out", str(tmp_path / "b"),
                        "--questionnaire", "mood"], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    g = json.loads((tmp_path / "b" / "group.json").read_text())
    # No session stores a "mood" entry (only mood_before/after): only the old self-rating.
    assert g["score"] == "self-rating (1–7)"

"""Protocols (TOML) and schedules (a pure function of protocol + seed)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from mimicry.commands.main import main
from mimicry.core.errors import ConfigError, InputError
from mimicry.protocol.load import SHIPPED_PROTOCOLS, load_protocol, parse_protocol
from mimicry.protocol.schedule import build_schedule
from mimicry.stimulus.face import IDENTITIES, PARTICIPANT_IDENTITY
from mimicry.io.tables import read_events, write_events
from mimicry.protocol.timeline import trials_from_events


def _max_run(seq) -> int:
    best = run = 1
    for a, b in zip(seq, seq[1:]):
        run = run + 1 if a == b else 1
        best = max(best, run)
    return best


@pytest.mark.parametrize("name", SHIPPED_PROTOCOLS)
def test_shipped_protocols_load(name):
    p = load_protocol(name)
    assert p.name == name and p.schema_version == 1
    assert p.path is not None and p.path.name == f"{name}.toml"
    assert p.description
    assert PARTICIPANT_IDENTITY not in p.identities and len(p.identities) >= 3
    assert set(p.identities) <= set(IDENTITIES)
    # Loading the file by path gives the same protocol.
    assert load_protocol(p.path) == p


def test_shipped_protocols_meet_their_stated_limits():
    default, quick, classroom = (load_protocol(n) for n in ("default", "quick", "classroom"))
    # default: a complete study of about 3-4 min, >= 8 trials of each condition.
    assert 180 <= default.min_duration_s and default.max_duration_s <= 240
    counts = Counter(t.condition for t in build_schedule(default).trials)
    assert min(counts[c] for c in ("happy", "sad", "neutral")) >= 8
    # quick: <= 60 s including calibration, 3 per condition.
    assert quick.max_duration_s <= 60
    assert Counter(t.condition for t in build_schedule(quick).trials) == {
        "happy": 3, "sad": 3, "neutral": 3}
    # classroom: bigger faces, slower pacing than the default.
    assert classroom.display.face_scale > default.display.face_scale
    assert classroom.morph_s > default.morph_s and classroom.iti_s > default.iti_s
    assert classroom.stimulus_s >= default.stimulus_s
    for seed in range(20):
        for p in (default, quick, classroom):
            d = build_schedule(p, seed).duration_s
            assert p.min_duration_s - 1e-6 <= d <= p.max_duration_s + 1e-6


def test_schedule_is_pure_in_protocol_and_seed():
    p = load_protocol("default")
    a, b = build_schedule(p, 7), build_schedule(load_protocol("default"), 7)
    assert a.trials == b.trials and a.events() == b.events() and a.duration_s == b.duration_s
    c = build_schedule(p, 8)
    assert [t.condition for t in a.trials] != [t.condition for t in c.trials]
    # The shipped protocols fix no seed: every session draws and keeps its own.
    assert p.seed is None
    drawn = [build_schedule(p) for _ in range(3)]
    assert len({s.seed for s in drawn}) == 3
    assert len({tuple(t.condition for t in s.trials) for s in drawn}) == 3
    assert all(s.trials == build_schedule(p, s.seed).trials for s in drawn)
    # A protocol may fix one on purpose.
    fixed = parse_protocol("schema_version = 1\nseed = 12\n", source="<t>")
    assert build_schedule(fixed).seed == 12
    assert build_schedule(fixed).trials == build_schedule(fixed, 12).trials


@pytest.mark.parametrize("name", SHIPPED_PROTOCOLS)
def test_schedule_constraints(name):
    p = load_protocol(name)
    for seed in range(40):
        s = build_schedule(p, seed)
        conds = [t.condition for t in s.trials]
        if len(p.conditions) > 1:  # no_smile shows happy faces only
            assert _max_run(conds) <= 2
        per_block = Counter((t.block, t.condition) for t in s.trials)
        assert set(per_block.values()) == {p.per_condition}
        assert len(per_block) == p.blocks * len(p.conditions)
        assert all(t.stimulus_id in p.identities for t in s.trials)
        assert PARTICIPANT_IDENTITY not in s.stimulus_ids
        # Identities are spread over each condition: every identity once before any twice.
        for c in p.conditions:
            n = Counter(t.stimulus_id for t in s.trials if t.condition == c)
            assert max(n.values()) - min(n.get(i, 0) for i in p.identities) <= p.blocks
        # Times: after calibration, in order, not overlapping, within the session.
        assert s.trials[0].onset_s >= s.calibration[1] + p.iti_s - p.iti_jitter_s - 1e-9
        for t1, t2 in zip(s.trials, s.trials[1:]):
            gap = t2.onset_s - t1.end_s
            assert p.iti_s - p.iti_jitter_s - 1e-6 <= gap
            assert gap <= p.iti_s + p.iti_jitter_s + p.block_break_s + 1e-6
        assert all(t.offset_s - t.onset_s == pytest.approx(p.stimulus_s) for t in s.trials)
        assert [t.trial for t in s.trials] == list(range(1, len(s.trials) + 1))
        assert s.duration_s == pytest.approx(s.trials[-1].end_s + p.iti_s)


def test_events_timeline(tmp_path):
    p = load_protocol("quick")
    s = build_schedule(p, 3)
    ev = s.events()
    kinds = [e.event for e in ev]
    assert kinds[:3] == ["session_start", "calibration_start", "calibration_end"]
    assert kinds[-1] == "session_end" and ev[-1].t == s.duration_s
    assert ev[0].t == 0.0 and ev[2].t == p.calibration_s
    assert "protocol=quick" in ev[0].detail and "seed=3" in ev[0].detail
    assert kinds.count("stimulus_onset") == kinds.count("stimulus_offset") == len(s.trials)
    assert [e.t for e in ev] == sorted(e.t for e in ev)
    # Through events.csv and back: the same trials.
    write_events(tmp_path / "events.csv", ev)
    back = read_events(tmp_path / "events.csv")
    assert back == ev
    assert tuple(trials_from_events(back)) == s.trials


def test_phase():
    s = build_schedule(load_protocol("default"), 2)
    tr = s.trials[0]
    assert s.phase(0.0) == ("calibration", None)
    assert s.phase(tr.onset_s - 0.01) == ("iti", tr)
    assert s.phase(tr.onset_s) == ("trial", tr)
    assert s.phase(tr.end_s - 0.01) == ("trial", tr)
    assert s.phase(s.duration_s - 0.01) == ("end", s.trials[-1])
    assert len(s.breaks) == 1
    b0, b1 = s.breaks[0]
    assert s.phase((b0 + b1) / 2) == ("break", None)
    assert b1 - b0 == pytest.approx(load_protocol("default").block_break_s)


def test_seed_validation():
    p = load_protocol("quick")
    for bad in (-1, 1.5, "3", True):
        with pytest.raises(ConfigError, match="'seed'"):
            build_schedule(p, bad)


def test_unknown_name_lists_shipped():
    with pytest.raises(ConfigError) as info:
        load_protocol("quik")
    msg = str(info.value)
    assert "'quik'" in msg and all(f"'{n}'" in msg for n in SHIPPED_PROTOCOLS)


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="nothere.toml not found"):
        load_protocol(tmp_path / "nothere.toml")


GOOD = """schema_version = 1
name = "mine"
seed = 4
[calibration]
duration_s = 5.0
[trials]
blocks = 1
per_condition = 2
stimulus_s = 2.0
morph_s = 0.5
iti_s = 1.0
iti_jitter_s = 0.2
[stimuli]
identities = "all"
[display]
face_scale = 0.5
background = "#102030"
"""


def _replace(line_start: str, new_line: str) -> str:
    lines = GOOD.splitlines()
    idx = [i for i, ln in enumerate(lines) if ln.startswith(line_start)]
    assert len(idx) == 1, line_start
    lines[idx[0]] = new_line
    return "\n".join(lines) + "\n"


def _add(section: str, line: str) -> str:
    return GOOD.replace(f"[{section}]\n", f"[{section}]\n{line}\n") if section else \
        GOOD.replace("seed = 4\n", f"seed = 4\n{line}\n")


def test_good_custom_protocol(tmp_path):
    f = tmp_path / "mine.toml"
    f.write_text(GOOD)
    p = load_protocol(f)
    assert (p.per_condition, p.calibration_s, p.seed) == (2, 5.0, 4)
    assert p.display.background_rgb == (16, 32, 48) and p.display.face_scale == 0.5
    assert p.conditions == ("happy", "sad", "neutral")  # the default
    # Defaults for keys not given.
    assert p.display.show_progress is True and p.block_break_s == 0.0 and p.intensity == 1.0


def test_minimal_protocol_uses_documented_defaults():
    p = parse_protocol("schema_version = 1\n", source="<test>")
    assert (p.blocks, p.per_condition, p.stimulus_s, p.morph_s, p.iti_s, p.iti_jitter_s) == \
        (1, 4, 4.0, 1.0, 3.0, 0.5)
    assert p.calibration_s == 10.0 and p.seed is None
    assert p.identities == tuple(i for i in IDENTITIES if i != PARTICIPANT_IDENTITY)


BAD = {
    "per_condition_zero": (_replace("per_condition", "per_condition = 0"),
                           "[trials] per_condition must be an integer from 1 to 500, got 0"),
    "per_condition_float": (_replace("per_condition", "per_condition = 3.0"),
                            "[trials] per_condition must be an integer from 1 to 500, got 3.0"),
    "per_condition_string": (_replace("per_condition", 'per_condition = "3"'),
                             "[trials] per_condition must be an integer from 1 to 500, got '3'"),
    "blocks_bool": (_replace("blocks", "blocks = true"),
                    "[trials] blocks must be an integer from 1 to 100, got true"),
    "unknown_key": (_replace("per_condition", "per_conditon = 3"),
                    "unknown key [trials] per_conditon (did you mean 'per_condition'?)"),
    "unknown_top_key": (_add("", 'nmae = "x"'), "unknown key nmae (did you mean 'name'?)"),
    "unknown_table": (GOOD + "[trial]\nblocks = 2\n", "unknown key trial (did you mean 'trials'?)"),
    "table_as_value": (_add("", "display = 3").replace("[display]\nface_scale = 0.5\n"
                                                        "background = \"#102030\"\n", ""),
                       "[display] must be a table, got 3"),
    "no_schema": (GOOD.replace("schema_version = 1\n", ""), "schema_version is missing"),
    "schema_2": (GOOD.replace("schema_version = 1", "schema_version = 2"),
                 "schema_version must be 1"),
    "bad_condition": (_add("trials", 'conditions = ["happy", "hapy"]'),
                      "'[trials] conditions' parameter. Allowed values are 'happy', 'sad', 'neutral', "
                      "'yawn', 'talk', but got 'hapy' instead."),
    "empty_conditions": (_add("trials", "conditions = []"),
                         "[trials] conditions must be a non-empty list of strings, got []"),
    "repeated_condition": (_add("trials", 'conditions = ["sad", "sad"]'),
                           "[trials] conditions must be a list without repeats"),
    "negative_calibration": (_replace("duration_s", "duration_s = -1.0"),
                             "[calibration] duration_s must be a number from 0 to 600, got -1.0"),
    "stimulus_zero": (_replace("stimulus_s", "stimulus_s = 0"),
                      "[trials] stimulus_s must be a number > 0 and <= 600, got 0"),
    "stimulus_text": (_replace("stimulus_s", 'stimulus_s = "long"'),
                      "[trials] stimulus_s must be a number > 0 and <= 600, got 'long'"),
    "morph_longer": (_replace("morph_s", "morph_s = 3.0"),
                     "[trials] morph_s must be <= stimulus_s (2), got 3"),
    "jitter_too_big": (_replace("iti_jitter_s", "iti_jitter_s = 1.5"),
                       "[trials] iti_jitter_s must be <= iti_s (1), got 1.5"),
    "intensity_high": (_add("trials", "intensity = 1.2"),
                       "[trials] intensity must be a number from 0 to 1, got 1.2"),
    "negative_seed": (_replace("seed", "seed = -3"), "seed must be an integer from 0 to 4294967295, got -3"),
    "empty_name": (_replace("name", 'name = ""'), "name must be a non-empty string"),
    "identity_unknown": (_replace("identities", 'identities = ["nobody"]'),
                         "'[stimuli] identities' parameter. Allowed values are"),
    "identity_participant": (_replace("identities", f'identities = ["{PARTICIPANT_IDENTITY}"]'),
                             "the virtual participant's identity"),
    "identities_string": (_replace("identities", 'identities = "some"'),
                          '[stimuli] identities must be "all" or a non-empty list'),
    "set_and_identities": (_add("stimuli", 'set = "faces"'), "has both identities and set"),
    "video_end": (_add("stimuli", 'video_end = "bounce"'),
                  "Invalid value for the '[stimuli] video_end' parameter. Allowed values are 'hold', "
                  "'loop', but got 'bounce' instead."),
    "face_scale": (_replace("face_scale", "face_scale = 0"),
                   "[display] face_scale must be a number from 0.2 to 1, got 0"),
    "background": (_replace("background", 'background = "grey"'),
                   '[display] background must be a colour "#rrggbb", got \'grey\''),
    "show_progress": (_add("display", 'show_progress = "yes"'),
                      "[display] show_progress must be true or false, got 'yes'"),
    "not_toml": (GOOD + "this is = = not toml\n", "not valid TOML"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_protocol_names_the_key(tmp_path, case):
    text, expected = BAD[case]
    f = tmp_path / "mine.toml"
    f.write_text(text)
    with pytest.raises(ConfigError) as info:
        load_protocol(f)
    msg = str(info.value)
    assert msg.startswith("protocol mine.toml: "), msg
    assert expected in msg, msg
    assert "\n" not in msg


def test_cli_check_bad_protocol_exits_2(tmp_path, capsys):
    f = tmp_path / "quick.toml"
    f.write_text(BAD["per_condition_zero"][0])
    assert main(["stimuli", "check", str(f)]) == 2
    err = capsys.readouterr().err
    assert err == ("mimicry stimuli: error: protocol quick.toml: [trials] per_condition must be "
                   "an integer from 1 to 500, got 0\n")


def test_cli_list_and_check(capsys):
    assert main(["stimuli", "list"]) == 0
    out = capsys.readouterr().out
    for name in SHIPPED_PROTOCOLS:
        assert f"{name}: " in out
    assert main(["stimuli", "check", "quick"]) == 0
    assert "9 trials (3 happy, 3 sad, 3 neutral)" in capsys.readouterr().out


def test_single_condition_protocol_is_allowed():
    p = parse_protocol('schema_version = 1\n[trials]\nconditions = ["happy"]\nper_condition = 3\n',
                       source="<t>")
    s = build_schedule(p)
    assert [t.condition for t in s.trials] == ["happy"] * 3


def test_yawn_condition_for_builtin_faces():
    p = parse_protocol('schema_version = 1\n[trials]\nconditions = ["yawn", "neutral"]\n',
                       source="<t>")
    assert Counter(t.condition for t in build_schedule(p).trials) == {"yawn": 4, "neutral": 4}


def test_protocol_docs_cover_every_key(repo):
    from mimicry.protocol.load import _TABLES

    doc = (Path(repo) / "docs" / "protocols.md").read_text(encoding="utf-8")
    for table, keys in _TABLES.items():
        for key in keys:
            if key in _TABLES:  # a table name
                assert f"[{key}]" in doc
            else:
                assert f"`{key}`" in doc, key


# --------------------------------------------------------------------------- bad detail cells

def _events_with_detail(folder: Path, detail: str) -> Path:
    from mimicry.io.formats import EVENT_COLUMNS, FRAME_COLUMNS

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "frames.csv").write_text(",".join(FRAME_COLUMNS) + "\n", encoding="utf-8")
    path = folder / "events.csv"
    path.write_text(",".join(EVENT_COLUMNS) + "\n"
                    "0.0,session_start,,,,protocol=quick\n"
                    "1.0,calibration_start,,,,\n"
                    "2.0,calibration_end,,,,\n"
                    f"3.0,stimulus_onset,1,happy,x,{detail}\n"
                    "7.0,stimulus_offset,1,happy,x,morph_s=0.5\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("detail, expected", [
    ("intensity=abc", "intensity must be a number from 0 to 1, got 'abc'"),
    ("intensity=max", "intensity must be a number from 0 to 1, got 'max'"),
    ("intensity=1e308", "intensity must be a number from 0 to 1, got '1e308'"),
    ("intensity=nan", "intensity must be a number from 0 to 1, got 'nan'"),
    ("intensity=inf", "intensity must be a number from 0 to 1, got 'inf'"),
    ("morph_s=-5", "morph_s must be a number from 0 to 3600, got '-5'"),
    ("morph_s=1e308", "morph_s must be a number from 0 to 3600, got '1e308'"),
    ("block=two", "block must be an integer from 0 to 1e+06, got 'two'"),
])
def test_bad_detail_names_file_row_and_column(tmp_path, detail, expected):
    path = _events_with_detail(tmp_path, detail)
    with pytest.raises(InputError) as info:
        read_events(path)
    assert str(info.value) == f"{path} row 5, column detail: {expected}"


def test_bad_detail_in_memory_events_is_an_input_error():
    from mimicry.core.messages import StimulusEvent

    ev = [StimulusEvent(t=1.0, event="stimulus_onset", trial=3, condition="happy",
                        detail="intensity=abc")]
    with pytest.raises(InputError, match=r"trial 3 onset, column detail: intensity must be a "
                                         r"number from 0 to 1, got 'abc'"):
        trials_from_events(ev)


def test_good_detail_defaults_unchanged():
    from mimicry.core.messages import StimulusEvent

    (tr,) = trials_from_events([StimulusEvent(t=1.0, event="stimulus_onset", trial=1,
                                              condition="happy", detail="intensity=")])
    assert (tr.intensity, tr.morph_s, tr.block) == (1.0, 0.5, 1)


def test_cli_bad_detail_is_one_line_exit_2(tmp_path, capsys):
    _events_with_detail(tmp_path / "s", "intensity=abc")
    assert main(["analyze", str(tmp_path / "s")]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err == [f"mimicry analyze: error: {tmp_path / 's' / 'events.csv'} row 5, column "
                   f"detail: intensity must be a number from 0 to 1, got 'abc'"]


def test_cli_bad_seed_is_rejected_by_argparse(capsys):
    assert main(["stimuli", "export", "--protocol", "quick", "--out", "a.mp4", "--seed", "x"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err == ["mimicry stimuli export: error: argument --seed: expected an integer >= 0, "
                   "but got 'x' instead"]


def test_linear_condition_order_matches_small_schedules():
    # The trial order is built in linear time; a long protocol finishes quickly (longer
    # than a protocol file may ask for: see test_protocol_limits.py).
    from dataclasses import replace

    p = replace(parse_protocol("schema_version = 1\n", source="<t>"), per_condition=3000)
    s = build_schedule(p, 1)
    assert len(s.trials) == 9000
    run = 1
    for a, b in zip(s.trials, s.trials[1:]):
        run = run + 1 if a.condition == b.condition else 1
        assert run <= 2

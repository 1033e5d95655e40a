"""Group labels: the protocol's [groups], the schedule's labels, and the own-minus-other test.

The test is checked against ground truth with the signal-level participant
(:func:`mimicry.simulate.signal.simulate_frames` with ``group_gains``): equal
gains are the null (the labels carry no information), own 1 / other 0 a
strong group effect. The rendered end-to-end runs are in
``tests/core/stimulus/test_group_sessions.py``.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from mimicry.analysis.config import AnalysisConfig
from mimicry.analysis.groups import groups_from_events, label_reference
from mimicry.analysis.offline import analyze_arrays, summary_dict, trial_rows
from mimicry.analysis.reference import design_from_events
from mimicry.core.errors import ConfigError
from mimicry.protocol.load import load_protocol, parse_protocol
from mimicry.protocol.schedule import build_schedule
from mimicry.protocol.timeline import trials_from_events
from mimicry.simulate.signal import VirtualParticipant, simulate_frames

GROUPS = load_protocol("groups")


def _session(seed: int, gains: dict, config: AnalysisConfig, protocol=GROUPS):
    sch = build_schedule(protocol, seed)
    fr = simulate_frames(sch.trials, VirtualParticipant(gain=1.0), fps=30,
                         duration_s=sch.duration_s, seed=seed, blendshapes=False,
                         group_gains=gains)
    events = sch.events()
    trials = trials_from_events(events)
    groups, recorded = groups_from_events(events, trials)
    return analyze_arrays(fr.t, fr.face_detected, fr.channels, trials, sch.calibration, config,
                          design=design_from_events(events, trials), secondary=False,
                          groups=groups, groups_recorded=recorded)


def test_shipped_group_protocols():
    quick = load_protocol("groups_quick")
    for p, lo, hi in ((GROUPS, 210, 270), (quick, 120, 170)):
        assert p.groups is not None and p.groups.assign == "trial"
        assert p.groups.own.name == "your team" and p.groups.other.name == "the other team"
        assert lo <= p.expected_duration_s <= hi, p.expected_duration_s


def test_labels_are_balanced_and_drawn_by_the_seed():
    orders = set()
    flips = Counter()
    for seed in range(12):
        sch = build_schedule(GROUPS, seed)
        cells = Counter((t.block, t.condition, t.group) for t in sch.trials)
        assert set(cells.values()) == {3}, cells  # 3 own + 3 other per block and condition
        orders.add(tuple(t.group for t in sch.trials))
        flips[sch.groups.own.colour] += 1
        start = sch.events()[0]
        assert "groups_assign=trial" in start.detail and "group_own_colour=" in start.detail
        onsets = [e for e in sch.events() if e.event == "stimulus_onset"]
        assert all(f"group={t.group}" in e.detail for e, t in zip(onsets, sch.trials))
        assert sch.phase(sch.intro[0] + 0.1)[0] == "intro"
    assert len(orders) == 12
    assert set(flips) == {"#1f6fd1", "#e07b00"}  # the coin puts people in either colour


def test_identity_assignment_keeps_each_face_in_one_group():
    p = parse_protocol(
        'schema_version = 1\n[trials]\nconditions = ["happy", "sad"]\nper_condition = 4\n'
        '[groups]\nassign = "identity"\n[groups.own]\nname = "blue"\ncolour = "#0000ff"\n'
        '[groups.other]\nname = "red"\ncolour = "#ff0000"\n')
    sch = build_schedule(p, 3)
    by_id = {}
    for t in sch.trials:
        by_id.setdefault(t.stimulus_id, set()).add(t.group)
    assert all(len(g) == 1 for g in by_id.values())
    assert {g for s in by_id.values() for g in s} == {"own", "other"}
    trials = trials_from_events(sch.events())
    groups, recorded = groups_from_events(sch.events(), trials)
    ref, method = label_reference(trials, groups, recorded, 5000, 0)
    # 4 faces split 2 + 2: 6 splits in all, so the test can show at best 1 in 6.
    assert method == "identity splits" and ref.shape[0] == 6
    assert len({tuple(r) for r in ref}) == 6


@pytest.mark.parametrize("text, needle", [
    ('[groups]\nassign = "x"\n', "assign"),
    ('[groups]\n[groups.own]\nname = "a"\ncolour = "#000000"\n', "[groups.other]"),
    ('[groups]\n[groups.own]\nname = "a"\ncolour = "#000000"\n'
     '[groups.other]\nname = "b"\ncolour = "#000000"\n', "same colour"),
    ('[groups]\n[groups.own]\nname = "a;b"\n[groups.other]\nname = "b"\n', "name"),
    ('[groups]\n[groups.own]\ncolour = "blue"\n[groups.other]\n', "colour"),
    ('[groups]\nintro_s = 0\n[groups.own]\n[groups.other]\n', "intro_s"),
    ('[groups]\nteams = 2\n', "unknown key"),
])
def test_bad_groups_give_one_line(text, needle):
    with pytest.raises(ConfigError) as exc:
        parse_protocol("schema_version = 1\n" + text)
    msg = str(exc.value)
    assert needle in msg and "\n" not in msg


def test_groups_need_happy_and_sad():
    with pytest.raises(ConfigError, match="happy and sad"):
        parse_protocol('schema_version = 1\n[trials]\nconditions = ["happy", "neutral"]\n'
                       '[groups]\n[groups.own]\n[groups.other]\n')


def test_no_groups_no_group_test_and_an_empty_column():
    cfg = AnalysisConfig(n_permutations=1000)
    r = _session(1, {}, cfg, load_protocol("quick"))
    assert r.group_difference is None
    assert "group_difference" not in summary_dict(r)
    assert {row["group"] for row in trial_rows(r)} == {""}


def test_equal_gains_are_calibrated_and_unequal_gains_are_found():
    """Ground truth: equal gains (the null) give p < 0.05 in about 5% of sessions; own 1 and
    other 0 in every one. Measured here: 5 of 100 null sessions (93 intervals cover 0), and
    10 of 10."""
    cfg = AnalysisConfig(n_permutations=1000)
    null = [_session(s, {"own": 1.0, "other": 1.0}, cfg).group_difference for s in range(100)]
    hits = sum(g.p_value < 0.05 for g in null)
    # Binomial(100, 0.05): 12 or more happens with probability 0.004.
    assert hits <= 11, hits
    covered = sum(g.ci_low <= 0.0 <= g.ci_high for g in null)
    assert covered >= 88, covered
    strong = [_session(s, {"own": 1.0, "other": 0.0}, cfg) for s in range(100, 110)]
    for r in strong:
        gd = r.group_difference
        assert gd.p_value < 0.05 and gd.ci_low > 0
        assert gd.own.estimate > 0.3 and abs(gd.other.estimate) < 0.05
        d = summary_dict(r)["group_difference"]
        assert d["conclusion"] == "more_for_own"
        assert "more than chance" in summary_dict(r)["summary_text"]
        assert {row["group"] for row in trial_rows(r)} == {"own", "other"}
    words = summary_dict(_session(0, {"own": 1.0, "other": 1.0}, cfg))["summary_text"]
    assert "not distinguishable from chance" in words


def test_unrecorded_labels_are_shuffled():
    """Imported sessions with group= on their onsets but no design: shuffled labels."""
    sch = build_schedule(GROUPS, 4)
    events = [e for e in sch.events() if e.event != "session_start"]
    trials = trials_from_events(events)
    groups, recorded = groups_from_events(events, trials)
    assert groups is not None and not recorded
    ref, method = label_reference(trials, groups, recorded, 200, 0)
    assert method == "shuffle"
    obs = ref[0]
    for b in (1, 2):
        for c in ("happy", "sad"):
            idx = [i for i, t in enumerate(trials) if t.block == b and t.condition == c]
            assert np.all(ref[:, idx].sum(axis=1) == obs[idx].sum())

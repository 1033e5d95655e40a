"""The optional expression calibration: a posed smile and sad face after the neutral calibration."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from mimicry.core.errors import ConfigError
from mimicry.io.formats import EVENT_KINDS, parse_detail
from mimicry.io.tables import read_events, write_events
from mimicry.protocol.load import SHIPPED_PROTOCOLS, load_protocol, parse_protocol
from mimicry.protocol.model import EXPRESSION_PROMPTS, RELAX_PROMPT
from mimicry.protocol.schedule import build_schedule
from mimicry.protocol.timeline import trials_from_events
from mimicry.simulate.expression import participant_expression, posed_trials
from mimicry.stimulus.face import Expression

BASE = """schema_version = 1
name = "t"
[calibration]
duration_s = 5.0
{cal}
[trials]
per_condition = 1
stimulus_s = 2.0
morph_s = 0.5
iti_s = 1.0
iti_jitter_s = 0.0
"""


def _proto(cal: str = ""):
    return parse_protocol(BASE.format(cal=cal), source="<t>")


def test_keys_parse_and_default_to_off():
    off = _proto()
    assert off.expressions == () and off.expression_calibration_s == 0.0
    on = _proto('expressions = ["smile", "sad"]\nexpression_s = 5\nexpression_relax_s = 2.5')
    assert on.expressions == ("smile", "sad")
    assert on.expression_s == 5.0 and on.expression_relax_s == 2.5
    assert on.expression_calibration_s == pytest.approx(15.0)
    assert _proto('expressions = ["sad"]').expression_s == 4.0  # defaults 4 s and 3 s
    assert _proto('expressions = ["sad"]').expression_relax_s == 3.0
    assert _proto("expressions = []").expressions == ()
    # The durations include it.
    for attr in ("expected_duration_s", "min_duration_s", "max_duration_s"):
        assert getattr(on, attr) == pytest.approx(getattr(off, attr) + 15.0)
    assert on.without_expressions().expected_duration_s == pytest.approx(off.expected_duration_s)


@pytest.mark.parametrize("cal, match", [
    ('expressions = ["grin"]', r"'\[calibration\] expressions'.*'smile', 'sad'.*'grin'"),
    ('expressions = "smile"', r"\[calibration\] expressions must be a list of names from "
                              r"\"smile\", \"sad\""),
    ("expressions = [1]", r"\[calibration\] expressions must be a list"),
    ('expressions = ["smile", "smile"]', r"\[calibration\] expressions must be a list without "
                                         r"repeats"),
    ("expression_s = 0.5", r"\[calibration\] expression_s must be a number from 1 to 30, got 0.5"),
    ("expression_s = 31", r"\[calibration\] expression_s must be a number from 1 to 30"),
    ('expression_s = "4"', r"\[calibration\] expression_s must be a number"),
    ("expression_relax_s = -1", r"\[calibration\] expression_relax_s must be a number from 0"),
    ("expression_relax_s = true", r"\[calibration\] expression_relax_s must be"),
    ("expresions = []", r"unknown key \[calibration\] expresions \(did you mean 'expressions'"),
])
def test_bad_values_are_one_clear_line(cal, match):
    with pytest.raises(ConfigError, match=match) as err:
        _proto(cal)
    msg = str(err.value)
    assert "\n" not in msg and msg.startswith("protocol <t>")


def test_shipped_protocols_that_have_it():
    on = {n for n in SHIPPED_PROTOCOLS if load_protocol(n).expressions}
    assert on == {"default", "classroom", "groups"}
    for n in on:
        p = load_protocol(n)
        assert p.expressions == ("smile", "sad")
        assert p.expression_s == 4.0 and p.expression_relax_s == 3.0


def test_schedule_events_and_phases():
    p = load_protocol("default")
    s = build_schedule(p, 5)
    c1 = p.calibration_s
    smile, sad = s.expressions
    assert (smile.expression, smile.start_s, smile.end_s, smile.relax_end_s) == (
        "smile", c1, c1 + 4.0, c1 + 7.0)
    assert (sad.expression, sad.start_s, sad.end_s, sad.relax_end_s) == (
        "sad", c1 + 7.0, c1 + 11.0, c1 + 14.0)
    ev = s.events()
    kinds = [e.event for e in ev]
    assert kinds[:7] == ["session_start", "calibration_start", "calibration_end",
                         "expression_start", "expression_end", "expression_start",
                         "expression_end"]
    assert [(e.t, parse_detail(e.detail)) for e in ev[3:7]] == [
        (c1, {"expression": "smile"}), (c1 + 4.0, {"expression": "smile"}),
        (c1 + 7.0, {"expression": "sad"}), (c1 + 11.0, {"expression": "sad"})]
    assert {"expression_start", "expression_end"} <= set(EVENT_KINDS)
    # The first trial's interval starts after the last relax.
    assert s.trials[0].onset_s >= sad.relax_end_s + p.iti_s - p.iti_jitter_s - 1e-9
    assert s.phase(c1 - 0.01) == ("calibration", None)
    for t in (c1, c1 + 3.9, c1 + 5.0, c1 + 8.0, c1 + 13.99):
        assert s.phase(t) == ("expression", None)
    assert s.phase(c1 + 14.0)[0] == "iti"
    assert s.expression_step(c1 + 1.0) is smile and s.expression_step(c1 + 6.0) is smile
    assert s.expression_step(c1 + 7.0) is sad and s.expression_step(c1 + 14.0) is None
    assert s.expression_step(1.0) is None


def test_events_round_trip_through_events_csv(tmp_path):
    s = build_schedule(load_protocol("classroom"), 2)
    write_events(tmp_path / "events.csv", s.events())
    back = read_events(tmp_path / "events.csv")
    assert back == s.events()
    assert tuple(trials_from_events(back)) == s.trials  # trial readers skip the new events


def test_skipping_removes_the_step_and_shortens_the_session():
    p = load_protocol("default")
    full, short = build_schedule(p, 9), build_schedule(p.without_expressions(), 9)
    assert short.expressions == ()
    assert not {"expression_start", "expression_end"} & {e.event for e in short.events()}
    assert full.duration_s - short.duration_s == pytest.approx(p.expression_calibration_s)
    # The same trial order and faces, only later.
    assert [(t.condition, t.stimulus_id) for t in full.trials] == \
        [(t.condition, t.stimulus_id) for t in short.trials]
    assert short.phase(p.calibration_s + 1.0)[0] == "iti"


def test_duration_limits_hold_with_it():
    for name in ("default", "classroom"):
        p = load_protocol(name)
        for seed in range(10):
            d = build_schedule(p, seed).duration_s
            assert p.min_duration_s - 1e-6 <= d <= p.max_duration_s + 1e-6
    assert load_protocol("default").max_duration_s <= 240


def test_the_screen_shows_the_instruction_big_and_no_face():
    from mimicry.stimulus.track import StimulusTrack

    s = build_schedule(load_protocol("default"), 1)
    smile, sad = s.expressions
    track = StimulusTrack(s, size_px=240, seed=1)
    bg = np.asarray(s.protocol.display.background_rgb, np.uint8)
    times = {"smile": smile.start_s + 1, "relax": smile.end_s + 1, "sad": sad.start_s + 1,
             "cal": 1.0}
    frames = {k: track.frame(t) for k, t in times.items()}
    for k, img in frames.items():
        assert img.shape == (240, 240, 3)
        drawn = np.any(img != bg, axis=2)
        assert drawn.any(), k
        # Plain background with text: no face (a face fills most of the frame).
        assert drawn.mean() < 0.2, k

    # Big text: much more ink than the calibration screen's small line.
    def ink(k):
        return np.any(frames[k] != bg, axis=2).sum()

    assert ink("smile") > 2 * ink("cal")
    assert not np.array_equal(frames["smile"], frames["sad"])
    assert not np.array_equal(frames["smile"], frames["relax"])
    assert set(EXPRESSION_PROMPTS) == {"smile", "sad"} and RELAX_PROMPT


def test_demo_participant_poses_the_step():
    s = build_schedule(load_protocol("default"), 4)
    smile, sad = s.expressions
    d = 0.6
    for gain in (1.0, 0.0, -1.0):  # posing is not mimicry: whatever the gain
        e = participant_expression(s, (smile.start_s + smile.end_s) / 2 + d, d, gain)
        assert e.happy == pytest.approx(1.0) and e.sad == 0.0
        e = participant_expression(s, (sad.start_s + sad.end_s) / 2 + d, d, gain)
        assert e.sad == pytest.approx(1.0) and e.happy == 0.0
    # Back to neutral in the relaxes, before the first instruction and after the step.
    assert participant_expression(s, smile.end_s + d + 0.01, d, 1.0) == Expression()
    assert participant_expression(s, smile.start_s + d - 0.01, d, 1.0) == Expression()
    assert participant_expression(s, sad.relax_end_s - 0.1, d, 1.0) == Expression()
    # Pure: the same inputs, the same face; noise still applies.
    t = smile.start_s + 2.0
    assert participant_expression(s, t, d, 1.0, 0.2, 3) == participant_expression(s, t, d, 1.0,
                                                                                  0.2, 3)
    # Without the step the participant does not pose.
    short = replace(s, expressions=())
    assert participant_expression(short, t, d, 1.0) == Expression()
    assert [tr.condition for tr in posed_trials(s.expressions)] == ["happy", "sad"]


def test_live_demo_source_poses_what_it_watches():
    from mimicry.simulate.live_demo import DemoParticipantSource

    s = build_schedule(load_protocol("classroom"), 2)
    smile = s.expressions[0]
    src = DemoParticipantSource(realtime=False, size_px=96, noise=0.0, fps=2.0)
    src.watch(s)
    assert src._trials and len(src._poses) == 2
    seen = []

    def spy(t, expr):
        seen.append((t, expr))
        return np.zeros((96, 96, 3), np.uint8)

    src._animator.frame = spy
    src._index = int((smile.start_s + 2.0) * src.fps)
    src.read()
    assert seen[-1][1].happy == pytest.approx(1.0)
    src.close()

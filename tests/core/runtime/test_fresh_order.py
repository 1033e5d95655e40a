"""Every recording draws its own trial order, logged with the session, unless a seed is asked for."""

from mimicry.io.formats import parse_detail
from mimicry.runtime.plan import SessionRequest, plan_session


def _order(plan):
    return [t.condition for t in plan.schedule.trials]


def test_two_recordings_of_a_protocol_have_different_orders():
    a = plan_session(SessionRequest(source="demo", protocol="default"))
    b = plan_session(SessionRequest(source="demo", protocol="default"))
    assert a.schedule.seed != b.schedule.seed
    assert _order(a) != _order(b)
    start = next(e for e in a.events if e.event == "session_start")
    detail = parse_detail(start.detail)
    assert int(detail["seed"]) == a.schedule.seed
    assert detail["design_conditions"] == "happy|sad|neutral" and detail["design_blocks"] == "2"


def test_a_seed_asked_for_repeats_the_order():
    a = plan_session(SessionRequest(source="demo", protocol="classroom", seed=42))
    b = plan_session(SessionRequest(source="demo", protocol="classroom", seed=42))
    assert a.schedule.seed == b.schedule.seed == 42 and _order(a) == _order(b)

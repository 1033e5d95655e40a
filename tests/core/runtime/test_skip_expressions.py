"""Skipping the expression calibration: one SessionRequest flag for the CLI and the app."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from mimicry.commands.main import main
from mimicry.runtime.plan import SessionRequest, plan_session
from mimicry.runtime.settings import AppSettings, load_settings, save_settings


def _kinds(plan) -> list[str]:
    return [e.event for e in plan.events]


def test_the_request_flag_removes_the_step_from_the_plan():
    full = plan_session(SessionRequest(source="demo", protocol="default", seed=3))
    short = plan_session(SessionRequest(source="demo", protocol="default", seed=3,
                                        expression_calibration=False))
    assert _kinds(full).count("expression_start") == 2
    assert "expression_start" not in _kinds(short) and "expression_end" not in _kinds(short)
    assert short.schedule.expressions == () and short.protocol.expressions == ()
    assert full.duration_s - short.duration_s == pytest.approx(14.0)
    assert short.calibration == full.calibration
    assert [t.condition for t in short.trials] == [t.condition for t in full.trials]
    # A protocol without the step is unchanged either way.
    q = plan_session(SessionRequest(source="demo", protocol="quick", seed=1,
                                    expression_calibration=False))
    assert q.duration_s == plan_session(SessionRequest(source="demo", protocol="quick",
                                                       seed=1)).duration_s


class _FakeSession:
    """Stands in for the runtime Session: records the plan, runs nothing."""

    made: list = []

    def __init__(self, plan, options, open_source, observers=()):
        self.plan, self.options = plan, options
        self.folder = Path(options.out_root) / "s"
        self.runner = None
        _FakeSession.made.append(self)

    def open(self):
        pass

    def run(self):
        return SimpleNamespace(status="complete", n_frames=0)

    def close(self):
        pass


@pytest.mark.parametrize("flag, expected", [([], True), (["--skip-expressions"], False)])
def test_record_skip_expressions(flag, expected, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr("mimicry.runtime.record.Session", _FakeSession)
    _FakeSession.made.clear()
    rc = main(["record", "--source", "demo", "--protocol", "default", "--seed", "2",
               "--no-display", "--out", str(tmp_path), *flag])
    assert rc == 0
    plan = _FakeSession.made[-1].plan
    assert plan.request.expression_calibration is expected
    assert bool(plan.schedule.expressions) is expected
    assert ("expression_start" in _kinds(plan)) is expected
    full = plan_session(SessionRequest(source="demo", protocol="default", seed=2))
    assert plan.duration_s == pytest.approx(full.duration_s - (0.0 if expected else 14.0))


def test_session_json_records_whether_it_ran():
    from mimicry.runtime.session import Session, SessionOptions

    source = SimpleNamespace(kind="demo", describe=lambda: {"kind": "demo"})
    for flag in (True, False):
        plan = plan_session(SessionRequest(source="demo", protocol="classroom", seed=1,
                                           expression_calibration=flag))
        session = Session(plan, SessionOptions(), lambda: source)
        session.source = source
        meta = session.session_meta()
        assert meta["expression_calibration"] is flag
        json.dumps(meta)
    quick = plan_session(SessionRequest(source="demo", protocol="quick"))
    session = Session(quick, SessionOptions(), lambda: source)
    session.source = source
    assert session.session_meta()["expression_calibration"] is False
    free = plan_session(SessionRequest(source="demo", protocol="free-run"))
    session = Session(free, SessionOptions(), lambda: source)
    session.source = source
    assert session.session_meta()["expression_calibration"] is False


def test_the_app_setting_is_remembered(tmp_path):
    path = tmp_path / "app.json"
    assert AppSettings().expression_calibration is True
    assert save_settings(AppSettings(expression_calibration=False), path) is None
    loaded, problem = load_settings(path)
    assert problem is None and loaded.expression_calibration is False
    # A settings file from before this option still loads, with it on.
    path.write_text(json.dumps({"schema_version": 1, "protocol": "default"}), encoding="utf-8")
    loaded, problem = load_settings(path)
    assert problem is None and loaded.expression_calibration is True
    path.write_text(json.dumps({"schema_version": 1, "expression_calibration": "no"}),
                    encoding="utf-8")
    loaded, problem = load_settings(path)
    assert "'expression_calibration' must be a bool" in problem

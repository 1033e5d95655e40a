"""The activity registry, the protocol's ``activity`` key, and a renamed protocol file changing nothing."""

import json
import shutil

import pytest

from mimicry.activities.base import Activity
from mimicry.activities.registry import activity_names, get_activity
from mimicry.core.activities import ACTIVITIES, ACTIVITY_NAMES, detect_activity
from mimicry.core.errors import ConfigError, InputError
from mimicry.protocol.load import SHIPPED_PROTOCOLS, load_protocol, parse_protocol, shipped_protocol_path


@pytest.mark.parametrize("name", ACTIVITY_NAMES)
def test_every_registered_activity_loads_under_its_name(name):
    act = get_activity(name)
    assert isinstance(act, Activity) and act.name == name and act.title
    assert act.live is not None


def test_registry_is_lazy_and_names_an_unknown_activity():
    assert activity_names() == tuple(ACTIVITIES)
    with pytest.raises(InputError, match="Allowed values are 'dyad', .* but got 'smile' instead"):
        get_activity("smile")


def test_shipped_protocols_name_their_activity():
    assert load_protocol("yawn").activity == "yawn"
    assert load_protocol("no_smile").activity == "no_smile"
    assert {load_protocol(n).activity for n in SHIPPED_PROTOCOLS} - {None} == {"yawn", "no_smile"}


def test_a_bad_activity_is_refused_with_the_allowed_names():
    text = 'schema_version = 1\nactivity = "no_smiles"\n'
    with pytest.raises(ConfigError, match="'activity'.* Allowed values are 'dyad', 'yawn', "
                                          "'no_smile', 'capture', but got 'no_smiles' instead"):
        parse_protocol(text)


def test_detection_of_old_sessions():
    assert detect_activity(["happy"], "no_smile") == "no_smile"
    assert detect_activity(["yawn", "talk"], "whatever") == "yawn"
    assert detect_activity([], None, two_faces_without_trials=True) == "dyad"
    assert detect_activity(["happy", "sad"], "default") is None


def test_renamed_protocol_file_changes_nothing(tmp_path):
    from mimicry.protocol.schedule import build_schedule
    from mimicry.runtime.plan import SessionRequest, schedule_plan

    src = shipped_protocol_path("no_smile").read_text()
    renamed = tmp_path / "keep_a_straight_face.toml"
    renamed.write_text(src.replace('name = "no_smile"', 'name = "straight_face"'))
    proto = load_protocol(renamed)
    assert proto.name == "straight_face" and proto.activity == "no_smile"
    plan = schedule_plan(SessionRequest(source="demo", protocol=str(renamed)), proto,
                         build_schedule(proto))
    assert plan.demo_mode == "no_smile"


def test_recorded_activity_wins_over_the_protocol_name(tmp_path, no_smile_copy):
    """A session of a renamed no_smile protocol is analysed as the game, by its recorded activity."""
    from mimicry.runtime.analyze import analyze_any_folder, analyze_demo_folder

    folder = no_smile_copy(tmp_path / "renamed", protocol="straight_face", activity="no_smile")
    demo = analyze_demo_folder(folder)
    assert demo is not None and demo.kind == "no_smile"
    # Without the recorded activity, the old rule (protocol name) applies: an ordinary session.
    folder = no_smile_copy(tmp_path / "old", protocol="straight_face", activity=None)
    assert analyze_demo_folder(folder) is None
    text, written = analyze_any_folder(folder)
    assert "summary.json" in {p.name for p in written}


@pytest.fixture
def no_smile_copy(no_smile_session):
    """Copies of the tracked no_smile session with another protocol name and activity."""
    def make(folder, protocol, activity):
        shutil.copytree(no_smile_session, folder)
        meta_path = folder / "session.json"
        meta = json.loads(meta_path.read_text())
        meta.pop("activity", None)
        if activity is not None:
            meta["activity"] = activity
        meta["protocol"] = protocol
        meta_path.write_text(json.dumps(meta))
        ev = folder / "events.csv"
        ev.write_text(ev.read_text().replace("protocol=no_smile", f"protocol={protocol}"))
        for out in ("summary.json", "trials.csv"):
            (folder / out).unlink(missing_ok=True)
        return folder
    return make

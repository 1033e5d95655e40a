"""The app's remembered settings: a validated JSON file, never silently patched up."""

from __future__ import annotations

import json

from mimicry.runtime.settings import (SETTINGS_SCHEMA_VERSION, AppSettings, load_settings,
                                      save_settings, settings_path)


def test_settings_round_trip(tmp_path):
    path = tmp_path / "app.json"
    s = AppSettings(source="demo", protocol="classroom", out_dir="/data/sessions",
                    participant="p07", record=True, classroom=True)
    assert save_settings(s, path) is None
    loaded, problem = load_settings(path)
    assert problem is None and loaded == s
    assert json.loads(path.read_text())["schema_version"] == SETTINGS_SCHEMA_VERSION


def test_bad_settings_are_not_silently_patched(tmp_path):
    path = tmp_path / "app.json"
    for content, words in [
        ("{not json", "settings not used"),
        (json.dumps({"schema_version": 1, "source": 0}), "'source' must be a str"),
        (json.dumps({"schema_version": 1, "camera": "0"}), "unknown setting 'camera'"),
        (json.dumps({"schema_version": 99}), "schema_version must be 1"),
    ]:
        path.write_text(content, encoding="utf-8")
        loaded, problem = load_settings(path)
        assert loaded == AppSettings()
        assert words in problem, problem


def test_settings_live_in_the_config_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("MIMICRY_CONFIG_DIR", str(tmp_path / "config"))
    assert settings_path() == tmp_path / "config" / "app.json"

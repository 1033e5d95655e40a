"""The setup screen: cameras (missing or busy), the demo offered, settings remembered."""

from __future__ import annotations

from PyQt6.QtCore import Qt

from mimicry.runtime.settings import AppSettings, settings_path


def test_missing_camera_offers_the_demo(make_window, qtbot, tmp_path):
    # Camera 9 is never there (the probe tries 0-3, and 9 does not open either).
    out = tmp_path / "sessions"
    w = make_window(settings=AppSettings(source="9", protocol="quick", out_dir=str(out)),
                    explicit_source=True)
    assert w.setup.cameras is not None  # probed off the UI thread
    assert w.setup.source_spec() == "9"
    assert w.setup.camera_banner.isVisibleTo(w) and "Camera 9 did not open" in \
        w.setup.camera_banner.text()
    assert w.setup.use_demo.isVisibleTo(w)

    # Starting anyway: a clear message in the window, not a crash, and the demo offered.
    with qtbot.waitSignal(w.session_failed, timeout=15000) as failed:
        w.setup.request_start()
    assert failed.args[1] == "camera"
    assert w.stack.currentWidget() is w.setup
    assert w.lbl_source.text() == "", "no 'Starting…' left after the camera failed"
    assert "camera 9" in w.setup.camera_banner.text().lower()
    assert w.setup.use_demo.isVisibleTo(w)
    assert not out.exists() or not list(out.iterdir()), "no empty session folder is left"
    qtbot.mouseClick(w.setup.use_demo, Qt.MouseButton.LeftButton)
    assert w.setup.source_spec() == "demo"


def test_no_camera_at_all_selects_the_demo(make_window, qtbot, monkeypatch):
    monkeypatch.setattr("mimicry.runtime.diagnostics.probe_cameras", lambda n=4, frames=10: [])
    w = make_window(settings=AppSettings(source="0"))
    assert w.setup.source_spec() == "demo"
    assert "No camera was found" in w.setup.camera_banner.text()


def test_bad_protocol_file_is_reported_in_the_window(make_window, qtbot, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("schema_version = 1\n[trials]\nper_condition = 0\n", encoding="utf-8")
    w = make_window()
    w.setup.set_protocol(str(bad))
    w.setup.choose_demo()
    w.setup.request_start()
    assert w.stack.currentWidget() is w.setup
    assert w.setup.error.isVisibleTo(w) and "per_condition" in w.setup.error.text()
    assert w.worker is None


def test_bad_settings_file_is_reported_in_the_status_bar(make_window, qtbot, tmp_path):
    settings_path().parent.mkdir(parents=True)
    settings_path().write_text("{oops", encoding="utf-8")
    from mimicry_app.main import options_from_args
    import argparse

    opts = options_from_args(argparse.Namespace())
    assert opts.settings == AppSettings() and opts.settings_problem
    w = make_window(settings=opts.settings, settings_problem=opts.settings_problem)
    assert "settings not used" in w.statusBar().currentMessage()


def test_expression_checkbox_goes_into_the_request_and_is_remembered(make_window, qtbot):
    from mimicry.runtime.settings import load_settings, save_settings

    w = make_window()
    box = w.setup.expressions
    assert box.text() == "Ask for a wide smile and a sad face first"
    assert box.isChecked() and box.isVisibleTo(w)  # on by default
    assert w.setup.request().expression_calibration is True
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton)
    assert not box.isChecked()
    assert w.setup.request().expression_calibration is False
    assert w.setup.settings().expression_calibration is False
    assert save_settings(w.setup.settings()) is None
    assert load_settings()[0].expression_calibration is False
    # The next start of the app remembers it.
    w2 = make_window(settings=load_settings()[0])
    assert not w2.setup.expressions.isChecked()

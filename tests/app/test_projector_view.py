"""The projector's live response: traces and meter beside the faces; the camera only when chosen."""

from __future__ import annotations

from mimicry.runtime.settings import FREE_RUN


def test_projector_shows_the_live_response_and_the_camera_only_when_chosen(
        make_window, qtbot, wait_started, tiny_protocol, tmp_path, monkeypatch):
    monkeypatch.setattr("mimicry.runtime.freerun.TEMPLATE_PROTOCOL", str(tiny_protocol))
    monkeypatch.setattr("mimicry.runtime.freerun.FREE_RUN_CALIBRATION_S", 1.0)
    w = make_window()
    w.setup.participant.setText("class")
    w.setup.set_protocol(FREE_RUN)
    w.setup.choose_demo()
    w.setup.out_dir.setText(str(tmp_path))
    w.setup.classroom.setChecked(True)
    proj = w.classroom.projector
    assert proj is not None  # tests/app/two_screens.json: a projector screen
    assert w.act_project_response.isEnabled()
    w.act_project_response.trigger()
    w.act_project_camera.trigger()  # chosen before the session: reset at its start
    w.setup.request_start()
    wait_started(w)
    panel = proj.response
    assert panel.isVisible() and not w.act_project_camera.isChecked()
    qtbot.waitUntil(lambda: w.live.camera.face_found, timeout=20000)
    # The traces reach the projector; the camera picture does not.
    qtbot.waitUntil(lambda: len(panel.plots._buf) > 10, timeout=20000)
    assert not panel.camera.isVisible() and panel.camera._image is None
    # Turned on for this session: the picture is projected.
    w.act_project_camera.trigger()
    qtbot.waitUntil(lambda: panel.camera._image is not None, timeout=20000)
    assert panel.camera.isVisible()
    # Off again: hidden and its last picture dropped.
    w.act_project_camera.trigger()
    assert not panel.camera.isVisible() and panel.camera._image is None
    w.stop_session()
    qtbot.waitUntil(lambda: w.state == "results", timeout=60000)

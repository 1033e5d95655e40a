"""The results screen's report button and self-rating question (offscreen)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PyQt6.QtCore import Qt


def _session_folder(folder: Path) -> Path:
    """A simulated session folder (signal-level virtual participant, gain 1), analysed."""
    from mimicry.simulate.signal import VirtualParticipant, make_schedule, simulate_frames
    from mimicry.core.channels import CHANNELS
    from mimicry.io.formats import format_cell, open_csv_writer
    from mimicry.io.tables import write_events
    from mimicry_app.worker import analyze_folder

    sch = make_schedule(4, seed=2)
    frames = simulate_frames(sch.trials, VirtualParticipant(gain=1.0), seed=3)
    folder.mkdir()
    fh, w = open_csv_writer(folder / "frames.csv", ("t", "frame", "face_id", "face_detected")
                            + CHANNELS)
    with fh:
        for i in range(len(frames)):
            w.writerow([f"{frames.t[i]:.4f}", str(i), "0",
                        "1" if frames.face_detected[i] else "0"]
                       + [format_cell(float(frames.channels[c][i])) for c in CHANNELS])
    write_events(folder / "events.csv", sch.events)
    (folder / "session.json").write_text(json.dumps(
        {"schema_version": 1, "status": "complete", "participant": "p09"}))
    text = analyze_folder(folder)
    return folder, text


def _outcome(folder, text):
    from mimicry_app.bridge import SessionOutcome

    return SessionOutcome(status="complete", folder=folder, n_frames=100, dropped=0,
                          summary_text=text)


def test_report_button_writes_and_opens_the_report(results_page, qtbot, tmp_path, monkeypatch):
    folder, text = _session_folder(tmp_path / "s")
    opened = []
    monkeypatch.setattr("mimicry_app.results.QDesktopServices.openUrl",
                        lambda url: opened.append(url.toLocalFile()))
    page = results_page
    page.show_outcome(_outcome(folder, text), "p09")
    assert page.report_button.isEnabled()
    # The empathy question (SITES, 1-5): optional, saved into session.json when clicked.
    assert "I am an empathetic person" in page.rating_question.text()
    assert len(page.rating_buttons) == 5
    assert all(b.isEnabled() and not b.isChecked() for b in page.rating_buttons)
    qtbot.mouseClick(page.rating_buttons[3], Qt.MouseButton.LeftButton)
    meta = json.loads((folder / "session.json").read_text())
    sites = meta["questionnaires"]["sites"]
    assert sites["score"] == 4 and sites["answers"] == {"empathetic": 4}
    assert meta["participant"] == "p09" and "self_rating" not in meta
    assert "Saved: 4 of 5" in page.rating_status.text()
    with qtbot.waitSignal(page.report_ready, timeout=60000) as sig:
        qtbot.mouseClick(page.report_button, Qt.MouseButton.LeftButton)
        assert not page.report_button.isEnabled()  # one report at a time
    path, problem = sig.args
    assert problem == "" and Path(path) == folder / "report.html"
    assert opened == [str(folder / "report.html")]
    html = Path(path).read_text(encoding="utf-8")
    assert "Mimicry report — p09" in html and "4 of 5" in html  # the answer just given
    assert page.report_button.isEnabled() and page.report_button.text() == "Open report"
    # A new outcome clears the rating buttons.
    page.show_outcome(_outcome(folder, text), "p09")
    assert not any(b.isChecked() for b in page.rating_buttons)


def test_report_without_a_browser_says_where_it_is(results_page, qtbot, tmp_path, monkeypatch):
    """No browser opened the report: the page says where the file is and copies its path."""
    from PyQt6.QtGui import QGuiApplication

    folder, text = _session_folder(tmp_path / "s")
    monkeypatch.setattr("mimicry_app.results.QDesktopServices.openUrl", lambda url: False)
    page = results_page
    page.show_outcome(_outcome(folder, text), "p09")
    assert not page.copy_button.isVisible()
    with qtbot.waitSignal(page.report_ready, timeout=60000):
        qtbot.mouseClick(page.report_button, Qt.MouseButton.LeftButton)
    report = str(folder / "report.html")
    assert page.status.isVisible() and report in page.status.text()
    assert "no web browser opened it" in page.status.text()
    assert page.copy_button.isVisible()
    qtbot.mouseClick(page.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == report


def test_report_problem_is_shown_not_raised(results_page, qtbot, tmp_path, monkeypatch):
    folder, text = _session_folder(tmp_path / "s")
    monkeypatch.setattr("mimicry_app.results.QDesktopServices.openUrl",
                        lambda url: pytest.fail("nothing to open"))
    page = results_page
    page.show_outcome(_outcome(folder, text), "p09")
    (folder / "frames.csv").unlink()
    with qtbot.waitSignal(page.report_ready, timeout=60000) as sig:
        qtbot.mouseClick(page.report_button, Qt.MouseButton.LeftButton)
    assert sig.args[0] == "" and "frames.csv" in sig.args[1]
    assert page.status.isVisible() and "could not be written" in page.status.text()


def test_no_folder_no_report_and_no_rating(results_page):
    from mimicry_app.bridge import SessionOutcome

    page = results_page
    page.show_outcome(SessionOutcome(status="complete", folder=None, n_frames=10, dropped=0),
                      "demo")
    assert not page.report_button.isEnabled()
    assert not any(b.isEnabled() for b in page.rating_buttons)

"""What a new teacher meets first: keys on the setup page, the toolbar, the meter, the results.

Each test here is a defect a teacher hit in front of a class (issue: "ready for
thirty people on the first try"), checked as they would meet it.
"""

from __future__ import annotations

import math

from PyQt6.QtCore import Qt

from mimicry.runtime.readings import DASH, MeterReading


def test_space_starts_from_the_participant_field(make_window, qtbot, tiny_protocol, tmp_path):
    """The button says "Start (Space)": Space must start even while the name is being typed."""
    w = make_window()
    page = w.setup
    page.set_protocol(str(tiny_protocol))
    page.choose_demo()
    page.out_dir.setText(str(tmp_path))
    page.record.setChecked(False)
    w.show_setup()
    page.participant.clear()
    qtbot.keyClicks(page.participant, "ana")
    # Clicking a box leaves the keyboard focus in the name field, so Space still starts.
    qtbot.mouseClick(page.expressions, Qt.MouseButton.LeftButton)
    assert page.participant.hasFocus()
    with qtbot.waitSignal(page.start_requested, timeout=5000) as started:
        qtbot.keyClick(page.participant, Qt.Key.Key_Space)
    assert page.participant.text() == "ana", "Space did not type into the name"
    assert started.args[0].participant == "ana"
    assert w.stack.currentWidget() is w.live
    w.stop_session()
    qtbot.waitUntil(lambda: w.state in ("results", "setup"), timeout=30000)


def test_classroom_toggle_and_checkbox_are_one_setting(make_window):
    w = make_window()
    w.act_classroom.trigger()
    assert w.classroom.enabled and w.setup.classroom.isChecked()
    w.setup.classroom.setChecked(False)
    assert not w.classroom.enabled and not w.act_classroom.isChecked()


def test_classroom_on_one_screen_makes_the_text_large(make_window, monkeypatch):
    """No projector: everyone reads this window, so classroom mode enlarges its text."""
    from mimicry_app import classroom, theme

    monkeypatch.setattr(classroom, "available_screens", lambda: [])
    w = make_window()
    before = w.live.meter.number.font().pointSize(), theme.pt(theme.BASE_FONT_PT)
    w.toggle_classroom(True)
    try:
        assert not w.classroom.projecting and w.large_text and w.act_large_text.isChecked()
        assert theme.pt(theme.BASE_FONT_PT) == round(theme.BASE_FONT_PT * theme.LARGE_TEXT_SCALE)
        # Labels and plot axes follow at once.
        assert f"font-size: {theme.pt(theme.METER_NUMBER_PT - 12)}pt" in \
            w.live.meter.number.styleSheet()
        tick = w.live.plots.face_plot.getAxis("left").style["tickFont"]
        assert tick.pointSize() == theme.pt(theme.PLOT_TICK_PT) > theme.PLOT_TICK_PT
        assert f"{theme.pt(theme.BASE_FONT_PT + 2)}pt" in w.results.summary.styleSheet()
    finally:
        w.toggle_large_text(False)
    assert theme.pt(theme.BASE_FONT_PT) == before[1]
    assert f"font-size: {theme.METER_NUMBER_PT - 12}pt" in w.live.meter.number.styleSheet()


def _reading(**kw) -> MeterReading:
    base = dict(n_trials=4, index=0.21, index_text="+0.21", chance_text="", lag_s=math.nan,
                lag_text=DASH, conclusion="pending", last_trial_text="Trial 4 (happy): smile rose.",
                last_condition="happy", final=False, ci_low=0.05, ci_high=0.37,
                verdict_text="Verdict after all 9 faces", detail_text="95% interval ...",
                last_short_text="Trial 4 (happy): smile rose.")
    base.update(kw)
    return MeterReading(**base)


def test_meter_verdict_is_as_visible_as_the_number(make_window):
    from mimicry_app import theme

    w = make_window()
    m = w.live.meter
    m.show_reading(_reading())
    assert m.verdict.text() == "Verdict after all 9 faces" and not m.verdict.isHidden()
    verdict_pt = m.verdict.font().pointSize()
    assert verdict_pt >= theme.HEADING_PT + 4, verdict_pt
    # The number has a scale: the interval is drawn around it, zero is marked.
    assert (m.scale.estimate, m.scale.low, m.scale.high) == (0.21, 0.05, 0.37)
    assert m.scale.limit >= 0.37 and "0\N{EN DASH}1" in m.unit.text()
    assert m.lag.isHidden()  # no delay until its test passed on enough faces
    m.show_reading(_reading(lag_s=0.6, lag_text="0.6 s"))
    assert not m.lag.isHidden() and "0.6 s" in m.lag.text()
    m.show_reading(_reading(final=True, conclusion="too_short",
                            verdict_text="Too short to conclude"))
    assert m.verdict.text() == "Too short to conclude" and m.conclusion == "too_short"


def test_live_delay_waits_for_enough_faces():
    """One face is not enough to state a delay, whatever the lag test says."""
    from types import SimpleNamespace

    from mimicry.runtime.readings import LAG_MIN_PER_CONDITION, reading_from_update

    def update(n_happy, n_sad):
        prim = SimpleNamespace(estimate=0.2, ci_low=0.1, ci_high=0.3, n={"happy": n_happy,
                               "sad": n_sad}, p_value=0.01, p_floor=0.001, mde=0.05)
        trial = SimpleNamespace(trial=1, condition="happy", valid=True,
                                responded=lambda ch: True, invalid_reason="")
        return SimpleNamespace(primary=prim, final=False, planned_trials=12, trial=trial,
                               n_trials=n_happy + n_sad, conclusion="pending",
                               responded={})

    lag = SimpleNamespace(peak_lag_s=0.6)
    assert reading_from_update(update(1, 0), lag).lag_text == DASH
    n = LAG_MIN_PER_CONDITION
    assert reading_from_update(update(n - 1, n), lag).lag_text == DASH
    assert reading_from_update(update(n, n), lag).lag_text == "0.6 s"


def _summary(**kw) -> dict:
    s = {"conclusion": "not_distinguishable_from_chance", "p_value": 0.31, "p_floor": 0.0002,
         "mde_80": 0.08, "primary": {"estimate": 0.03, "ci95": [-0.04, 0.10]},
         "n_valid_by_condition": {"happy": 3, "sad": 3, "neutral": 3},
         "tracked_fps": 27.0, "tracked_fps_ok": True, "parameters": {}}
    s.update(kw)
    return s


def test_results_show_the_estimate_and_its_verdict(results_page):
    from mimicry.analysis.summary import VERDICT_WORDS
    from mimicry_app.bridge import SessionOutcome

    page = results_page
    page.show_outcome(SessionOutcome(status="complete", folder=None, n_frames=900, dropped=0,
                                     summary_text="Some text.", summary=_summary()), "p01")
    card = page.verdict
    assert card.isVisible() and card.number.text() == "+0.03"
    assert card.verdict.text() == VERDICT_WORDS["not_distinguishable_from_chance"]
    assert "could see a difference of 0.08" in card.detail.text()
    assert not page.status.isVisible()


def test_results_warn_when_the_computer_could_not_keep_up(results_page):
    from mimicry_app.bridge import SessionOutcome

    page = results_page
    page.show_outcome(SessionOutcome(status="complete", folder=None, n_frames=224, dropped=1242,
                                     summary_text="Some text.",
                                     summary=_summary(tracked_fps=4.1, tracked_fps_ok=False)),
                      "p01")
    assert page.status.isVisible()
    assert "Only 4.1 frames a second were tracked" in page.status.text()


def test_curve_key_counts_agree_with_the_analysis():
    from types import SimpleNamespace

    from mimicry_app.curves import curves_key

    curves = SimpleNamespace(n_trials={"happy": 2, "sad": 3})
    key = curves_key(curves, {"happy": 3, "sad": 3})
    assert "happy faces (2 of the 3 usable)" in key and "sad faces (3)" in key

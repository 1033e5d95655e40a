"""The result pictures: the yawn chart, the two-person cross-correlation, and picture_for.

The summaries are made by really running the analyses, on signals rather than
on rendered and tracked videos (that takes minutes): the yawn test
(:func:`~mimicry.activities.yawn.analysis.analyze_yawns`) on a jaw-opening
trace with yawns placed after chosen trials, and the dyad analysis
(:func:`~mimicry.activities.dyad.analysis.analyze_dyad_arrays`) on two valence
series as in ``tests/core/activities/test_dyad.py``; the dicts are the ones
``summary.json`` holds (:func:`yawn_summary_dict`, :func:`dyad_summary_dict`).
"""

from __future__ import annotations

import numpy as np
import pytest

from mimicry.activities.dyad.analysis import DyadConfig, analyze_dyad_arrays
from mimicry.activities.dyad.summary import dyad_summary_dict
from mimicry.activities.yawn.analysis import analyze_yawns, yawn_summary_dict
from mimicry.protocol.timeline import Trial, signed_stimulus_signal
from mimicry.simulate.expression import leader_episodes, smooth_noise
from mimicry_app import theme
from mimicry_app.result_pictures import (DYAD_CHANCE, YAWN_VERDICTS, DyadResultPlot,
                                         YawnResultPlot, picture_for)

FPS = 15.0


# --------------------------------------------------------------------------- summaries

def yawn_summary(yawn_hits: int, talk_hits: int, n_each: int = 6) -> dict:
    """``summary.json`` of a yawn session: n_each yawning and n_each talking faces.

    The viewer yawns (jaw wide open for 2 s, 1 s after onset) after the first
    ``yawn_hits`` yawning faces and the first ``talk_hits`` mouth movements.
    """
    trials, hit = [], []
    for i in range(2 * n_each):
        cond = "yawn" if i % 2 == 0 else "talk"
        on = 10.0 + 12.0 * i
        trials.append(Trial(i + 1, cond, "face", on, on + 4.0))
        k = i // 2
        hit.append(k < (yawn_hits if cond == "yawn" else talk_hits))
    t = np.arange(0.0, trials[-1].offset_s + 10.0, 1 / FPS)
    jaw = 0.03 + 0.01 * np.random.default_rng(0).standard_normal(t.size)
    for tr, h in zip(trials, hit):
        if h:
            jaw[(t >= tr.onset_s + 1.0) & (t < tr.onset_s + 3.0)] = 0.6
    result = analyze_yawns(t, jaw, trials, (0.0, 8.0))
    return {"analysis": "yawn", "yawn": yawn_summary_dict(result)}


def _valence(t, seed, delay_s=0.0, episodes_seed=None):
    """A face's valence: happy/sad episodes (as the dyad leader's), plus noise."""
    eps = leader_episodes(float(t[-1]) + 30.0, seed if episodes_seed is None else episodes_seed)
    x = signed_stimulus_signal(eps, t + 10.0 - delay_s)
    rng = np.random.default_rng(seed + 1_000_003)
    return x + 0.05 * rng.standard_normal(t.size) + 0.1 * smooth_noise(t, seed, 3)


FAST = DyadConfig(n_surrogates=199, n_bootstrap=200)


def dyad_summary(kind: str, duration_s: float = 60.0) -> dict:
    """``summary.json`` of a two-person session: ``"left_leads"`` (by 0.5 s) or ``"unrelated"``."""
    t = np.arange(0.0, duration_s, 1 / FPS)
    if kind == "left_leads":
        a, b = _valence(t, 1, episodes_seed=7), _valence(t, 2, 0.5, episodes_seed=7)
    else:
        a, b = _valence(t, 100), _valence(t, 101)
    return dyad_summary_dict(analyze_dyad_arrays(t, a, t, b, FAST))


@pytest.fixture(scope="module")
def left_leads() -> dict:
    return dyad_summary("left_leads")


@pytest.fixture(scope="module")
def unrelated() -> dict:
    return dyad_summary("unrelated")


def _shown(qtbot, widget):
    qtbot.addWidget(widget)
    widget.resize(900, 500)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _labels(widget) -> list[str]:
    return [item.textItem.toPlainText() for item in widget.count_labels]


# --------------------------------------------------------------------------- yawns

def test_yawn_bars_are_the_shares_with_their_counts(qtbot):
    s = yawn_summary(6, 0)
    assert s["yawn"]["conclusion"] == "mimicry"
    w = _shown(qtbot, YawnResultPlot())
    assert w.show_summary(s)
    assert list(w.bars.opts["height"]) == pytest.approx([100.0, 0.0])
    assert _labels(w) == ["6 of 6", "0 of 6"]
    assert w.title_text == "More yawns after yawns than chance would give"
    assert w.title_text in w.plot.titleLabel.text
    assert "p = 0.001" in w.note_text


def test_yawn_shares_of_a_mixed_session(qtbot):
    s = yawn_summary(4, 2)
    y = s["yawn"]
    assert (y["yawns_after_yawn"], y["n_yawn_trials"], y["yawns_after_control"],
            y["n_control_trials"]) == (4, 6, 2, 6)
    w = _shown(qtbot, YawnResultPlot())
    assert w.show_summary(s)
    assert list(w.bars.opts["height"]) == pytest.approx([400 / 6, 200 / 6])
    assert _labels(w) == ["4 of 6", "2 of 6"]
    assert w.title_text == "Not distinguishable from chance"


@pytest.mark.parametrize("hits, n_each, conclusion, title", [
    ((6, 0), 6, "mimicry", "More yawns after yawns than chance would give"),
    ((3, 3), 6, "not_distinguishable_from_chance", "Not distinguishable from chance"),
    ((4, 0), 4, "too_short", "Too short to conclude"),
])
def test_yawn_title_states_the_conclusion(qtbot, hits, n_each, conclusion, title):
    s = yawn_summary(*hits, n_each=n_each)
    assert s["yawn"]["conclusion"] == conclusion
    w = _shown(qtbot, YawnResultPlot())
    assert w.show_summary(s)
    assert w.title_text == title == YAWN_VERDICTS[conclusion]
    assert _labels(w) == [f"{hits[0]} of {n_each}", f"{hits[1]} of {n_each}"]


def test_yawn_plot_without_a_yawn_section(qtbot):
    w = _shown(qtbot, YawnResultPlot())
    assert not w.show_summary({"analysis": "emotion", "conclusion": "mimicry"})
    assert w.bars is None and w.count_labels == []


def test_yawn_counts_are_big_and_bold(qtbot):
    w = _shown(qtbot, YawnResultPlot())
    w.show_summary(yawn_summary(6, 0))
    for item in w.count_labels:
        font = item.textItem.font()
        assert font.bold() and font.pointSize() >= theme.HEADING_PT


# --------------------------------------------------------------------------- two people

def test_dyad_draws_the_lag_curve_and_the_chance_band(qtbot, left_leads):
    d = left_leads["dyad"]
    assert left_leads["leader"] == "left" and d["p_value"] < 0.05
    w = _shown(qtbot, DyadResultPlot())
    assert w.show_summary(left_leads)
    x, y = w.curve.getData()
    assert list(x) == pytest.approx(d["lags_s"]) and list(y) == pytest.approx(d["r"])
    _, band = w.band.getData()
    assert np.allclose(band, d["max_threshold"])
    assert w.band.opts["fillLevel"] == pytest.approx(-d["max_threshold"])
    sides = [item.textItem.toPlainText() for item in w.side_labels]
    assert "right leads" in sides[0] and "left leads" in sides[1]
    lag = left_leads["dyad_lag_s"]
    assert w.title_text == f"Moved together: the left person leads by {lag:.1f} s"


def test_dyad_at_chance_never_names_a_leader(qtbot, unrelated):
    alpha = unrelated["parameters"]["alpha"]
    assert unrelated["dyad"]["p_value"] >= alpha and unrelated["dyad"]["leader_estimate"]
    w = _shown(qtbot, DyadResultPlot())
    assert w.show_summary(unrelated)
    assert w.title_text == DYAD_CHANCE
    assert "leads" not in w.title_text and "leads" not in w.plot.titleLabel.text
    assert "led" not in w.title_text


def test_dyad_title_follows_the_p_value_not_a_stray_leader(qtbot, unrelated):
    # Even a summary that names a leader gets none in the title when p >= alpha.
    s = {**unrelated, "leader": "right", "dyad_lag_s": 0.4}
    s["dyad"] = {**unrelated["dyad"], "p_value": unrelated["parameters"]["alpha"]}
    w = _shown(qtbot, DyadResultPlot())
    assert w.show_summary(s)
    assert w.title_text == DYAD_CHANCE and "leads" not in w.plot.titleLabel.text


def test_short_dyad_does_not_name_a_leader(qtbot):
    s = dyad_summary("left_leads", duration_s=30.0)
    assert s["dyad"]["p_value"] < 0.05 and s["leader"] is None
    w = _shown(qtbot, DyadResultPlot())
    assert w.show_summary(s)
    assert "leads" not in w.title_text and "too short" in w.title_text


def test_dyad_without_a_lag_curve_draws_the_windows(qtbot, left_leads):
    s = {**left_leads, "dyad": {**left_leads["dyad"], "lags_s": [], "r": []}}
    w = _shown(qtbot, DyadResultPlot())
    assert w.show_summary(s)
    x, y = w.curve.getData()
    assert list(x) == pytest.approx(left_leads["dyad"]["windows"]["t_end"])
    assert list(y) == pytest.approx(left_leads["dyad"]["windows"]["peak_r"])


def test_dyad_plot_without_a_dyad_section(qtbot):
    w = _shown(qtbot, DyadResultPlot())
    assert not w.show_summary({"analysis": "yawn"})
    assert w.curve is None


# --------------------------------------------------------------------------- choice

def test_picture_for_picks_the_widget(qtbot, left_leads):
    yawn = picture_for(yawn_summary(6, 0))
    dyad = picture_for(left_leads)
    for w in (yawn, dyad):
        qtbot.addWidget(w)
    assert isinstance(yawn, YawnResultPlot) and yawn.bars is not None
    assert isinstance(dyad, DyadResultPlot) and dyad.curve is not None
    assert picture_for(None) is None
    assert picture_for({"analysis": "emotion", "conclusion": "mimicry"}) is None
    assert picture_for({"analysis": "capture"}) is None
    assert picture_for({"analysis": "yawn"}) is None  # no yawn section to draw


def test_screenshots_show_the_colours(qtbot, tmp_path, left_leads):
    """Both pictures at 900x500, saved, with their colours on screen."""
    from PyQt6.QtGui import QColor

    for name, summary, colour in (("yawn", yawn_summary(6, 0), theme.YAWN),
                                  ("dyad", left_leads, theme.ACCENT)):
        w = _shown(qtbot, picture_for(summary))
        path = tmp_path / f"{name}_result.png"
        assert w.grab().save(str(path))
        img = w.grab().toImage()
        want = QColor(colour)
        found = 0
        for yy in range(0, img.height(), 4):
            for xx in range(0, img.width(), 4):
                c = img.pixelColor(xx, yy)
                if (abs(c.red() - want.red()) + abs(c.green() - want.green())
                        + abs(c.blue() - want.blue())) < 40:
                    found += 1
        assert found > 50, name


# --------------------------------------------------------------------------- group labels

def _group_summary(seed: int, gains: dict) -> dict:
    from mimicry.analysis.config import AnalysisConfig
    from mimicry.analysis.groups import groups_from_events
    from mimicry.analysis.offline import analyze_arrays, summary_dict
    from mimicry.analysis.reference import design_from_events
    from mimicry.protocol.load import load_protocol
    from mimicry.protocol.schedule import build_schedule
    from mimicry.protocol.timeline import trials_from_events
    from mimicry.simulate.signal import VirtualParticipant, simulate_frames

    sch = build_schedule(load_protocol("groups_quick"), seed)
    events = sch.events()
    trials = trials_from_events(events)
    fr = simulate_frames(trials, VirtualParticipant(), duration_s=sch.duration_s, seed=seed,
                         blendshapes=False, group_gains=gains)
    groups, recorded = groups_from_events(events, trials)
    r = analyze_arrays(fr.t, fr.face_detected, fr.channels, trials, sch.calibration,
                       AnalysisConfig(n_permutations=1000), design=design_from_events(
                           events, trials), groups=groups, groups_recorded=recorded)
    return summary_dict(r)


def test_group_picture_shows_each_team_and_the_verdict(qtbot):
    from mimicry_app.group_picture import GroupResultPlot
    from mimicry_app.result_pictures import picture_for

    s = _group_summary(3, {"own": 1.0, "other": 0.0})
    w = picture_for(s)
    assert isinstance(w, GroupResultPlot)
    _shown(qtbot, w)
    gd = s["group_difference"]
    assert w.title_text == "More for your team than chance gives"
    assert list(w.bars.opts["height"]) == pytest.approx([gd["own"]["effect"],
                                                          gd["other"]["effect"]])
    assert f"{gd['estimate']:+.3f}" in w.note_text
    null = _group_summary(4, {"own": 1.0, "other": 1.0})
    assert null["group_difference"]["conclusion"] == "not_distinguishable_from_chance"
    w2 = _shown(qtbot, picture_for(null))
    assert w2.title_text == "Not distinguishable from chance"

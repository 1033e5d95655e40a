"""The session report's cross-correlogram never promises a p the session cannot reach.

A session whose relabellings allow no p below alpha (its ``p_floor >= alpha``)
gets no "peak needed for p < 0.05" line (a peak above it would still have a
p >= alpha) but a note in the figure and in its caption instead.

The sessions are simulated by :func:`report_helpers.write_session` and really
analysed (:func:`mimicry.report.session_report.analyse`). The shipped settings
always allow at least 1000 relabellings, so a session that cannot reach
p < 0.05 (e.g. 19 relabellings, p_floor = 0.05, or 9, p_floor = 0.10) is made
by replacing the analysed cross-correlation's ``p_floor`` and ``p_value``.
"""

from __future__ import annotations

import dataclasses
import re

import pytest

from mimicry.report import plots
from mimicry.report import session_report as SR


@pytest.fixture
def captured_figures(monkeypatch):
    """The matplotlib Figures the report draws, in order (their PNGs are still made)."""
    figures = []
    real = plots.png_bytes

    def capture(fig):
        figures.append(fig)
        return real(fig)

    monkeypatch.setattr(plots, "png_bytes", capture)
    return figures


def _with_floor(analysis, p_floor: float):
    xc = dataclasses.replace(analysis.result.xcorr, p_floor=p_floor, p_value=p_floor)
    result = dataclasses.replace(analysis.result, xcorr=xc)
    return dataclasses.replace(analysis, result=result)


def _xcorr_figure(analysis, figures):
    figures.clear()
    SR.draw_session_figures(analysis, None)
    return figures[0]  # no curves: xcorr is drawn first, then trials


def _labels_and_texts(fig):
    ax = fig.axes[0]
    labels = [line.get_label() for line in ax.get_lines()]
    texts = [t.get_text() for t in ax.texts] + [ax.get_title(loc="left")]
    return labels, texts


def _caption(analysis) -> str:
    from mimicry.report.quality import data_quality

    s = analysis.session
    html = SR.session_report_html(analysis, SR.draw_session_figures(analysis, None),
                                  data_quality(s.frames, s.meta, analysis.result.config.face_id))
    html = re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "", html)
    start = html.index("The correlation between the stimulus")
    return html[start:html.index("what chance gives", start)]


def test_unreachable_session_has_no_threshold_line_but_a_note(synthetic_session,
                                                              captured_figures):
    analysis = _with_floor(SR.analyse(synthetic_session("s", gain=1.0, seed=3)), 0.1)
    assert analysis.result.xcorr.max_threshold < analysis.result.xcorr.peak_r  # a high peak
    labels, texts = _labels_and_texts(_xcorr_figure(analysis, captured_figures))
    assert not any("peak needed" in lab for lab in labels)
    assert "this session cannot reach p < 0.05: smallest p = 0.10" in texts
    caption = _caption(analysis)
    assert "cannot reach p &lt; 0.05: smallest p = 0.10" in caption or \
        "cannot reach p < 0.05: smallest p = 0.10" in caption
    assert "dotted line" not in caption


def test_floor_equal_to_alpha_is_unreachable(synthetic_session, captured_figures):
    analysis = _with_floor(SR.analyse(synthetic_session("s", gain=1.0, seed=3)), 0.05)
    labels, texts = _labels_and_texts(_xcorr_figure(analysis, captured_figures))
    assert not any("peak needed" in lab for lab in labels)
    assert any("smallest p = 0.05" in t for t in texts)


def test_reachable_session_keeps_the_threshold_line(synthetic_session, captured_figures):
    analysis = SR.analyse(synthetic_session("s", gain=1.0, seed=3))
    assert analysis.result.xcorr.p_floor < 0.05
    labels, texts = _labels_and_texts(_xcorr_figure(analysis, captured_figures))
    assert "peak needed for p < 0.05 (any lag)" in labels
    assert not any("cannot reach" in t for t in texts)
    caption = _caption(analysis)
    assert "cannot reach" not in caption and "dotted line" in caption


def test_xcorr_png_without_a_floor_draws_the_line(captured_figures):
    # Callers that do not know the floor (NaN) keep the old figure.
    png = plots.xcorr_png([-1.0, 0.0, 1.0], [0.1, 0.5, 0.2], [-0.2] * 3, [0.2] * 3, 0.0, 0.5,
                          max_threshold=0.4)
    assert png.startswith(b"\x89PNG")
    labels, texts = _labels_and_texts(captured_figures[-1])
    assert "peak needed for p < 0.05 (any lag)" in labels
    assert not any("cannot reach" in t for t in texts)

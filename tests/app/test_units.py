"""The app's Qt-free sizes (the live session's pieces are tested in tests/core/runtime)."""

from __future__ import annotations

import math

from mimicry_app.stimulus_panel import render_size_px


def test_render_size():
    assert render_size_px(600, 0.8) == 480
    assert render_size_px(4000, 1.0) == 720
    assert render_size_px(100, 0.5) == 240
    assert render_size_px(601, 0.8) % 16 == 0
    assert not math.isnan(render_size_px(1080, 1.0))

"""Fixtures for the report tests: simulated and tracked session folders.

``synthetic_session`` and ``gain_sessions`` are written from the analysis's
signal-level virtual participant (fast); ``real_opposite_session`` is a
rendered virtual participant tracked with real MediaPipe (``mimicry simulate``
then ``mimicry process``), like the shared ``quick_processed``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from report_helpers import GAINS, session_meta, write_session


@pytest.fixture
def synthetic_session(tmp_path):
    """Factory: ``synthetic_session(name, gain=..., seed=..., meta=...)`` -> folder."""

    def make(name: str, **kw) -> Path:
        return write_session(tmp_path / name, **kw)

    return make


@pytest.fixture(scope="session")
def gain_sessions(tmp_path_factory) -> Path:
    """Five simulated people with gains -1, -0.5, 0, 0.5, 1 and a self-rating tied to gain.

    ``self_rating = round(4 + 3 * gain)``: 1, 2 (2.5 rounds to even), 4, 6 (5.5), 7.
    """
    root = tmp_path_factory.mktemp("gain_sessions")
    for k, g in enumerate(GAINS):
        write_session(root / f"p{k + 1:02d}_gain{g:+.1f}", gain=g, seed=10 + k,
                      meta=session_meta(f"p{k + 1:02d}", self_rating=int(round(4 + 3 * g))))
    return root


#: A short protocol for the real-pipeline aggregate: 3 s calibration, 2 faces per condition.
MINI_PROTOCOL = """
schema_version = 1
name = "mini"
description = "Test protocol: 2 faces of each condition, about 24 s."
seed = 5

[calibration]
duration_s = 3.0

[trials]
per_condition = 2
stimulus_s = 2.0
morph_s = 0.4
iti_s = 1.0
iti_jitter_s = 0.0

[display]
face_scale = 0.8
background = "#c0c0c0"
"""


@pytest.fixture(scope="session")
def real_gain_sessions(tmp_path_factory) -> Path:
    """Five rendered participants (gains -1, -0.5, 0, 0.5, 1) tracked by real MediaPipe.

    Small and short so that all five cost about 30 s of CPU: the ``mini``
    protocol (2 faces per condition, about 24 s), 128 px, 12 fps. Each
    session.json carries ``self_rating = round(4 + 3 * gain)``.
    """
    from mimicry.runtime.process import process_input
    from mimicry.protocol.load import load_protocol
    from mimicry.report.self_rating import save_self_rating
    from mimicry.simulate.rendered import simulate_participant

    root = tmp_path_factory.mktemp("real_gain_sessions")
    (root / "mini.toml").write_text(MINI_PROTOCOL, encoding="utf-8")
    protocol = load_protocol(str(root / "mini.toml"))
    for k, g in enumerate(GAINS):
        sim = root / f"sim{k + 1}"
        simulate_participant(protocol, sim, delay_s=0.6, gain=g, noise=0.05, seed=k + 1,
                             fps=12, size_px=128, jobs=2)
        out = root / "sessions" / f"p{k + 1:02d}_gain{g:+.1f}"
        process_input(sim / "participant.mp4", out, events_path=sim / "events.csv",
                      progress=False)
        save_self_rating(out, int(round(4 + 3 * g)))
    return root / "sessions"
